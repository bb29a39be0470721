import { expect } from 'vitest';

const SIZES = [1, 4, 10];
const ATTEMPTS = 4;

/**
 * Fails when the time per MB of `run` grows with the size of its input, at 1, 4 and 10 MB
 * (`run(mb)` builds an input of about that size, times it as the best of a few rounds and
 * returns the milliseconds).
 *
 * The judge is 10 MB against 4 MB: a quadratic path makes that ratio 2.5 and the limit is 2.
 * 1 MB is timed and reported but is not the base: with a second suite on the two cores, an
 * input that fits the caches ran up to 12x faster per MB than the same path at 4 MB, while 4
 * and 10 MB stayed level (measured on the XML reader, the CSV reader and the number check),
 * so 1 MB against 10 MB would fail linear code. A neighbour's burst lands on one attempt; a
 * quadratic path fails every one.
 */
export async function expectLinear(name: string, run: (mb: number) => Promise<number> | number): Promise<void> {
  const seen: string[] = [];
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const perMb: number[] = [];
    for (const mb of SIZES) perMb.push((await run(mb)) / mb);
    if (perMb[2]! / perMb[1]! < 2) return;
    seen.push(perMb.map((ms, i) => `${SIZES[i]} MB ${ms.toFixed(1)}`).join(', '));
  }
  expect.fail(`${name}: ms per MB, each attempt: ${seen.join('; ')}`);
}
