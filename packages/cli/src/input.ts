import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { document, resolveSchemaRef, type JsonSchema } from '@altcraft-api/contract';
import { parse } from 'csv-parse';

export type InputFormat = 'ndjson' | 'csv';

/** One data line of the input: a profile, or why the line could not be read. */
export type InputRecord = { line: number; profile: Record<string, unknown> } | { line: number; error: string };

export interface ReadOptions {
  /** Lines to leave out (settled in an earlier run). */
  skip?: (line: number) => boolean;
  /** CSV columns kept as text whatever they look like (ids with leading zeros, ...). */
  stringColumns?: ReadonlySet<string>;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

async function* readNdjson(source: Readable, options: ReadOptions): AsyncGenerator<InputRecord> {
  let line = 0;
  for await (const text of createInterface({ input: source, crlfDelay: Infinity })) {
    line++;
    if (text.trim() === '' || options.skip?.(line)) continue;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      yield { line, error: `not JSON: ${(error as Error).message}` };
      continue;
    }
    yield isObject(value) ? { line, profile: value } : { line, error: 'not a JSON object' };
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
  // A leading zero (00066) is not a number: it is kept as text, so nothing is lost.
  if (NUMBER.test(raw) && Number.isSafeInteger(Math.trunc(Number(raw)))) return Number(raw);
  if (/^(true|false)$/i.test(raw)) return raw.toLowerCase() === 'true';
  return raw;
}

async function* readCsv(source: Readable, options: ReadOptions): AsyncGenerator<InputRecord> {
  const parser = source.pipe(parse({ bom: true, info: true, relax_column_count: true, skip_empty_lines: true, skip_records_with_error: true }));
  const skipped: InputRecord[] = [];
  parser.on('skip', (error: Error & { lines?: number }) => skipped.push({ line: error.lines ?? 0, error: `malformed CSV: ${error.message}` }));
  let header: string[] | undefined;
  for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
    yield* skipped.splice(0);
    const line = info.lines;
    if (!header) {
      header = record.map((name) => name.trim());
      continue;
    }
    if (options.skip?.(line)) continue;
    if (record.length !== header.length) {
      yield { line, error: `malformed CSV: ${record.length} fields where the header has ${header.length}` };
      continue;
    }
    const profile: Record<string, unknown> = {};
    header.forEach((column, i) => {
      const value = cellValue(column, record[i]!, options.stringColumns);
      if (value !== undefined) profile[column] = value;
    });
    yield { line, profile };
  }
  yield* skipped.splice(0);
}

/** Reads the input lazily, one record per data line, in order; bad lines come out as errors. */
export function readRecords(source: Readable, format: InputFormat, options: ReadOptions = {}): AsyncGenerator<InputRecord> {
  return format === 'csv' ? readCsv(source, options) : readNdjson(source, options);
}

/** The input format a file name implies, if any. */
export function formatOfPath(path: string): InputFormat | undefined {
  if (/\.(ndjson|jsonl)$/i.test(path)) return 'ndjson';
  if (/\.csv$/i.test(path)) return 'csv';
  return undefined;
}
