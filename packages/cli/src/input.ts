import { isUtf8 } from 'node:buffer';
import type { Readable } from 'node:stream';
import { MAX_BODY_BYTES, document, isJsonObject, resolveSchemaRef, type JsonSchema } from '@altcraft-api/contract';
import { parse } from 'csv-parse/sync';
import { rawLines, textLines, type RawLine } from './lines.js';
import { findChangedNumber, mayHoldChangedNumber, numberChange, shownToken } from './numbers.js';

export type InputFormat = 'ndjson' | 'csv';

/** One input record: a profile, or why it could not be read. `line` is where the record starts. */
export type InputRecord = { line: number; profile: Record<string, unknown>; text?: string } | { line: number; error: string; pointer?: string };

export interface ReadOptions {
  /** Lines to leave out (settled in an earlier run). */
  skip?: (line: number) => boolean;
  /** CSV columns kept as text whatever they look like (ids with leading zeros, ...). */
  stringColumns?: ReadonlySet<string>;
}


const BOM = Buffer.from([0xef, 0xbb, 0xbf]);
const withoutBom = (raw: RawLine): Buffer => (raw.number === 1 && raw.bytes.subarray(0, 3).equals(BOM) ? raw.bytes.subarray(3) : raw.bytes);

/** The line's text, or undefined when its bytes are not UTF-8 (decoding would hide them as U+FFFD). */
const textOf = (bytes: Buffer): string | undefined => (isUtf8(bytes) ? bytes.toString('utf8') : undefined);

const NOT_UTF8 = 'not valid UTF-8 (save the file as UTF-8)';

/** Why a line is refused for a number it holds (numbers.ts), with where the number is; undefined when none is. */
function changedNumberOf(value: unknown, text: string): { error: string; pointer: string } | undefined {
  if (!mayHoldChangedNumber(value, text)) return undefined;
  const changed = findChangedNumber(text);
  if (!changed) return undefined;
  const { token, pointer, reason } = changed;
  const quoted = token.length <= 40 ? ` ("${token}")` : '';
  return { error: `the number ${shownToken(token)} at ${pointer} ${reason}: write it as a string${quoted}`, pointer };
}

async function* readNdjson(source: Readable | AsyncIterable<Buffer>, options: ReadOptions): AsyncGenerator<InputRecord> {
  for await (const { first, texts } of textLines(source)) {
    for (let at = 0; at < texts.length; at++) {
      const line = first + at;
      const decoded = texts[at];
      if (options.skip?.(line)) continue;
      if (decoded === undefined) {
        yield { line, error: NOT_UTF8 };
        continue;
      }
      const text = line === 1 && decoded.charCodeAt(0) === 0xfeff ? decoded.slice(1) : decoded;
      if (text.trim() === '') continue;
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch (error) {
        yield { line, error: `not JSON: ${(error as Error).message}` };
        continue;
      }
      if (!isJsonObject(value)) {
        yield { line, error: 'not a JSON object' };
        continue;
      }
      const changed = changedNumberOf(value, text);
      // The line itself goes along: it may serve as the profile's serialisation (canonical.ts).
      yield changed === undefined ? { line, profile: value, text } : { line, ...changed };
    }
  }
}

/** Profile fields the contract types as text: never turned into numbers or booleans. */
const textFields = new Set(
  Object.entries((document.components.schemas.ProfileData as { properties: Record<string, JsonSchema> }).properties)
    .filter(([, schema]) => {
      const resolved = (typeof schema === 'object' && typeof schema.$ref === 'string' ? resolveSchemaRef(schema.$ref) : schema) as { type?: unknown; anyOf?: unknown };
      return resolved.type === 'string' || resolved.anyOf !== undefined;
    })
    .map(([name]) => name),
);

const NUMBER = /^-?(0|[1-9]\d*)(\.\d+)?$/;

/** A CSV cell as the value the profile field gets; undefined leaves the field out. */
export function cellValue(column: string, raw: string, stringColumns: ReadonlySet<string> = new Set()): unknown {
  if (raw === '') return undefined;
  if (stringColumns.has(column) || textFields.has(column)) return raw;
  if (column === 'phones') {
    const phones = raw.split(/[;|]/).map((phone) => phone.trim()).filter(Boolean);
    return phones.length > 1 ? phones : phones[0];
  }
  // A leading zero (00066) is not a number, nor is anything past 2^53 or a number that would
  // not reach the wire as written (numbers.ts: 0.000…1 would become 0): kept as text, nothing is lost.
  if (NUMBER.test(raw) && Number.isSafeInteger(Math.trunc(Number(raw))) && numberChange(raw) === undefined) return Number(raw);
  if (/^(true|false)$/i.test(raw)) return raw.toLowerCase() === 'true';
  return raw;
}

