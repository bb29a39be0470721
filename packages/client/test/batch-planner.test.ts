import { createBatchEncoder, requestXml } from '@altcraft-api/contract';
import { describe, expect, it } from 'vitest';
import { planBatches, splitBody, type PlannedBatch, type Unsendable } from '../src/batch-planner.js';

const fields = { token: 'abcdefghijklmnqrstuvwxyz', workflow_id: 12 };

async function plan(input: Iterable<Record<string, unknown>>, options: Partial<Parameters<typeof planBatches>[1]> = {}) {
  const out: (PlannedBatch | Unsendable)[] = [];
  for await (const planned of planBatches(input, { format: 'json', fields, maxProfiles: 10_000, maxBodyBytes: 10_485_760, startIndex: 0, ...options })) out.push(planned);
  return out;
}

/** The input indexes a batch carries. */
const indexes = (batch: PlannedBatch) => Array.from({ length: batch.count }, (_, i) => batch.first + i);

const decode = (batch: Pick<PlannedBatch, 'body'>, format: 'json' | 'xml') => {
  const { bytes } = batch.body;
  const text = typeof batch.body.text === 'string' ? batch.body.text : Buffer.from(batch.body.text).toString('utf8');
  // The size the planner checked is the size of the bytes sent.
  expect(Buffer.byteLength(batch.body.text)).toBe(bytes);
  return (format === 'xml' ? requestXml.decode(text) : JSON.parse(text)) as { data: { data: { n: number } }[] };
};

describe.each(['json', 'xml'] as const)('planBatches (%s)', (format) => {
  const input = Array.from({ length: 300 }, (_, n) => ({ n, note: 'x'.repeat(n % 50) }));

  it('keeps input order, covers every profile once, and stays within the byte limit', async () => {
    const maxBodyBytes = 4_000;
    const planned = (await plan(input, { format, maxBodyBytes })) as PlannedBatch[];
    expect(planned.every((p) => p.kind === 'batch' && p.body.bytes <= maxBodyBytes)).toBe(true);
    const order = planned.flatMap((batch) => decode(batch, format).data.map((item) => item.data.n));
    expect(order).toEqual(input.map((p) => p.n));
    expect(planned.flatMap(indexes)).toEqual(input.map((p) => p.n));
  });

  it('skips the profiles below startIndex', async () => {
    const planned = (await plan(input, { format, startIndex: 250 })) as PlannedBatch[];
    expect(planned.flatMap(indexes)).toEqual(Array.from({ length: 50 }, (_, i) => 250 + i));
  });

  it('reports a profile that is not an object, and sends the others', async () => {
    const planned = await plan([{ n: 0 }, 'a@example.com' as never, { n: 2 }], { format });
    expect(planned.filter((p) => p.kind === 'unsendable')).toEqual([{ kind: 'unsendable', index: 1, reason: 'a profile must be an object' }]);
    expect((planned.filter((p) => p.kind === 'batch') as PlannedBatch[]).flatMap(indexes)).toEqual([0, 2]);
  });
});

it('finds an unserialisable profile past the first sample, and sends the others', async () => {
  const input: Record<string, unknown>[] = Array.from({ length: 200 }, (_, n) => ({ n }));
  input[150] = { n: 150, big: 10n };
  const planned = await plan(input);
  expect(planned.filter((p) => p.kind === 'unsendable')).toEqual([{ kind: 'unsendable', index: 150, reason: expect.stringContaining('cannot be serialised') }]);
  expect((planned.filter((p) => p.kind === 'batch') as PlannedBatch[]).flatMap(indexes)).toHaveLength(199);
});

describe('the byte limit is an explicit check', () => {
  const LIMIT = 10_485_760;
  /** 4 small profiles (so the next body is sized for 4), then 4 whose body is `bytes` long. */
  function input(bytes: number) {
    const small = Array.from({ length: 4 }, (_, n) => ({ n, pad: '' }));
    const big = Array.from({ length: 4 }, (_, i) => ({ n: 4 + i, pad: '' }));
    const base = Buffer.byteLength(createBatchEncoder('json', fields).body(big));
    const extra = bytes - base;
    big.forEach((profile, i) => (profile.pad = 'x'.repeat(Math.floor(extra / 4) + (i === 3 ? extra % 4 : 0))));
    expect(Buffer.byteLength(createBatchEncoder('json', fields).body(big))).toBe(bytes);
    return [...small, ...big];
  }

  it('a JSON body of exactly 10,485,760 bytes is sent whole', async () => {
    const planned = (await plan(input(LIMIT), { maxProfiles: 4 })) as PlannedBatch[];
    expect(planned.map(indexes)).toEqual([[0, 1, 2, 3], [4, 5, 6, 7]]);
    expect(planned[1]!.body.bytes).toBe(LIMIT);
    expect(Buffer.byteLength(planned[1]!.body.text)).toBe(LIMIT);
  }, 30_000);

  it('one byte more and the body is split', async () => {
    const planned = (await plan(input(LIMIT + 1), { maxProfiles: 4 })) as PlannedBatch[];
    expect(planned.map(indexes)).toEqual([[0, 1, 2, 3], [4, 5, 6], [7]]);
    for (const batch of planned) expect(Buffer.byteLength(batch.body.text)).toBeLessThanOrEqual(LIMIT);
  }, 30_000);
});

