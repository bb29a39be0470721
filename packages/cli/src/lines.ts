import { isUtf8 } from 'node:buffer';
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

/** Consecutive lines as text (`undefined` for a line whose bytes are not UTF-8), the first one numbered `first`. */
export interface TextLines {
  first: number;
  texts: (string | undefined)[];
}

/**
 * The lines of a stream as text, a chunk's worth at a time. Each run of whole lines is checked
 * as UTF-8 and decoded at once (one string, not a buffer and a string per line); only a run
 * with an invalid byte is looked at line by line, so that just the bad line is lost.
 */
export async function* textLines(source: AsyncIterable<Buffer | string> | Readable): AsyncGenerator<TextLines> {
  let number = 0;
  let rest: Buffer = Buffer.alloc(0);
  const lines = (region: Buffer): TextLines => {
    const first = number + 1;
    if (isUtf8(region)) {
      const texts: (string | undefined)[] = region.toString('utf8').split('\n');
      for (let i = 0; i < texts.length; i++) {
        const text = texts[i]!;
        if (text.endsWith('\r')) texts[i] = text.slice(0, -1);
      }
      number += texts.length;
      return { first, texts };
    }
    const texts: (string | undefined)[] = [];
    for (let start = 0; start <= region.length; ) {
      let end = region.indexOf(10, start);
      if (end === -1) end = region.length;
      const bytes = region.subarray(start, end > start && region[end - 1] === 13 ? end - 1 : end);
      texts.push(isUtf8(bytes) ? bytes.toString('utf8') : undefined);
      start = end + 1;
    }
    number += texts.length;
    return { first, texts };
  };
  for await (const piece of source as AsyncIterable<Buffer | string>) {
    const chunk = typeof piece === 'string' ? Buffer.from(piece) : piece;
    const last = chunk.lastIndexOf(10);
    if (last === -1) {
      rest = Buffer.concat([rest, chunk]);
      continue;
    }
    const region = rest.length > 0 ? Buffer.concat([rest, chunk.subarray(0, last)]) : chunk.subarray(0, last);
    rest = Buffer.from(chunk.subarray(last + 1));
    yield lines(region);
  }
  if (rest.length > 0) yield lines(rest);
}