/** A CSV record as lines of the file: where it starts, its bytes, and what is wrong with its quotes. */
interface Frame {
  line: number;
  bytes: Buffer;
  error?: string;
}

const QUOTE = 34;
const COMMA = 44;

/** A record's lines as its quotes cut them, and what its quotes say of it. */
interface Scan {
  lines: RawLine[];
  /** The record as bytes, its line breaks kept. */
  bytes: Buffer;
  /** Still inside a quoted field where the scan stopped: never closed, or past 10 MiB. */
  inQuotes: boolean;
  /** Bytes read, line breaks included. */
  size: number;
  fields: number;
  error?: string;
}

/**
 * Reads one record from its first line on, by csv-parse's strict quote rules, up to the line
 * that closes its last quote, the first line that breaks those rules, or 10 MiB still in quotes.
 */
async function scanRecord(first: RawLine, firstBytes: Buffer, next: () => Promise<RawLine | undefined>): Promise<Scan> {
  const lines: RawLine[] = [];
  const parts: Buffer[] = [];
  let size = 0;
  let fields = 1;
  let inQuotes = false;
  let afterClose = false;
  let error: string | undefined;
  for (let raw: RawLine | undefined = first; raw; raw = inQuotes ? await next() : undefined) {
    const line = raw === first ? firstBytes : raw.bytes;
    if (lines.length > 0) parts.push(Buffer.from(lines.at(-1)!.eol));
    lines.push(raw);
    parts.push(line);
    size += line.length + raw.eol.length;
    let fieldStart: boolean = !inQuotes;
    for (let at = 0; at < line.length && !error; at++) {
      const byte = line[at];
      if (inQuotes) {
        if (byte !== QUOTE) continue;
        if (line[at + 1] === QUOTE) at++;
        else [inQuotes, afterClose] = [false, true];
      } else if (afterClose) {
        if (byte === COMMA) [afterClose, fieldStart, fields] = [false, true, fields + 1];
        else error = `malformed CSV: text after a closing quote on line ${raw.number}`;
      } else if (byte === QUOTE) {
        if (fieldStart) [inQuotes, fieldStart] = [true, false];
        else error = `malformed CSV: a quote inside an unquoted field on line ${raw.number} (quote the whole field and double the quote)`;
      } else if ((fieldStart = byte === COMMA)) fields++;
    }
    afterClose = false;
    if (error || (inQuotes && size > MAX_BODY_BYTES)) break;
  }
  return { lines, bytes: parts.length === 1 ? parts[0]! : Buffer.concat(parts), inQuotes, size, fields, ...(error ? { error } : {}) };
}

/** Why a record read over several lines (or not closed at all) cannot be taken whole; undefined when it can. */
function spanFailure(scan: Scan, width: number | undefined): string | undefined {
  if (scan.inQuotes) return scan.size > MAX_BODY_BYTES ? `runs past ${MAX_BODY_BYTES} bytes` : 'is never closed';
  if (scan.lines.length === 1) return undefined;
  const closes = `closes on line ${scan.lines.at(-1)!.number} into`;
  if (scan.error) return `${closes} a malformed record (${scan.error.slice('malformed CSV: '.length)})`;
  if (width !== undefined && scan.fields !== width) return `${closes} a record of ${scan.fields} fields where the header has ${width}`;
  if (!isUtf8(scan.bytes)) return `${closes} a record that is not valid UTF-8`;
  return undefined;
}

/**
 * Cuts a CSV file into records by its quotes, with the line each record starts on (a quoted
 * field may hold line breaks, so records and lines differ). The quote rules are csv-parse's
 * strict ones, so that it gets only well-formed records and its records match these frames one
 * to one. A record over several lines that cannot be taken whole (a quote never closed, a record
 * past 10 MiB, which no request could carry, or one that closes into a malformed record, a
 * record of other than the header's width or invalid UTF-8) fails its first line alone, and the
 * lines after that one are read again as records of their own, so that a stray quote cannot
 * swallow well-formed rows. Each line is read again at most once more: a line read whole inside
 * quotes has an even number of quotes, so read again it ends outside them, a record of its own;
 * only the last line of the failed record can open a record that reaches further.
 */
