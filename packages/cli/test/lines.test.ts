import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { rawLines } from '../src/lines.js';

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
