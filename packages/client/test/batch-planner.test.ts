import { requestXml } from '@altcraft-api/contract';
import { describe, expect, it } from 'vitest';
import { planBatches, type PlannedBatch, type Unsendable } from '../src/batch-planner.js';

const fields = { token: 'abcdefghijklmnqrstuvwxyz', workflow_id: 12 };

async function plan(input: Iterable<Record<string, unknown>>, options: Partial<Parameters<typeof planBatches>[1]> = {}) {
  const out: (PlannedBatch | Unsendable)[] = [];
  for await (const planned of planBatches(input, { format: 'json', fields, maxProfiles: 10_000, maxBodyBytes: 10_485_760, startIndex: 0, ...options })) out.push(planned);
  return out;
}

const decode = (batch: PlannedBatch, format: 'json' | 'xml') => {
  const text = Buffer.from(batch.body).toString('utf8');
  return (format === 'xml' ? requestXml.decode(text) : JSON.parse(text)) as { data: { data: { n: number } }[] };
};

describe.each(['json', 'xml'] as const)('planBatches (%s)', (format) => {
  const input = Array.from({ length: 300 }, (_, n) => ({ n, note: 'x'.repeat(n % 50) }));

  it('keeps input order, covers every profile once, and stays within the byte limit', async () => {
    const maxBodyBytes = 4_000;
    const planned = (await plan(input, { format, maxBodyBytes })) as PlannedBatch[];
    expect(planned.every((p) => p.kind === 'batch' && p.body.length <= maxBodyBytes)).toBe(true);
    const order = planned.flatMap((batch) => decode(batch, format).data.map((item) => item.data.n));
    expect(order).toEqual(input.map((p) => p.n));
    expect(planned.flatMap((batch) => batch.indexes)).toEqual(input.map((p) => p.n));
  });

  it('skips the profiles below startIndex', async () => {
    const planned = (await plan(input, { format, startIndex: 250 })) as PlannedBatch[];
    expect(planned.flatMap((batch) => batch.indexes)).toEqual(Array.from({ length: 50 }, (_, i) => 250 + i));
  });

  it('reports a profile that is not an object, and sends the others', async () => {
    const planned = await plan([{ n: 0 }, 'a@example.com' as never, { n: 2 }], { format });
    expect(planned.filter((p) => p.kind === 'unsendable')).toEqual([{ kind: 'unsendable', index: 1, reason: 'a profile must be an object' }]);
    expect((planned.filter((p) => p.kind === 'batch') as PlannedBatch[]).flatMap((b) => b.indexes)).toEqual([0, 2]);
  });
});

it('finds an unserialisable profile past the first sample, and sends the others', async () => {
  const input: Record<string, unknown>[] = Array.from({ length: 200 }, (_, n) => ({ n }));
  input[150] = { n: 150, big: 10n };
  const planned = await plan(input);
  expect(planned.filter((p) => p.kind === 'unsendable')).toEqual([{ kind: 'unsendable', index: 150, reason: expect.stringContaining('cannot be serialised') }]);
  expect((planned.filter((p) => p.kind === 'batch') as PlannedBatch[]).flatMap((b) => b.indexes)).toHaveLength(199);
});
