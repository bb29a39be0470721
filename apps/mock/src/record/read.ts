import { lstatSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { operations } from '@altcraft-api/contract';
import { CASE_FORMAT, type CaseFile } from './case.js';
import { byNumber } from './store.js';

export interface ReadCase {
  /** The file's name inside the directory. */
  file: string;
  case: CaseFile;
}

const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);
const isStringMap = (value: unknown) => isObject(value) && Object.values(value).every((v) => typeof v === 'string');
const isProblems = (value: unknown) => Array.isArray(value) && value.every((p) => isObject(p) && typeof p.pointer === 'string' && typeof p.message === 'string');
const isVerdict = (value: unknown) => isObject(value) && isProblems(value.violations) && isProblems(value.warnings);

function isBody(value: unknown): boolean {
  return (
    isObject(value) &&
    (value.format === 'json' || value.format === 'xml' || value.format === null) &&
    isStringMap(value.headers) &&
    Array.isArray(value.headerNames) &&
    value.headerNames.every((name) => typeof name === 'string') &&
    (typeof value.body === 'string' || value.body === null) &&
    Number.isSafeInteger(value.bytes)
  );
}

/**
 * Why a recorded answer cannot be sent again, or undefined. A 1xx is no final answer (a 101 left
 * the client waiting forever), a 204 or 304 has no body, and a header value with CR, LF, NUL or a
 * character past Latin-1 cannot be written (Node threw, and the client got a 500 for a replay).
 */
function answerProblem(status: number, headers: Record<string, string>, body: string | null): string | undefined {
  if (status < 200 || status > 599) return `answer status ${status} is not a final HTTP status (200-599)`;
  if ((status === 204 || status === 304) && body !== null && body !== '') return `answer status ${status} has no body, and this one has`;
  for (const [name, value] of Object.entries(headers)) {
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) return 'an answer header name is not a token of HTTP';
    if (/[\r\n\0]|[^\t\x20-\xff]/.test(value)) return `answer header ${name} holds a line break, a control or a non-Latin-1 character`;
  }
  return undefined;
}

/** Why `value` is not a case file this version reads, or undefined. */
export function caseProblem(value: unknown): string | undefined {
  if (!isObject(value)) return 'not a JSON object';
  if (value.altcraftCase !== CASE_FORMAT) return `not a case file of format ${CASE_FORMAT} (altcraftCase is ${JSON.stringify(value.altcraftCase)?.slice(0, 20)})`;
  // The operation names a contract operation or none: it is never used as a path.
  if (value.operation !== null && !(typeof value.operation === 'string' && Object.hasOwn(operations, value.operation))) return 'operation is not one of the contract';
  if (value.values !== 'placeholders' && value.values !== 'kept') return 'values is neither placeholders nor kept';
  if (typeof value.method !== 'string' || typeof value.path !== 'string' || !isStringMap(value.query)) return 'method, path or query is missing';
  if (!isBody(value.request)) return 'request is incomplete';
  const answer = value.answer as Record<string, unknown>;
  if (!isBody(answer) || !Number.isInteger(answer.status) || typeof answer.statusText !== 'string' || typeof answer.complete !== 'boolean') return 'answer is incomplete';
  const problem = answerProblem(answer.status as number, answer.headers as Record<string, string>, answer.body as string | null);
  if (problem) return problem;
  const verdict = value.verdict as Record<string, unknown>;
  if (!isObject(verdict) || !isVerdict(verdict.request) || !isVerdict(verdict.answer)) return 'verdict is incomplete';
  if (!isObject(value.timing)) return 'timing is missing';
  return undefined;
}

/**
 * The case files of `dir` (its own `.json` files, no subdirectory, no link), oldest first. A file
 * that cannot be read or is not a case (truncated, another format) is passed to `onError` with
 * one line saying why, and skipped. Throws only when `dir` itself cannot be read.
 */
export function readCases(dir: string, onError: (file: string, why: string) => void): ReadCase[] {
  const cases: ReadCase[] = [];
  for (const file of readdirSync(dir).sort(byNumber)) {
    if (!file.endsWith('.json') || file.startsWith('.')) continue;
    const path = join(dir, file);
    try {
      if (!lstatSync(path).isFile()) {
        onError(file, 'not a regular file; skipped');
        continue;
      }
      let value: unknown;
      try {
        value = JSON.parse(readFileSync(path, 'utf8'));
      } catch (error) {
        onError(file, `not JSON (truncated?): ${(error as Error).message.split('\n')[0]}`);
        continue;
      }
      const problem = caseProblem(value);
      if (problem) onError(file, problem);
      else cases.push({ file, case: value as CaseFile });
    } catch (error) {
      onError(file, `cannot be read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
  }
  return cases;
}
