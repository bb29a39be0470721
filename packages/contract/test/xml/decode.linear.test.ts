// Every path of the reader must cost time in proportion to the input (issue: one element with
// 92,000 attributes took the reader 16-59 s, the event loop never turning). Each family of
// pathological documents is decoded at 1, 4 and 10 MB, each size timed as the best of a few
// rounds in the same run. The judge is the time per MB at 10 MB against 4 MB: a quadratic path
// makes that ratio 2.5 and the limit is 2. 1 MB is timed and reported but is not the base: with
// a second suite on the two cores, documents that fit the caches decoded up to 12x faster per MB
// than at 4 MB while 4 and 10 MB stayed level, so 1 MB against 10 MB failed linear paths.
import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { XmlDecodeError, requestXml } from '../../src/xml.js';
import { families } from './pathological.js';

const MB = 1 << 20;
const SIZES = [1, 4, 10];
// 1 MB is reported, not judged (above): fewer rounds there; 4 and 10 MB are the pair compared.
const ROUNDS: Record<number, number> = { 1: 2, 4: 3, 10: 2 };
const LIMIT = 2;
const ATTEMPTS = 4;

/** Decodes, accepting faults of content (an unknown root field's value) but not of form. */
function decode(xml: string): void {
  try {
    requestXml.decode(xml);
  } catch (error) {
    expect(error).toBeInstanceOf(XmlDecodeError);
    expect((error as Error).message).not.toMatch(/^malformed/);
  }
}

function bestOf(rounds: number, xml: string): number {
  let best = Infinity;
  for (let r = 0; r < rounds; r++) {
    const start = performance.now();
    decode(xml);
    best = Math.min(best, performance.now() - start);
  }
  return best;
}

/** Milliseconds per MB at each size. */
function measure(make: (bytes: number) => string): Map<number, number> {
  const perMb = new Map<number, number>();
  for (const size of SIZES) {
    const xml = make(size * MB);
    expect(xml.length).toBeGreaterThan(size * MB * 0.9);
    expect(xml.length).toBeLessThan(size * MB * 1.1);
    if (size === SIZES[0]) decode(xml); // warm-up: the compiler's work is not the reader's
    perMb.set(size, bestOf(ROUNDS[size]!, xml) / size);
  }
  return perMb;
}

describe('the XML reader is linear in its input', () => {
  for (const [family, make] of Object.entries(families)) {
    it(`time per MB stays flat from 1 to 10 MB: ${family}`, () => {
      // A neighbour's burst can land on one size; a quadratic path fails every attempt.
      const seen: string[] = [];
      for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
        const perMb = measure(make);
        if (perMb.get(10)! / perMb.get(4)! < LIMIT) return;
        seen.push([...perMb].map(([size, ms]) => `${size} MB ${ms.toFixed(1)}`).join(', '));
      }
      expect.fail(`${family}: ms per MB, each attempt: ${seen.join('; ')}`);
    }, 300_000);
  }
});
