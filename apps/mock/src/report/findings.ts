import { document, isJsonObject, listExamples, operations, type OperationId } from '@altcraft-api/contract';
import type { CaseFile } from '../record/case.js';
import type { ReadCase } from '../record/read.js';
import { accepted, answerValue, errorCodeOf, generalised, keyPaths, shortJson } from './bodies.js';

/**
 * How serious a finding is, most first: the contract refuses what the platform does (it is
 * wrong); advice that accepted traffic breaks (a candidate to relax); what the platform does
 * that the contract does not declare.
 */
export const SEVERITIES = ['contract-wrong', 'advice-broken', 'undeclared'] as const;
export type Severity = (typeof SEVERITIES)[number];

export interface Finding {
  severity: Severity;
  /** What kind of disagreement: `request-violation`, `answer-field`, `error-code`... */
  kind: string;
  /** The disagreement in one line. */
  title: string;
  /** The case files that show it, oldest first. */
  cases: string[];
}

type Json = Record<string, unknown>;

function resolve(node: unknown): unknown {
  let at = node;
  for (let hops = 0; isJsonObject(at) && typeof at.$ref === 'string' && hops < 32; hops++) {
    at = (at.$ref as string)
      .slice(2)
      .split('/')
      .reduce<unknown>((parent, token) => (isJsonObject(parent) ? parent[token.replaceAll('~1', '/').replaceAll('~0', '~')] : undefined), document);
  }
  return at;
}

/** Every property name (and XML name) a part of the contract declares, through its refs. */
function declaredNames(root: unknown): Set<string> {
  const names = new Set<string>();
  const seen = new Set<unknown>();
  const walk = (node: unknown) => {
    const at = resolve(node);
    if (seen.has(at) || at === null || typeof at !== 'object') return;
    seen.add(at);
    if (Array.isArray(at)) return at.forEach(walk);
    const object = at as Json;
    if (isJsonObject(object.properties)) for (const name of Object.keys(object.properties)) names.add(name);
    if (isJsonObject(object.xml) && typeof object.xml.name === 'string') names.add(object.xml.name);
    for (const [key, child] of Object.entries(object)) if (key !== 'examples' && key !== 'example') walk(child);
  };
  walk(root);
  return names;
}

const responsesOf = (operation: OperationId) => (document.paths[operations[operation].path]!.post as { responses: Json }).responses;
const ANSWER_NAMES = new Map((Object.keys(operations) as OperationId[]).map((op) => [op, declaredNames(responsesOf(op))]));

/** Headers declared by the operation's answers, and those of HTTP itself that no contract declares. */
const STANDARD_HEADERS = new Set(['content-type', 'content-length', 'date', 'server', 'connection', 'keep-alive', 'transfer-encoding', 'vary', 'cache-control', 'pragma', 'expires', 'etag', 'last-modified', 'content-encoding', 'strict-transport-security', 'sl-violations', 'x-altcraft-proxy-violation-count']);
const DECLARED_HEADERS = new Map(
  (Object.keys(operations) as OperationId[]).map((op) => {
    const names = new Set<string>();
    for (const response of Object.values(responsesOf(op))) {
      const headers = (resolve(response) as Json | undefined)?.headers;
      if (isJsonObject(headers)) for (const name of Object.keys(headers)) names.add(name.toLowerCase());
    }
    return [op, names];
  }),
);

/** `error` values the contract's answers hold: 0, each declared status, and the examples' codes. */
const DECLARED_CODES = new Set<number | string>([0]);
for (const op of Object.keys(operations) as OperationId[]) for (const status of Object.keys(responsesOf(op))) if (/^\d+$/.test(status)) DECLARED_CODES.add(Number(status));
for (const example of listExamples()) {
  if (example.part === 'request' || typeof example.value !== 'object') continue;
  collectCodes(example.value, DECLARED_CODES);
}
function collectCodes(value: unknown, into: Set<number | string>): void {
  const stack = [value];
  while (stack.length > 0) {
    const node = stack.pop();
    if (Array.isArray(node)) for (const item of node) stack.push(item);
    else if (isJsonObject(node)) {
      const code = errorCodeOf(node);
      if (code !== undefined) into.add(code);
      for (const child of Object.values(node)) stack.push(child);
    }
  }
}

/** Findings grouped by their title: one line each, with every case that shows it. */
class Findings {
  private readonly byTitle = new Map<string, Finding>();
  add(severity: Severity, kind: string, title: string, file: string): void {
    const key = `${severity}\u0000${title}`;
    const found = this.byTitle.get(key) ?? { severity, kind, title, cases: [] };
    if (!found.cases.includes(file)) found.cases.push(file);
    this.byTitle.set(key, found);
  }
  list(): Finding[] {
    return [...this.byTitle.values()].sort((a, b) => SEVERITIES.indexOf(a.severity) - SEVERITIES.indexOf(b.severity) || b.cases.length - a.cases.length || a.title.localeCompare(b.title));
  }
}

