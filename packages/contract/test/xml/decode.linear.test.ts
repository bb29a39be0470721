// Every path of the reader must cost time in proportion to the input (issue: one element with
// 92,000 attributes took the reader 16-59 s, the event loop never turning). Each family of
// pathological documents is decoded at 1, 4 and 10 MB, each size timed (wall and CPU) as the best
// of a few rounds in the same run. The judge is the time per MB at 10 MB against 4 MB: a quadratic path
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

/** Wall and CPU milliseconds of a decode, each the best of `rounds`. */
function bestOf(rounds: number, xml: string): Timing {
  const best = { wall: Infinity, cpu: Infinity };
  for (let r = 0; r < rounds; r++) {
    const [wall, cpu] = [performance.now(), process.cpuUsage()];
    decode(xml);
    const { user, system } = process.cpuUsage(cpu);
    best.wall = Math.min(best.wall, performance.now() - wall);
    best.cpu = Math.min(best.cpu, (user + system) / 1000);
  }
  return best;
}

interface Timing {
  wall: number;
  cpu: number;
}

/** Milliseconds per MB at each size, in wall and in CPU time. */
function measure(make: (bytes: number) => string): Map<number, Timing> {
  const perMb = new Map<number, Timing>();
  for (const size of SIZES) {
    const xml = make(size * MB);
    expect(xml.length).toBeGreaterThan(size * MB * 0.9);
    expect(xml.length).toBeLessThan(size * MB * 1.1);
    if (size === SIZES[0]) decode(xml); // warm-up: the compiler's work is not the reader's
    const { wall, cpu } = bestOf(ROUNDS[size]!, xml);
    perMb.set(size, { wall: wall / size, cpu: cpu / size });
  }
  return perMb;
}

/**
 * 10 MB against 4 MB, the lower of the wall-time and the CPU-time ratios. Each measure errs one
 * way: beside a second suite a longer decode waits for a core more often, which only wall time
 * counts (a single 5 MB attribute name read 2.1x, four attempts out of four, level quiet); the
 * collector's helper threads work more on a larger heap, which only CPU time counts (CDATA
 * sections read 2.0x once, quiet). A quadratic path makes both 2.5 or more.
 */
function growth(perMb: Map<number, Timing>): number {
  const [at4, at10] = [perMb.get(4)!, perMb.get(10)!];
  return Math.min(at10.wall / at4.wall, at10.cpu / at4.cpu);
}

describe('the XML reader is linear in its input', () => {
  for (const [family, make] of Object.entries(families)) {
    it(`time per MB stays flat from 1 to 10 MB: ${family}`, () => {
      // A neighbour's burst can land on one size; a quadratic path fails every attempt.
      const seen: string[] = [];
      for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
        const perMb = measure(make);
        if (growth(perMb) < LIMIT) return;
        seen.push([...perMb].map(([size, ms]) => `${size} MB ${ms.wall.toFixed(1)} (CPU ${ms.cpu.toFixed(1)})`).join(', '));
      }
      expect.fail(`${family}: ms per MB, each attempt: ${seen.join('; ')}`);
    }, 300_000);
  }
});