it.each(['json', 'xml'] as const)('a batch is always a contiguous range of input indexes (%s)', async (format) => {
  const input: Record<string, unknown>[] = Array.from({ length: 100 }, (_, n) => ({ n }));
  input[3] = 'not an object' as never;
  input[70] = { n: 70, big: 10n };
  const planned = (await plan(input, { format })).filter((p) => p.kind === 'batch') as PlannedBatch[];
  // Each body carries exactly its range first..first+count-1, in order.
  for (const batch of planned) expect(decode(batch, format).data.map((item) => item.data.n)).toEqual(indexes(batch));
  expect(planned.flatMap(indexes)).toEqual(Array.from({ length: 100 }, (_, n) => n).filter((n) => n !== 3 && n !== 70));
});

it('reports a profile that is not an object past the first sample (JSON), and sends the others', async () => {
  const input: Record<string, unknown>[] = Array.from({ length: 300 }, (_, n) => ({ n }));
  input[200] = 'a@example.com' as never;
  input[250] = [{ n: 250 }] as never;
  const planned = await plan(input);
  expect(planned.filter((p) => p.kind === 'unsendable').map((p) => (p as Unsendable).index)).toEqual([200, 250]);
  const batches = planned.filter((p) => p.kind === 'batch') as PlannedBatch[];
  expect(batches.flatMap((batch) => decode(batch, 'json').data.map((item) => item.data.n))).toEqual(input.filter((_, n) => n !== 200 && n !== 250).map((p) => p.n));
});

describe.each(['json', 'xml'] as const)('splitBody (%s)', (format) => {
  it('cuts a body into the parts asked for, each a body of its own', async () => {
    const [batch] = (await plan(Array.from({ length: 10 }, (_, n) => ({ n })), { format })) as PlannedBatch[];
    const parts = splitBody(format, fields, batch!.body, [3, 4, 9]);
    expect(parts.map((part) => decode({ body: part }, format).data.map((item) => item.data.n))).toEqual([[0, 1, 2], [3], [4, 5, 6, 7, 8], [9]]);
  });
});

describe.each(['json', 'xml'] as const)('encoded input (%s)', (format) => {
  const encoder = createBatchEncoder(format, fields);
  const profiles = Array.from({ length: 300 }, (_, n) => ({ n, note: `é${'x'.repeat(n % 50)}` }));
  const items = profiles.map((profile) => Buffer.from(encoder.item(profile)));

  it('sends the bytes of the bodies the profiles themselves make, within the byte limit', async () => {
    for (const maxBodyBytes of [10_485_760, 4_000]) {
      const fromProfiles = (await plan(profiles, { format, maxBodyBytes, maxProfiles: 100 })) as PlannedBatch[];
      const fromItems = (await plan(items as never, { format, maxBodyBytes, maxProfiles: 100, encoded: true })) as PlannedBatch[];
      expect(fromItems.every((batch) => batch.kind === 'batch' && batch.body.text instanceof Uint8Array && batch.body.bytes <= maxBodyBytes)).toBe(true);
      // The same profiles, in the same order, the same bytes when cut in the same places.
      expect(fromItems.flatMap((batch) => decode(batch, format).data.map((item) => item.data.n))).toEqual(profiles.map((p) => p.n));
      expect(fromItems.flatMap(indexes)).toEqual(profiles.map((p) => p.n));
      if (maxBodyBytes > 4_000) {
        expect(fromItems.map(indexes)).toEqual(fromProfiles.map(indexes));
        expect(fromItems.map((batch) => Buffer.from(batch.body.text).toString('utf8'))).toEqual(fromProfiles.map((batch) => batch.body.text));
      }
    }
  });

  it('reports an item too large alone, and what is not bytes, and sends the others', async () => {
    const input = [...items.slice(0, 3), Buffer.alloc(5_000, 32), 'a string' as never, ...items.slice(3, 6)];
    const planned = await plan(input as never, { format, maxBodyBytes: 4_000, encoded: true });
    expect(planned.filter((p) => p.kind === 'unsendable').map((p) => (p as Unsendable).index)).toEqual([3, 4]);
    expect((planned.filter((p) => p.kind === 'batch') as PlannedBatch[]).flatMap(indexes)).toEqual([0, 1, 2, 5, 6, 7]);
  });

  it('a body of encoded items splits like any other', async () => {
    const [batch] = (await plan(items.slice(0, 10) as never, { format, encoded: true })) as PlannedBatch[];
    const parts = splitBody(format, fields, batch!.body, [3, 4, 9]);
    expect(parts.map((part) => decode({ body: part }, format).data.map((item) => item.data.n))).toEqual([[0, 1, 2], [3], [4, 5, 6, 7, 8], [9]]);
  });
});

it('encoded input may come as arrays of consecutive items, with the same indexes and bodies', async () => {
  const encoder = createBatchEncoder('json', fields);
  const items = Array.from({ length: 50 }, (_, n) => Buffer.from(encoder.item({ n })));
  const one = (await plan(items as never, { encoded: true, maxProfiles: 7, startIndex: 3 })) as PlannedBatch[];
  const grouped = (await plan([items.slice(0, 2), items[2]!, items.slice(3, 20), [], items.slice(20)] as never, { encoded: true, maxProfiles: 7, startIndex: 3 })) as PlannedBatch[];
  expect(grouped.map(indexes)).toEqual(one.map(indexes));
  expect(grouped.map((batch) => Buffer.from(batch.body.text).toString())).toEqual(one.map((batch) => Buffer.from(batch.body.text).toString()));
  expect(one.flatMap(indexes)).toEqual(Array.from({ length: 47 }, (_, i) => i + 3));
});