function verdictFindings(out: Findings, file: string, recorded: CaseFile, took: boolean): void {
  const { request, answer } = recorded.verdict;
  const status = recorded.answer.status;
  if (took) for (const v of request.violations) out.add('contract-wrong', 'request-violation', `the platform accepted a request the contract refuses: ${generalised(v.pointer) || '/'} ${v.message}`, file);
  for (const v of answer.violations) out.add('contract-wrong', 'answer-violation', `a ${status} answer the contract refuses: ${generalised(v.pointer) || '/'} ${v.message}`, file);
  if (took) for (const v of request.warnings) out.add('advice-broken', 'request-advice', `accepted traffic breaks the advice: ${generalised(v.pointer) || '/'} ${v.message}`, file);
  for (const v of answer.warnings) out.add('advice-broken', 'answer-advice', `a ${status} answer breaks the advice: ${generalised(v.pointer) || '/'} ${v.message}`, file);
}

/** A 400 to a request the contract finds nothing wrong with: a rule of the platform the contract lacks. */
function refusalFindings(out: Findings, file: string, recorded: CaseFile): void {
  if (recorded.answer.status !== 400 || recorded.verdict.request.violations.length > 0) return;
  const value = answerValue(recorded);
  const text = isJsonObject(value) && typeof value.error_text === 'string' ? `: ${value.error_text.slice(0, 120)}` : '';
  out.add('undeclared', 'refused-valid', `the platform refused (400, error ${errorCodeOf(value) ?? 'none'}) a request the contract accepts${text}`, file);
}

function answerFindings(out: Findings, file: string, recorded: CaseFile): void {
  const op = recorded.operation!;
  const { answer, request } = recorded;
  if (!Object.hasOwn(responsesOf(op), String(answer.status))) out.add('undeclared', 'status', `${op} answered HTTP ${answer.status}, a status the contract does not declare`, file);
  if (request.format !== null && answer.format !== null && request.format !== answer.format) out.add('undeclared', 'answer-format', `${request.format === 'xml' ? 'an XML' : 'a JSON'} request answered in ${answer.format.toUpperCase()}`, file);
  if (answer.body && answer.format === null) out.add('undeclared', 'answer-format', `an answer neither JSON nor XML (Content-Type ${answer.headers['content-type'] ?? 'missing'})`, file);
  for (const name of answer.headerNames) {
    if (!STANDARD_HEADERS.has(name) && !DECLARED_HEADERS.get(op)!.has(name)) out.add('undeclared', 'header', `answer header ${name}, not declared`, file);
  }
  const value = answerValue(recorded);
  if (value === undefined) {
    if (answer.body) out.add('undeclared', 'answer-shape', `a ${answer.status} answer that does not read as ${answer.format ?? 'JSON'}`, file);
    return;
  }
  for (const [path, name] of keyPaths(value)) if (!ANSWER_NAMES.get(op)!.has(name)) out.add('undeclared', 'answer-field', `answer field ${path} of ${op}, not declared`, file);
  const codes = new Set<number | string>();
  collectCodes(value, codes);
  for (const code of codes) if (!DECLARED_CODES.has(code)) out.add('undeclared', 'error-code', `error code ${shortJson(code)}, not declared`, file);
  const code = errorCodeOf(value);
  if (answer.status >= 200 && answer.status < 300 && code !== undefined && code !== 0) out.add('undeclared', 'answer-shape', `HTTP ${answer.status} carrying an error envelope (error ${code})`, file);
  if (op === 'importAndStartBatchTask' && isJsonObject(value) && value.task_id === undefined && isJsonObject(value.data) && value.data.task_id !== undefined) {
    out.add('undeclared', 'answer-shape', 'the task answer nests task_id as data.task_id', file);
  }
}

/** What the cases say about the contract, most serious first. */
export function findingsOf(cases: ReadCase[], onError: (file: string, why: string) => void = () => undefined): Finding[] {
  const out = new Findings();
  for (const { file, case: recorded } of cases) {
    if (recorded.operation === null) continue;
    try {
      verdictFindings(out, file, recorded, accepted(recorded));
      answerFindings(out, file, recorded);
      refusalFindings(out, file, recorded);
    } catch (error) {
      // A body nested deeper than the stack: one line for the file, the rest is reported.
      onError(file, `cannot be analysed: ${error instanceof RangeError ? 'its answer nests too deeply' : (error as Error).message}`);
    }
  }
  return out.list();
}
