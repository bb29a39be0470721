import { Readable } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { rawLines, textLines } from '../src/lines.js';
import { expectLinear } from './support/linear.js';
import { seeded } from './support/random.js';

async function split(chunks: string[]) {
  const out = [];
  for await (const line of rawLines(Readable.from(chunks.map((c) => Buffer.from(c))))) out.push([line.number, line.bytes.toString(), line.terminated]);
  return out;
}

describe('rawLines', () => {
  it('splits on LF and CRLF across chunk boundaries, and flags an unterminated last line', async () => {
    expect(await split(['a\r', '\nbb', 'b\n\nc', 'c'])).toEqual([
      [1, 'a', true],
      [2, 'bbb', true],
      [3, '', true],
      [4, 'cc', false],
    ]);
  });

  it('keeps the bytes of each line as they are (no decoding)', async () => {
    const out = [];
    for await (const line of rawLines(Readable.from([Buffer.from([0x61, 0xff, 0x0a, 0xc3]), Buffer.from([0xa9, 0x0a])]))) out.push([...line.bytes]);
    expect(out).toEqual([[0x61, 0xff], [0xc3, 0xa9]]);
  });

  it('yields nothing for an empty stream', async () => {
    expect(await split([])).toEqual([]);
  });
});

/** Both splitters' lines of `chunks`, as text (an unterminated last line included, as both yield it). */
async function bothSplits(chunks: Buffer[]): Promise<{ raw: string[]; text: (string | undefined)[] }> {
  const raw: string[] = [];
  for await (const line of rawLines(Readable.from(chunks))) raw.push(line.bytes.toString('utf8'));
  const text: (string | undefined)[] = [];
  for await (const { first, texts } of textLines(Readable.from(chunks))) {
    expect(first).toBe(text.length + 1);
    text.push(...texts);
  }
  return { raw, text };
}

/** Cuts `bytes` at random places, each piece copied into a buffer of its own. */
function cutRandomly(bytes: Buffer, random: () => number, largest: number): Buffer[] {
  const chunks: Buffer[] = [];
  for (let at = 0; at < bytes.length; ) {
    const size = 1 + Math.floor(random() * largest);
    chunks.push(Buffer.from(bytes.subarray(at, at + size)));
    at += size;
  }
  return chunks;
}

describe('rawLines and textLines, against String.split', () => {
  afterEach(() => vi.restoreAllMocks());

  it('give the lines split gives, wherever the stream is cut (seeded)', async () => {
    const random = seeded(20261207);
    for (let round = 0; round < 200; round++) {
      const lines = Array.from({ length: Math.floor(random() * 8) }, () => [...'ab\r, é€😀'].slice(0, Math.floor(random() * 9)).join('').repeat(1 + Math.floor(random() * 300)));
      const text = lines.join(random() < 0.5 ? '\n' : '\r\n') + (random() < 0.5 ? '\n' : '');
      const terminated = text.endsWith('\n');
      const pieces = text.split('\n');
      // A text that ends with its terminator has no line after it (split gives an empty one).
      if (terminated || text === '') pieces.pop();
      const withoutCr = (line: string) => (line.endsWith('\r') ? line.slice(0, -1) : line);
      // rawLines leaves a CR on a last line the stream ended without a LF (it is no CRLF);
      // textLines, for JSON, where a CR is whitespace, takes it off every line.
      const expectedRaw = pieces.map((line, i) => (terminated || i < pieces.length - 1 ? withoutCr(line) : line));
      const expectedText = pieces.map(withoutCr);
      const { raw, text: decoded } = await bothSplits(cutRandomly(Buffer.from(text), random, 1 + Math.floor(random() * 700)));
      expect(raw, `round ${round}`).toEqual(expectedRaw);
      expect(decoded, `round ${round}`).toEqual(expectedText);
    }
  });

  it('copy a long line a few times over, not once per chunk it comes in (counted: the time alone hid it)', async () => {
    const line = Buffer.alloc(1 << 20, 0x61);
    const chunks = [...cutRandomly(line, seeded(7), 1 << 14), Buffer.from('\nb\n')];
    // Every way Buffer copies bytes, counted while the splitters run (the chunks are made before).
    const copied = { bytes: 0 };
    const concat = vi.spyOn(Buffer, 'concat');
    const copy = vi.spyOn(Buffer.prototype, 'copy');
    const from = vi.spyOn(Buffer, 'from');
    const { raw, text } = await bothSplits(chunks);
    copied.bytes += concat.mock.results.reduce((sum, result) => sum + (result.value as Buffer).length, 0);
    copied.bytes += copy.mock.results.reduce((sum, result) => sum + (result.value as number), 0);
    copied.bytes += from.mock.calls.reduce((sum, [value]) => sum + (Buffer.isBuffer(value) ? value.length : 0), 0);
    expect(raw.map((l) => l.length)).toEqual([1 << 20, 1]);
    expect(text.map((l) => l!.length)).toEqual([1 << 20, 1]);
    // Both splitters together: each copies the line in once and, as its buffer doubles, about
    // once more (4.2 MB in all). Joining the line so far at each of its ~130 chunks copied 121 MB.
    expect(copied.bytes).toBeLessThanOrEqual(6 * line.length);
  });

  it('read a long line in time linear in its length, in 16 KB chunks (1, 4, 10 MB)', async () => {
    for (const splitter of ['rawLines', 'textLines'] as const) {
      await expectLinear(splitter, async (mb) => {
        const line = Buffer.alloc(mb << 20, 0x61);
        const chunks = [...Array.from({ length: line.length >> 14 }, (_, i) => line.subarray(i << 14, (i + 1) << 14)), Buffer.from('\n')];
        let best = Infinity;
        for (let round = 0; round < 3; round++) {
          const start = performance.now();
          let length = 0;
          if (splitter === 'rawLines') for await (const raw of rawLines(Readable.from(chunks))) length += raw.bytes.length;
          else for await (const { texts } of textLines(Readable.from(chunks))) length += texts[0]!.length;
          best = Math.min(best, performance.now() - start);
          expect(length).toBe(line.length);
        }
        return best;
      });
    }
  }, 240_000);
});
