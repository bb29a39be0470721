import { isAscii, isUtf8 } from 'node:buffer';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import {
  BODY_TOO_LARGE_DEBUG,
  MAX_BODY_BYTES,
  XmlEncodeError,
  document,
  listExamples,
  formatOfMediaType,
  isJsonObject,
  MEDIA_TYPES,
  operations,
  responseXml,
  validateRequest,
  validateTaskStatusRequest,
  type OperationId,
  type ValidationResult,
  type Violation,
} from '@altcraft-api/contract';
import { answerWithTasks, TaskStore, UNKNOWN_TASK } from './tasks.js';
import { createGuardedServer, routeOf, routes, serve, type Format, type ResourceLimits, type RunningMock } from './http.js';
import { answerThenDiscard, DEFAULT_DISCARD, readBody } from './body.js';
import { askPrism, startPrism, type PrismProcess } from './prism.js';
import { clip, HEADER_WARNINGS, warningHeaders } from './warnings.js';
import { FaultInjector, perform, type FaultPlan } from './faults.js';
import { XmlDecoder } from './xml-decoder.js';
import { outsideBody } from './request-url.js';
import { Replay, SOURCE_HEADER } from './replay.js';
import { DEFAULT_JOURNAL_SIZE, Journal, noteAnswer, noteAnswerText, noteCheck, noteRequest } from './journal.js';
import { handleAdmin } from './admin.js';

export interface MockOptions extends ResourceLimits {
  /** Port on 127.0.0.1; 0 picks a free one. Default 4010. */
  port?: number;
  host?: string;
  /** Where the mock logs (warnings of accepted bodies, its own failures); stderr by default. */
  log?: (line: string) => void;
  /**
   * Refuse bodies with warnings (the contract's advice tier) as if they were violations. By
   * default false, unless the environment has MOCK_STRICT=1.
   */
  strict?: boolean;
  /** Faults to inject into the operations' answers (`--faults`, `--seed`); none by default. */
  faults?: FaultPlan;
  /** Where tasks are kept (`--task-duration`, `--task-ttl`, `--task-limit`); a default store otherwise. */
  tasks?: TaskStore;
  /** Recorded cases (`--replay DIR`): a request that matches one gets its recorded answer. */
  replay?: Replay;
  /**
   * Requests the journal keeps (`GET /__mock/requests`), the oldest dropped first; 0 turns it
   * off. Default 1000 (`--journal-size`).
   */
  journalSize?: number;
}

/** What a running mock knows about itself, for `GET /health`. */
interface State {
  prismUp: boolean;
  xml: XmlDecoder;
  injector?: FaultInjector;
  tasks: TaskStore;
  journal?: Journal;
}

/** Where readiness is answered (outside the API's root, so it never shadows an operation). */
export const HEALTH_PATH = '/health';

/** MOCK_STRICT=1 (or true/yes) asks for strict mode when the options do not say. */
export const strictFromEnvironment = (value = process.env.MOCK_STRICT) => /^(1|true|yes)$/i.test(value?.trim() ?? '');

const ERROR_TEXT: Record<number, string> = { 400: 'Invalid request', 401: 'API token required', 404: 'Not found', 405: 'Method not allowed', 500: 'Internal server error' };

/** A failure answered in the API's envelope, never Prism's problem+json. */
class Failure {
  constructor(
    readonly status: number,
    readonly debug: string,
  ) {}
}

/**
 * What XML 1.0 cannot carry (C0 controls but tab/LF/CR, U+FFFE/U+FFFF, lone surrogates), as
 * `\uXXXX` text: an error_debug quotes the client's field names and values, and one with a
 * control character must still make a well-formed XML answer.
 */
const xmlSafe = (text: string) =>
  text.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

const envelopeOf = (failure: Failure, format: Format) => ({
  error: failure.status,
  error_text: ERROR_TEXT[failure.status] ?? 'Error',
  error_debug: format === 'xml' ? xmlSafe(failure.debug) : failure.debug,
});

function encode(operationId: OperationId, status: number, body: object, format: Format): string {
  return format === 'xml' ? responseXml(operationId, status).encode(body) : JSON.stringify(body);
}

