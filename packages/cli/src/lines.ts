import type { Readable } from 'node:stream';

/** One line of a byte stream, without its terminator (`\n` or `\r\n`). */
export interface RawLine {
  /** From 1. */
  number: number;
  bytes: Buffer;
  /** The terminator the line had: `\n`, `\r\n`, or none at the end of the stream. */
  eol: '\n' | '\r\n' | '';
  /** False for a last line that the stream ended without a `\n` (it may be cut short). */
  terminated: boolean;
}

/**
 * Splits a stream into lines as bytes, so that each line can be checked as UTF-8 on its own:
 * decoding the stream as text first would turn invalid bytes into U+FFFD without a trace.
 */
export async function* rawLines(source: AsyncIterable<Buffer | string> | Readable): AsyncGenerator<RawLine> {
  let number = 0;
  let rest: Buffer = Buffer.alloc(0);
  const line = (bytes: Buffer, terminated: boolean): RawLine => {
    number++;
    const crlf = terminated && bytes.at(-1) === 13;
    return { number, bytes: crlf ? bytes.subarray(0, -1) : bytes, eol: crlf ? '\r\n' : terminated ? '\n' : '', terminated };
  };
  for await (const piece of source as AsyncIterable<Buffer | string>) {
    const chunk = typeof piece === 'string' ? Buffer.from(piece) : piece;
    let start = 0;
    let at = chunk.indexOf(10);
    if (at !== -1 && rest.length > 0) {
      yield line(Buffer.concat([rest, chunk.subarray(0, at)]), true);
      rest = Buffer.alloc(0);
      start = at + 1;
      at = chunk.indexOf(10, start);
    }
    for (; at !== -1; at = chunk.indexOf(10, start)) {
      yield line(chunk.subarray(start, at), true);
      start = at + 1;
    }
    if (start < chunk.length) rest = rest.length > 0 ? Buffer.concat([rest, chunk.subarray(start)]) : Buffer.from(chunk.subarray(start));
  }
  if (rest.length > 0) yield line(rest, false);
}