async function* csvFrames(source: Readable | AsyncIterable<Buffer>): AsyncGenerator<Frame> {
  const lines = rawLines(source);
  // Lines to read again, run by run, the first run first: a run may hold 10 MiB of lines, too
  // many to spread into an array's unshift.
  const again: { lines: RawLine[]; at: number }[] = [];
  const next = async (): Promise<RawLine | undefined> => {
    for (let run = again[0]; run; run = again[0]) {
      if (run.at < run.lines.length) return run.lines[run.at++];
      again.shift();
    }
    return (await lines.next()).value ?? undefined;
  };
  // The header's number of fields, once the header is read: the width a record must have.
  let width: number | undefined;
  for (let first = await next(); first; first = await next()) {
    const bytes = withoutBom(first);
    if (bytes.length === 0) continue;
    if (bytes.indexOf(QUOTE) === -1) {
      width ??= countCommas(bytes) + 1;
      yield { line: first.number, bytes };
      continue;
    }
    const scan = await scanRecord(first, bytes, next);
    const failure = spanFailure(scan, width);
    if (failure !== undefined) {
      again.unshift({ lines: scan.lines, at: 1 });
      yield { line: first.number, bytes, error: `malformed CSV: the quoted field opened on line ${first.number} ${failure}` };
      continue;
    }
    width ??= scan.fields;
    yield { line: first.number, bytes: scan.bytes, ...(scan.error ? { error: scan.error } : {}) };
  }
}

function countCommas(bytes: Buffer): number {
  let count = 0;
  for (let at = bytes.indexOf(COMMA); at !== -1; at = bytes.indexOf(COMMA, at + 1)) count++;
  return count;
}

/** Splits well-formed records into fields, many at a time (csv-parse's set-up is costly per call). */
function fieldsOf(frames: Frame[]): (string[] | string)[] {
  const texts = frames.map((frame) => textOf(frame.bytes));
  const good = texts.filter((text): text is string => text !== undefined);
  let records: string[][];
  try {
    records = parse(good.join('\n'), { relax_column_count: true, skip_empty_lines: false });
    if (records.length !== good.length) throw new Error('records and frames disagree');
  } catch {
    records = good.map((text) => {
      try {
        return (parse(text, { relax_column_count: true }) as string[][])[0] ?? [];
      } catch (error) {
        return [`\u0000${(error as Error).message}`];
      }
    });
  }
  let next = 0;
  return texts.map((text) => {
    if (text === undefined) return NOT_UTF8;
    const record = records[next++]!;
    return record.length === 1 && record[0]!.startsWith('\u0000') ? `malformed CSV: ${record[0]!.slice(1)}` : record;
  });
}

async function* readCsv(source: Readable | AsyncIterable<Buffer>, options: ReadOptions): AsyncGenerator<InputRecord> {
  let header: string[] | undefined;
  let group: Frame[] = [];
  function* flush(): Generator<InputRecord> {
    const frames = group;
    group = [];
    const all = fieldsOf(frames.filter((frame) => !frame.error));
    let next = 0;
    for (const frame of frames) {
      if (frame.error) {
        yield { line: frame.line, error: frame.error };
        continue;
      }
      const record = all[next++]!;
      if (typeof record === 'string') {
        if (!header) throw new Error(`the CSV header (line ${frame.line}) is ${record}`);
        yield { line: frame.line, error: record };
        continue;
      }
      if (!header) {
        header = record.map((name) => name.trim());
        continue;
      }
      if (record.length !== header.length) {
        yield { line: frame.line, error: `malformed CSV: ${record.length} fields where the header has ${header.length}` };
        continue;
      }
      const profile: Record<string, unknown> = {};
      header.forEach((column, i) => {
        const value = cellValue(column, record[i]!, options.stringColumns);
        if (value !== undefined) profile[column] = value;
      });
      yield { line: frame.line, profile };
    }
  }
  for await (const frame of csvFrames(source)) {
    if (header && options.skip?.(frame.line)) continue;
    if (!header && frame.error) throw new Error(`the CSV header (line ${frame.line}) is ${frame.error}`);
    group.push(frame);
    if (!header || group.length >= 256) yield* flush();
  }
  yield* flush();
}

/** Reads the input lazily, one record per data line, in order; bad lines come out as errors. */
export function readRecords(source: Readable | AsyncIterable<Buffer>, format: InputFormat, options: ReadOptions = {}): AsyncGenerator<InputRecord> {
  return format === 'csv' ? readCsv(source, options) : readNdjson(source, options);
}

/** The input format a file name implies, if any. */
export function formatOfPath(path: string): InputFormat | undefined {
  if (/\.(ndjson|jsonl)$/i.test(path)) return 'ndjson';
  if (/\.csv$/i.test(path)) return 'csv';
  return undefined;
}
