import { createBatchEncoder, requestXml } from '@altcraft-api/contract';
import { describe, expect, it } from 'vitest';
import { planBatches, splitBody, type PlannedBatch, type PlannerOptions, type Unsendable } from '../src/batch-planner.js';
import { planGuarded, type Planned, type Run } from './support/guarded-planner.js';
import { seeded } from './support/random.js';

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

// The exact limit and progress, for every path that measures a body: JSON (sized from the
// average, stringified per body), XML (measured item by item) and encoded items of either
// format (bytes joined as they came). Run in a worker with a deadline: an off-by-one in these
// paths can make the planner loop forever, and that must fail the test, not hang the suite.
describe.each([
  ['json', false],
  ['xml', false],
  ['json', true],
  ['xml', true],
] as const)('the byte limit, exactly (%s, encoded: %s)', (format, encoded) => {
  const encoder = createBatchEncoder(format, fields);
  const LIMIT = 3_000;
  const itemBudget = LIMIT - Buffer.byteLength(encoder.head) - Buffer.byteLength(encoder.tail);
  const separator = Buffer.byteLength(encoder.separator);
  /** A profile whose item is exactly `bytes` long. */
  function sized(n: number, bytes: number): Record<string, unknown> {
    // At least one character: an empty XML element is written shorter (`<pad/>`).
    const pad = bytes - Buffer.byteLength(encoder.item({ n, pad: 'x' })) + 1;
    expect(pad, `an item of ${bytes} bytes`).toBeGreaterThanOrEqual(1);
    const profile = { n, pad: 'x'.repeat(pad) };
    expect(Buffer.byteLength(encoder.item(profile))).toBe(bytes);
    return profile;
  }
  const asInput = (profiles: Record<string, unknown>[]) => (encoded ? profiles.map((p) => Buffer.from(encoder.item(p))) : profiles);
  const options = (maxProfiles: number, maxBodyBytes = LIMIT): PlannerOptions => ({ format, fields, maxProfiles, maxBodyBytes, startIndex: 0, encoded });
  const ranges = (planned: Planned[]) => planned.map((p) => (p.kind === 'batch' ? Array.from({ length: p.count }, (_, i) => p.first + i) : `unsendable ${p.index}`));
  /** 4 profiles, numbered from `first`, whose body is `bytes` long. */
  function bodyOf(first: number, bytes: number) {
    const room = bytes - (LIMIT - itemBudget) - 3 * separator;
    const profiles = Array.from({ length: 4 }, (_, i) => sized(first + i, Math.floor(room / 4) + (i === 3 ? room % 4 : 0)));
    expect(Buffer.byteLength(encoder.body(profiles))).toBe(bytes);
    return profiles;
  }
  // Small profiles first, as many as maxProfiles: a JSON body is then sized for that many.
  const small = (count: number, first = 0) => Array.from({ length: count }, (_, i) => sized(first + i, 40));

  it('a body of exactly the limit is one request; one byte more and it is split', async () => {
    const [exact, over, givenBack] = await planGuarded([
      { input: asInput([...small(4), ...bodyOf(4, LIMIT)]), options: options(4) },
      { input: asInput([...small(4), ...bodyOf(4, LIMIT + 1)]), options: options(4) },
      // Over the limit by one profile, and exactly at it once that profile is given back.
      { input: asInput([...small(5), ...bodyOf(5, LIMIT), ...small(1, 9)]), options: options(5) },
    ]);
    expect(ranges(exact!)).toEqual([[0, 1, 2, 3], [4, 5, 6, 7]]);
    expect(exact![1]).toMatchObject({ bytes: LIMIT, binary: encoded });
    const atLimit = exact![1]!;
    expect(Buffer.byteLength(atLimit.kind === 'batch' ? atLimit.text : '')).toBe(LIMIT);
    expect(ranges(over!)).toEqual([[0, 1, 2, 3], [4, 5, 6], [7]]);
    expect(ranges(givenBack!)).toEqual([[0, 1, 2, 3, 4], [5, 6, 7, 8], [9]]);
    expect(givenBack![1]).toMatchObject({ bytes: LIMIT });
  }, 90_000);

  it('a profile that fills the limit alone is sent alone; one byte more and it alone is refused', async () => {
    const [alone, refused] = await planGuarded([
      { input: asInput([sized(0, 40), sized(1, itemBudget), sized(2, 40)]), options: options(10) },
      { input: asInput([sized(0, 40), sized(1, itemBudget + 1), sized(2, 40)]), options: options(10) },
    ]);
    expect(ranges(alone!)).toEqual([[0], [1], [2]]);
    expect(alone![1]).toMatchObject({ kind: 'batch', bytes: LIMIT });
    expect(ranges(refused!)).toEqual([[0], 'unsendable 1', [2]]);
    expect(refused![1]).toMatchObject({ reason: `alone it makes a body of ${LIMIT + 1} bytes, over the ${LIMIT}-byte limit` });
  }, 90_000);

  it('always makes progress: every profile once, in order, no body over the limit (seeded random sizes)', async () => {
    const random = seeded(format.length * 7919 + (encoded ? 1 : 0));
    const pick = (n: number) => Math.floor(random() * n);
    const runs: Run[] = [];
    const expected: { sizes: number[]; maxProfiles: number; budget: number; limit: number }[] = [];
    for (let run = 0; run < 150; run++) {
      const limit = LIMIT - pick(1_500);
      const budget = limit - (LIMIT - itemBudget);
      const minimum = Buffer.byteLength(encoder.item({ n: 999, pad: 'x' }));
      // Sizes around the edges that matter (one profile filling the limit, two or three
      // halving it) and anywhere between.
      const edges = [budget - 1, budget, budget + 1, (budget - separator) / 2, (budget - separator) / 2 + 1, (budget - 2 * separator) / 3];
      const sizes = Array.from({ length: 1 + pick(40) }, () => Math.max(minimum, Math.floor(random() < 0.5 ? edges[pick(edges.length)]! : minimum + pick(budget))));
      const maxProfiles = 1 + pick(random() < 0.5 ? 3 : 100);
      expected.push({ sizes, maxProfiles, budget, limit });
      runs.push({ input: asInput(sizes.map((bytes, n) => sized(n, bytes))), options: options(maxProfiles, limit) });
    }
    const results = await planGuarded(runs);
    results.forEach((planned, run) => {
      const { sizes, maxProfiles, budget, limit } = expected[run]!;
      const label = `run ${run}: sizes ${sizes.join(' ')}, limit ${limit}, maxProfiles ${maxProfiles}`;
      // Every profile exactly once, in order; refused exactly when it alone is over the limit.
      expect(ranges(planned).flat(), label).toEqual(sizes.map((bytes, n) => (bytes > budget ? `unsendable ${n}` : n)));
      for (const p of planned) {
        if (p.kind !== 'batch') continue;
        expect(p.count, label).toBeLessThanOrEqual(maxProfiles);
        const items = sizes.slice(p.first, p.first + p.count);
        const bytes = limit - budget + items.reduce((sum, size) => sum + size, 0) + separator * (p.count - 1);
        expect(p.bytes, label).toBe(bytes);
        expect(Buffer.byteLength(p.text), label).toBe(bytes);
        expect(p.bytes, label).toBeLessThanOrEqual(limit);
        const data = (format === 'xml' ? requestXml.decode(p.text) : JSON.parse(p.text)) as { data: { data: { n: number } }[] };
        expect(data.data.map((item) => item.data.n), label).toEqual(items.map((_, i) => p.first + i));
        // Item by item, a body takes every next profile that still fits.
        const next = sizes[p.first + p.count];
        if (format === 'xml' || encoded) {
          if (next !== undefined && next <= budget && p.count < maxProfiles) expect(bytes + separator + next, label).toBeGreaterThan(limit);
        }
      }
    });
  }, 90_000);
});