function send(res: ServerResponse, operationId: OperationId, status: number, body: object, format: Format, headers: Record<string, string> = {}): void {
  let text: string;
  try {
    text = encode(operationId, status, body, format);
  } catch (error) {
    // A value the client sent and the answer echoes (a profile_id) that XML cannot carry.
    if (!(error instanceof XmlEncodeError) || status >= 400) throw error;
    return sendFailure(res, operationId, new Failure(400, `the answer cannot be written as XML: ${error.message}`), format);
  }
  noteAnswer(res, body);
  res.writeHead(status, { ...headers, 'Content-Type': `${MEDIA_TYPES[format]}; charset=utf-8`, 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

function sendFailure(res: ServerResponse, operationId: OperationId, failure: Failure, format: Format): void {
  send(res, operationId, failure.status, envelopeOf(failure, format), format);
}

/** Text for a log line: control characters (a field name can hold terminal escapes) as \\u escapes. */
const printable = (text: string) => text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

/** A request header as one string (Node types repeated headers as arrays). */
const header = (req: IncomingMessage, name: string) => {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
};


/**
 * The body as text, or undefined when it is not UTF-8. The BOM is kept, so JSON with one is
 * refused as the platform's Go decoder refuses it; XML allows a BOM, and the XML branch drops it.
 * The bytes are checked first (simdutf, a fraction of a millisecond for 10 MB), and a body that
 * is all ASCII, the usual one, is copied as Latin-1: Node makes that an external string in
 * memory it reuses, while a UTF-8 decode (TextDecoder or toString) builds a fresh string on V8's
 * heap. For an 8 MB body that was 80-100 ms on this project's 2-core machine, the copy itself
 * included.
 */
function textOf(bytes: Buffer): string | undefined {
  if (isAscii(bytes)) return bytes.toString('latin1');
  return isUtf8(bytes) ? bytes.toString('utf8') : undefined;
}

async function parse(bytes: Buffer, format: Format, xml: XmlDecoder, operationId: OperationId): Promise<unknown> {
  if (bytes.length === 0) throw new Failure(400, 'the body is empty');
  const text = textOf(bytes);
  if (text === undefined) throw new Failure(400, 'the body is not valid UTF-8');
  if (format === 'xml') {
    const decoded = await xml.decode(text.replace(/^\uFEFF/, ''), undefined, operationId);
    if (!decoded.ok) throw new Failure(400, decoded.refusal);
    return decoded.value;
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new Failure(400, `malformed JSON: ${(error as Error).message}`);
  }
}

function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match?.[1];
}

interface Checked {
  /** The error_debug of a refused body. */
  refusal?: string;
  violations: Violation[];
  /** The first warnings of an accepted body, and how many there are in all. */
  warnings: Violation[];
  warningCount: number;
}

const describe = (problems: Violation[]) => problems.map((v) => `${v.pointer || '/'}: ${v.message}`).join('; ');

/**
 * The contract's verdict on a body. Violations refuse it; warnings (the advice tier) do not,
 * unless `strict`, where they refuse it the way violations do.
 */
function check(operationId: OperationId, body: unknown, strict: boolean): Checked {
  const validate = operationId === 'getTaskStatus' ? validateTaskStatusRequest : validateRequest;
  let result: ValidationResult;
  try {
    result = validate(body, { strict });
  } catch (error) {
    // The validator recurses; a body nested deeper than the stack is refused, not a crash.
    if (error instanceof RangeError) return { refusal: '/: nested too deeply to be checked', violations: [], warnings: [], warningCount: 0 };
    throw error;
  }
  if (!result.valid) {
    const problems = strict ? [...result.violations, ...result.warnings] : result.violations;
    const more = result.truncated || (strict && result.warningsTruncated);
    return { refusal: describe(problems) + (more ? '; and more' : ''), violations: problems, warnings: [], warningCount: 0 };
  }
  // The header states the total: count past the validator's cap only when there is more.
  const warningCount = result.warningsTruncated ? validate(body, { maxViolations: Number.MAX_SAFE_INTEGER }).warnings.length : result.warnings.length;
  return { violations: [], warnings: result.warnings, warningCount };
}

/** `Prefer: code=...` / `example=...` ask for one of the spec's examples: Prism's job. */
const wantsExample = (prefer: string | undefined) => /\b(code|example)=/.test(prefer ?? '');

/** The answers `Prefer` can ask for, per operation: status code -> example names. */
const choices = new Map<OperationId, Map<string, Set<string>>>();
for (const operationId of Object.keys(operations) as OperationId[]) {
  const responses = (document.paths[operations[operationId].path]!.post as { responses: Record<string, unknown> }).responses;
  choices.set(operationId, new Map(Object.keys(responses).map((code) => [code, new Set<string>()])));
}
for (const example of listExamples()) {
  if (example.part !== 'request') choices.get(example.operationId)!.get(example.part)?.add(example.name);
}

/** Why a `Prefer` header asks for an answer the contract does not have, if it does. */
function unknownPreference(operationId: OperationId, prefer: string): string | undefined {
  const byCode = choices.get(operationId)!;
  const code = /\bcode=([^,;\s]*)/.exec(prefer)?.[1];
  const example = /\bexample=([^,;\s]*)/.exec(prefer)?.[1];
  const list = [...byCode].map(([status, names]) => (names.size > 0 ? `${status} (${[...names].join(', ')})` : status)).join('; ');
  if (code !== undefined && !byCode.has(code)) return `Prefer: code=${code} is not an answer of this operation; choose a code (example names): ${list}`;
  if (example !== undefined) {
    const codes = code !== undefined ? [code] : [...byCode.keys()];
    if (!codes.some((c) => byCode.get(c)!.has(example))) {
      return `Prefer: example=${example} is not an example${code !== undefined ? ` of code ${code}` : ''} of this operation; choose a code (example names): ${list}`;
    }
  }
  return undefined;
}

/** Seconds a `Prefer: code=429` answer tells the client to wait (the header the spec declares). */
const PREFERRED_RETRY_AFTER = 1;

const retryAfterOf = (prism: string | null) => String(Math.max(PREFERRED_RETRY_AFTER, /^\d+$/.test(prism ?? '') ? Number(prism) : 0));

async function forwardToPrism(
  prism: PrismProcess,
  req: IncomingMessage,
  res: ServerResponse,
  operationId: OperationId,
  body: unknown,
  format: Format,
  warnings: Record<string, string>,
): Promise<void> {
  await prism.ready;
  // Prism cannot read XML bodies; it gets the decoded request as JSON and picks the example.
  const headers: Record<string, string> = { 'Content-Type': 'application/json', Accept: MEDIA_TYPES[format], Prefer: header(req, 'prefer')! };
  if (req.headers.authorization) headers.Authorization = req.headers.authorization;
  // By the operation's path only: an absolute-form request target (`POST http://other/...`)
  // must not make a URL of its own.
  const answer = await askPrism(prism.url + operations[operationId].path, { method: 'POST', headers, body: JSON.stringify(body) });
  const text = await answer.text();
  const contentType = answer.headers.get('content-type') ?? MEDIA_TYPES[format];
  if (contentType.startsWith('application/problem+json')) {
    // Prism's own failure (an example it cannot serve): the API's envelope, without Prism's words.
    throw new Failure(400, `Prefer: ${header(req, 'prefer')} cannot be served for this request`);
  }
  // Prism makes the header from its schema's minimum, 0: a client that honours it retries at once.
  noteAnswerText(res, operationId, answer.status, text, contentType);
  const extra: Record<string, string> = answer.status === 429 ? { 'Retry-After': retryAfterOf(answer.headers.get('retry-after')) } : {};
  res.writeHead(answer.status, { ...warnings, ...extra, 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

/**
 * 200 once everything that answers is up (the front and Prism behind it), with the contract's
 * version; 503 before. CI waits on it with `curl --fail --retry`.
 */
function health(req: IncomingMessage, res: ServerResponse, state: State, strict: boolean): void {
  const body = JSON.stringify({
    status: state.prismUp ? 'ready' : 'starting',
    contract: { title: document.info.title, version: document.info.version },
    strict,
    faults: state.injector ? state.injector.plan : null,
  });
  res.writeHead(state.prismUp ? 200 : 503, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(body), 'Cache-Control': 'no-store' });
  res.end(req.method === 'HEAD' ? undefined : body);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function handle(prism: PrismProcess, state: State, req: IncomingMessage, res: ServerResponse, options: MockOptions, log: (line: string) => void): Promise<void> {
  const { path, operationId } = routeOf(req.url);
  const requestFormat = formatOfMediaType(req.headers['content-type']);
  const outside = outsideBody(req);
  if (path === HEALTH_PATH && (req.method === 'GET' || req.method === 'HEAD')) return health(req, res, state, options.strict ?? strictFromEnvironment());
  if (options.replay) res.setHeader(SOURCE_HEADER, 'mock');
  state.journal?.begin(req, res, { path, operationId });
  if (!operationId) {
    return sendFailure(res, 'importAndStartBatch', new Failure(404, `no operation at ${path}; this mock serves ${[...routes.keys()].join(' and ')}`), requestFormat ?? 'json');
  }
  if (req.method !== 'POST') {
    res.setHeader('Allow', 'POST');
    return sendFailure(res, operationId, new Failure(405, `${req.method} is not supported; use POST`), requestFormat ?? 'json');
  }
  const read = await readBody(req, MAX_BODY_BYTES);
  if (!read.ok) {
    if (read.reason === 'gone') return;
    // Answered at once, as the platform does; the rest of the upload is drained (bounded) and
    // dropped, so the client reads this answer instead of a reset.
    const format = outside.format ?? requestFormat ?? 'json';
    const failure = new Failure(400, BODY_TOO_LARGE_DEBUG);
    const text = encode(operationId, 400, envelopeOf(failure, format), format);
    return answerThenDiscard(req, res, 400, { 'Content-Type': `${MEDIA_TYPES[format]}; charset=utf-8` }, text, options.discard ?? DEFAULT_DISCARD);
  }
  const replayed = options.replay?.match(operationId, requestFormat, read.bytes, outside.format);
  if (replayed) return Replay.send(res, replayed);
  // The body's `format` (read below) comes first, then the URL query's, then Accept.
  let format = outside.format ?? requestFormat ?? 'json';
  let fault = state.injector?.next(read.bytes) ?? { answer: 'ok' };
  if (fault.answer === 'delay') {
    await sleep(fault.ms);
    if (res.destroyed) return;
    fault = fault.then;
  }
  if (fault.answer !== 'ok') {
    return perform(res, fault, (status, body, headers) => send(res, operationId, status, body, format, headers), () => undefined);
  }
  try {
    if (!requestFormat) {
      throw new Failure(400, `unsupported Content-Type "${req.headers['content-type'] ?? ''}": send application/json or application/xml`);
    }
    const body = await parse(read.bytes, requestFormat, state.xml, operationId);
    noteRequest(res, requestFormat, body, read.bytes.length);
    if (!isJsonObject(body)) throw new Failure(400, '/: must be an object');
    if (body.format === 'json' || body.format === 'xml') format = body.format;
    const token = bearerToken(header(req, 'authorization')) ?? (typeof body.token === 'string' && body.token !== '' ? body.token : undefined) ?? outside.token;
    if (!token) throw new Failure(401, 'no API token: send it as the body field `token` or as `Authorization: Bearer <token>` (the URL query also works, deprecated: URLs end up in logs)');
    const checked = check(operationId, body, options.strict ?? strictFromEnvironment());
    noteCheck(res, checked.violations, checked.warnings, checked.warningCount);
    if (checked.refusal !== undefined) throw new Failure(400, checked.refusal);
    const prefer = header(req, 'prefer');
    if (wantsExample(prefer)) {
      const unknown = unknownPreference(operationId, prefer!);
      if (unknown) throw new Failure(400, unknown);
    }
    const headers = warningHeaders(checked.warnings, checked.warningCount);
    if (checked.warningCount > 0) {
      const shown = describe(checked.warnings.slice(0, HEADER_WARNINGS).map((w) => ({ pointer: clip(w.pointer), message: clip(w.message) })));
      const rest = checked.warningCount > HEADER_WARNINGS ? `; and ${checked.warningCount - HEADER_WARNINGS} more` : '';
      log(`altcraft-mock: ${req.method} ${path}: valid, ${checked.warningCount} warning(s): ${printable(shown)}${rest}`);
    }
    if (wantsExample(prefer)) return await forwardToPrism(prism, req, res, operationId, body, format, headers);
    const refuses = state.injector ? (id: string) => state.injector!.refusesItem(id) : undefined;
    const answer = answerWithTasks(operationId, body as Parameters<typeof answerWithTasks>[1], state.tasks, refuses);
    if (answer === undefined) throw new Failure(400, UNKNOWN_TASK);
    send(res, operationId, 200, answer, format, headers);
  } catch (error) {
    if (error instanceof Failure) return sendFailure(res, operationId, error, format);
    throw error;
  }
}

/** Starts the mock on 127.0.0.1 and Prism behind it; resolves once the mock listens. */
export async function startMock(options: MockOptions = {}): Promise<RunningMock> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const prism = await startPrism('mock');
  const state: State = { prismUp: false, xml: new XmlDecoder(), tasks: options.tasks ?? new TaskStore(), ...(options.faults && options.faults.rules.length > 0 ? { injector: new FaultInjector(options.faults) } : {}) };
  if (options.journalSize !== 0) state.journal = new Journal(options.journalSize ?? DEFAULT_JOURNAL_SIZE);
  prism.ready.then(
    () => (state.prismUp = true),
    () => undefined,
  );
  const server: Server = createGuardedServer((req, res) => {
    if (handleAdmin(req, res, state.journal)) return;
    handle(prism, state, req, res, options, log).catch((error: Error) => {
      // A bug of the mock: its details go to the log, never to the client (they name files
      // and Prism's port); the client gets the API's envelope.
      log(`altcraft-mock: failed to answer ${req.method} ${routeOf(req.url).path}: ${error.stack ?? error.message}`);
      if (res.headersSent) return void res.destroy();
      const body = JSON.stringify({ error: 500, error_text: 'Internal server error', error_debug: 'the mock could not answer this request; its log has the details' });
      res.writeHead(500, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(body) }).end(body);
    });
  }, options);
  return serve(server, prism, options, [state.xml]);
}
