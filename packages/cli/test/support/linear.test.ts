import { describe, expect, it } from 'vitest';
import { expectLinear } from './linear.js';

describe('expectLinear', () => {
  it('passes time in proportion to the size, with the step below the caches that loaded runs show', async () => {
    await expectLinear('linear', (mb) => (mb === 1 ? 1 : 12 * mb));
  });

  it('fails a quadratic path, and says the time per MB of each attempt', async () => {
    await expect(expectLinear('quadratic', (mb) => mb * mb)).rejects.toThrow(/quadratic: ms per MB, each attempt: 1 MB 1\.0, 4 MB 4\.0, 10 MB 10\.0;/);
  });

  it('passes when one attempt of four is linear (a neighbour\'s burst lands on the others)', async () => {
    let calls = 0;
    await expectLinear('bursts', (mb) => (++calls <= 9 && mb === 10 ? 100 : mb));
    expect(calls).toBe(12);
  });
});
