import { Readable } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { rawLines, textLines } from '../src/lines.js';
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

  it('join a long line once, however many chunks it comes in (joining at each chunk was quadratic)', async () => {
    const line = Buffer.alloc(1 << 20, 0x61);
    const chunks = [...cutRandomly(line, seeded(7), 2048), Buffer.from('\nb\n')];
    const concat = vi.spyOn(Buffer, 'concat');
    const { raw, text } = await bothSplits(chunks);
    expect(raw.map((l) => l.length)).toEqual([1 << 20, 1]);
    expect(text.map((l) => l!.length).slice(0, 2)).toEqual([1 << 20, 1]);
    const joined = concat.mock.results.reduce((sum, result) => sum + (result.value as Buffer).length, 0);
    // One join of the line in each splitter; joining the line so far at each of its ~1,000 chunks made ~1 GB.
    expect(joined).toBeLessThanOrEqual(2 * (line.length + 3));
  });
});
