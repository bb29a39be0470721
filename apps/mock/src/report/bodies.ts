import { isJsonObject, requestXml, responseXml, type OperationId } from '@altcraft-api/contract';
import type { CaseFile } from '../record/case.js';

/** A recorded body's value (XML decoded as the contract decodes it), or undefined when it does not read. */
export function requestValue(recorded: CaseFile): unknown {
  return valueOf(recorded.request.format, recorded.request.body, (text) => requestXml.decode(text));
}

export function answerValue(recorded: CaseFile): unknown {
  const { operation, answer } = recorded;
  return valueOf(answer.format, answer.body, (text) => responseXml((operation ?? 'importAndStartBatch') as OperationId, answer.status).decode(text));
}

function valueOf(format: 'json' | 'xml' | null, body: string | null, decodeXml: (text: string) => unknown): unknown {
  if (body === null || body === '') return undefined;
  try {
    if (format === 'xml' || (format === null && body.trimStart().startsWith('<'))) return decodeXml(body);
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}

/** The body's `error` as a number (XML gives text), or undefined. */
export function errorCodeOf(value: unknown): number | string | undefined {
  if (!isJsonObject(value) || value.error === undefined || value.error === null) return undefined;
  const code = value.error;
  if (typeof code === 'string' && /^-?\d+$/.test(code.trim())) return Number(code);
  return typeof code === 'number' || typeof code === 'string' ? code : shortJson(code);
}

/** Levels a value shown in a report line may have; deeper is named, not written (JSON.stringify recursed past the stack). */
const SHOWN_DEPTH = 8;

/** A value as JSON for one report line: at most 80 characters, and a deep one by its depth alone. */
export function shortJson(value: unknown): string {
  const stack: [unknown, number][] = [[value, 1]];
  for (let seen = 0; stack.length > 0 && seen < 10_000; seen++) {
    const [node, depth] = stack.pop()!;
    if (node === null || typeof node !== 'object') continue;
    if (depth > SHOWN_DEPTH) return `(a value nested over ${SHOWN_DEPTH} levels)`;
    for (const child of Object.values(node)) stack.push([child, depth + 1]);
  }
  return JSON.stringify(value).slice(0, 80);
}

/**
 * Whether the platform took the request: a 2xx whose body says no error. A 200 that carries an
 * error envelope is a refusal, whatever its status.
 */
export function accepted(recorded: CaseFile): boolean {
  const { status } = recorded.answer;
  if (status < 200 || status > 299) return false;
  const code = errorCodeOf(answerValue(recorded));
  return code === undefined || code === 0;
}

/** What the platform did, in words: `accepted`, or `refused (400, error 400)`. */
export function outcomeOf(recorded: CaseFile): string {
  if (accepted(recorded)) return 'accepted';
  const code = errorCodeOf(answerValue(recorded));
  return `refused (${recorded.answer.status}${code === undefined ? '' : `, error ${code}`})`;
}

const MAX_PATH_DEPTH = 256;
/** Longest key path a finding names; a longer one ends in `…`, and what lies under it shares it. */
export const MAX_PATH_CHARS = 1000;

// 250 levels of 60 KB keys (a 15 MB answer) made paths of gigabytes, and the report's text a
// RangeError: Invalid string length.
function pathUnder(base: string, key: string): string {
  if (base.endsWith('…')) return base;
  const path = `${base}/${key}`;
  return path.length > MAX_PATH_CHARS ? `${path.slice(0, MAX_PATH_CHARS - 1)}…` : path;
}

// Each key path of a value, with array positions as `*` (`/result/*/profile_id`). Iterative: a
// case's body may nest deeper than the stack, and one such case stopped the whole report.
export function keyPaths(value: unknown): Map<string, string> {
  const out = new Map<string, string>();
  const stack: [unknown, string, number][] = [[value, '', 0]];
  while (stack.length > 0) {
    const [node, base, depth] = stack.pop()!;
    // The paths of a value 200,000 levels deep would take gigabytes: such a case is one error line.
    if (depth > MAX_PATH_DEPTH) throw new RangeError(`nested over ${MAX_PATH_DEPTH} levels`);
    if (Array.isArray(node)) for (const item of node) stack.push([item, `${base}/*`, depth + 1]);
    else if (isJsonObject(node)) {
      for (const [key, child] of Object.entries(node)) {
        const path = pathUnder(base, key);
        out.set(path, key);
        stack.push([child, path, depth + 1]);
      }
    }
  }
  return out;
}

/** A pointer with array positions as `*`, so one finding covers every item. */
export const generalised = (pointer: string) => pointer.replace(/\/\d+(?=\/|$)/g, '/*');
