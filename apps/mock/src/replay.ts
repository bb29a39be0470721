import type { ServerResponse } from 'node:http';
import type { OperationId } from '@altcraft-api/contract';
import type { CaseFile } from './record/case.js';
import { readCases } from './record/read.js';
import { mapJson, mapXml, Scrubber, type ValueMode } from './record/scrub.js';
import type { Format } from './http.js';
import { formatOfAccept } from './request-url.js';

/** The header that says where an answer came from, in replay mode. */
export const SOURCE_HEADER = 'X-Altcraft-Mock-Source';

// Sorted keys: two clients that write the same fields in another order send the same batch.
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonical((value as Record<string, unknown>)[key])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * A request body in replay's normal form. Volatile, and so not compared: the token (wherever the
 * body has it; headers and the query are never compared), the formatting (JSON whitespace and key
 * order, whitespace between XML tags), and, for cases recorded with placeholders, every profile
 * value, which is compared by its placeholder: its JSON type and written form. Control fields
 * (matching, format, workflow_id...) are compared as they are.
 */
export function normalForm(format: 'json' | 'xml' | null | undefined, text: string, mode: ValueMode): string {
  const scrubber = new Scrubber([], mode);
  const leaf = scrubber.requestValue.bind(scrubber);
  if (format === 'xml') return mapXml(text.replace(/^\uFEFF/, ''), (key, value) => String(leaf(key, value)), (name) => name, true);
  try {
    return canonical(mapJson(JSON.parse(text), leaf, (key) => key));
  } catch {
    // Not JSON, or nested deeper than the stack (a RangeError): compared as the text it is.
    return text.trim();
  }
}

// The query's `format`, else Accept, chooses the answer's encoding as the body's does (the API
// interaction page, DECISIONS rows 33 and 34): a request that asks for another is another request.
const keyOf = (operation: OperationId, format: 'json' | 'xml' | null | undefined, outsideFormat: string | undefined, form: string) => `${operation}\u0000${format ?? ''}\u0000${outsideFormat ?? ''}\u0000${form}`;

/** What a recorded request asked for outside its body, as outsideBody reads a live one. */
function recordedOutsideFormat(recorded: CaseFile): Format | undefined {
  const query = recorded.query.format;
  return query === 'json' || query === 'xml' ? query : formatOfAccept(recorded.request.headers.accept);
}

export interface ReplayAnswer {
  file: string;
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

/** The recorded cases of a directory, by the request they answer. */
export class Replay {
  private readonly byKey = new Map<ValueMode, Map<string, ReplayAnswer>>([
    ['kept', new Map()],
    ['placeholders', new Map()],
  ]);

  constructor(cases: { file: string; case: CaseFile }[]) {
    // Oldest first, so the latest recording of a request is the one answered.
    for (const { file, case: recorded } of cases) {
      if (recorded.operation === null || !recorded.answer.complete || recorded.answer.body === null || recorded.request.body === null) continue;
      const headers: Record<string, string> = {};
      for (const name of ['content-type', 'retry-after']) if (recorded.answer.headers[name] !== undefined) headers[name] = recorded.answer.headers[name]!;
      const form = normalForm(recorded.request.format, recorded.request.body, recorded.values);
      this.byKey.get(recorded.values)!.set(keyOf(recorded.operation, recorded.request.format, recordedOutsideFormat(recorded), form), { file, status: recorded.answer.status, headers, body: Buffer.from(recorded.answer.body, 'utf8') });
    }
  }

  get size(): number {
    return this.byKey.get('kept')!.size + this.byKey.get('placeholders')!.size;
  }

  /** The recorded answer to this request, if one matches: a case with values first, then by placeholders. */
  /** `outsideFormat`: the answer's encoding the query or Accept asks for (outsideBody's). */
  match(operation: OperationId, format: 'json' | 'xml' | undefined, bytes: Buffer, outsideFormat?: Format): ReplayAnswer | undefined {
    const text = bytes.toString('utf8');
    for (const mode of ['kept', 'placeholders'] as const) {
      const cases = this.byKey.get(mode)!;
      if (cases.size === 0) continue;
      const found = cases.get(keyOf(operation, format, outsideFormat, normalForm(format, text, mode)));
      if (found) return found;
    }
    return undefined;
  }

  /** Answers with a recorded answer, its bytes as they were recorded. */
  static send(res: ServerResponse, answer: ReplayAnswer): void {
    res.writeHead(answer.status, { ...answer.headers, [SOURCE_HEADER]: 'replay', 'X-Altcraft-Mock-Case': answer.file, 'Content-Length': answer.body.length });
    res.end(answer.body);
  }
}

/** The cases of `dir` for `--replay`; each file that is not a case is logged and skipped. */
export function loadReplay(dir: string, log: (line: string) => void): Replay {
  const replay = new Replay(readCases(dir, (file, why) => log(`altcraft-mock: --replay: ${file}: ${why}`)));
  log(`altcraft-mock: --replay: ${replay.size} recorded answer(s) from ${dir}`);
  return replay;
}
