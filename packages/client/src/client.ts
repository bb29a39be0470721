import {
  MEDIA_TYPES,
  XmlEncodeError,
  formatOfMediaType,
  requestXml,
  responseXml,
  validateRequest,
  type OperationId,
  type Violation,
} from '@altcraft-api/contract';
import createClient from 'openapi-fetch';
import {
  AltcraftApiError,
  AltcraftConfigError,
  AltcraftNetworkError,
  AltcraftRedirectError,
  AltcraftResponseError,
  AltcraftTimeoutError,
  AltcraftValidationError,
  type AltcraftError,
} from './errors.js';
import type { paths } from './generated/schema.js';
import { checkAnswer } from './answer-check.js';
import { createRedactor } from './redact.js';
import { taskMethods, type TaskStatus, type WaitOptions } from './tasks.js';
import type { ImportAndStartBatchRequest, ImportAndStartBatchResult, ImportAndStartBatchTaskResult } from './types.js';
import { checkMs } from './durations.js';

export type Format = 'json' | 'xml';

export interface AltcraftClientOptions {
  /**
   * The API root: `https://example.com/api/v1.1`, or the mock's `http://127.0.0.1:4010/api/v1.1`.
   * Checked at once (AltcraftConfigError): http or https, absolute, no credentials, no query.
   */
  baseUrl: string;
  /**
   * The account's API token. Kept out of every error, message and property of the client.
   * Refused at once (AltcraftConfigError, without its value) when empty or holding a control
   * character, and with bearer auth when it is not printable ASCII.
   */
  token: string;
  /** Where the token travels: the body's `token` field (every platform version) or `Authorization: Bearer`. */
  auth?: 'body' | 'bearer';
  /** A fetch implementation (tests, proxies); the global fetch by default. */
  fetch?: typeof globalThis.fetch;
  /**
   * Time to wait for an answer (its headers and whole body) before giving up with
   * AltcraftTimeoutError. An answer received in time is returned even if decoding it ends later.
   * Default 120,000 ms.
   */
  timeoutMs?: number;
  /** Extra headers for every request. */
  headers?: Record<string, string>;
  /**
   * Check every request against the contract before sending it:
   * - `false` (default): send as is; the platform is the judge.
   * - `'warn'`: refuse a request that breaks the contract (AltcraftValidationError, nothing
   *   sent); send one that only goes against our advice (more than 10,000 profiles, an email
   *   that does not look like one, ...) and pass its warnings to `onWarnings`.
   * - `true`: strict: warnings refuse the request too (AltcraftValidationError lists both).
   */
  validate?: boolean | 'warn';
  /**
   * Called (before sending) with the advice-tier warnings of a request sent under
   * `validate: 'warn'`: at most 100, `truncated` when there were more. Also called, with
   * `answer: true`, with the advice-tier oddities of a successful answer (a field the pages do not
   * list, an id of another form), whatever `validate` says: such an answer is used as the platform
   * gave it, never refused. Texts are redacted. Default: none (the warnings are dropped).
   */
  onWarnings?: (warnings: Violation[], context: { operation: OperationId; truncated: boolean; answer?: true }) => void;
}

export interface CallOptions {
  /** Encoding of the request and of the answer. Default `json`. */
  format?: Format;
  signal?: AbortSignal;
}

export interface AltcraftClient {
  /** Imports the profiles and sends each into the scenario; answers one result per profile, in order. */
  importAndStartBatch(request: ImportAndStartBatchRequest, options?: CallOptions): Promise<ImportAndStartBatchResult>;
  /** The same request, queued as a background task; answers the task's id. */
  importAndStartBatchTask(request: ImportAndStartBatchRequest, options?: CallOptions): Promise<ImportAndStartBatchTaskResult>;
  /** One status request for a task (`POST /tasks/status`); answers the `data` of the answer. */
  getTaskStatus(taskId: string, options?: CallOptions): Promise<TaskStatus>;
  /**
   * Polls the task until its status is final (see tasks.ts for which are), with back-off and
   * `Retry-After` honoured on failures; rejects with AltcraftTaskTimeoutError after `timeoutMs`.
   */
  waitForTask(taskId: string, options?: WaitOptions): Promise<TaskStatus>;
}

/** A request body already encoded, as the batch sender builds them. */
export interface SerializedBody {
  text: string | Uint8Array;
  format: Format;
}

/** What the batch sender needs from a client and users must not see (the token). */
export interface ClientInternals {
  /** The fields every body must carry (the token, with body auth). */
  envelope: { token?: string };
  send(operationId: OperationId, body: SerializedBody, signal?: AbortSignal): Promise<unknown>;
  /** Removes every piece of the token from a text the server sent (see redact.ts). */
  redact(text: string): string;
}

const internals = new WeakMap<AltcraftClient, ClientInternals>();

/** The internals of a client made by createAltcraftClient (for importProfiles). */
export function clientInternals(client: AltcraftClient): ClientInternals {
  const found = internals.get(client);
  if (!found) throw new TypeError('not a client made by createAltcraftClient');
  return found;
}

const API_PREFIX = '/api/v1.1';

/** Each operation's path, typed by the generated `paths` (and equal to the contract's: a test checks). */
export const PATH = {
  importAndStartBatch: '/api/v1.1/workflows/import_and_start_batch',
  importAndStartBatchTask: '/api/v1.1/workflows/import_and_start_batch_task',
  getTaskStatus: '/api/v1.1/tasks/status',
} as const satisfies Record<OperationId, keyof paths>;

/**
 * Largest answer the client reads, in bytes: 33,554,432 (32 MiB). The largest legal answer is
 * 10,000 result items; with a profile id and an error text of a few hundred bytes each that is
 * about 5 MB, so the cap is several times that. A longer answer is not read further
 * (AltcraftResponseError): a broken or hostile server cannot make the client buffer gigabytes.
 */
export const MAX_ANSWER_BYTES = 32 * 1024 * 1024;

// Connection failures that happen before a byte of the request is written: safe to retry. TLS
// failures of the handshake (certificate checks, protocol mismatch) are among them: the request
// is written only once the handshake is done.
const NOT_SENT_CODES = new Set([
  'BAD_PORT', 'ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL', 'UND_ERR_CONNECT_TIMEOUT',
  'DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID', 'CERT_REVOKED', 'CERT_UNTRUSTED', 'CERT_REJECTED',
  'CERT_SIGNATURE_FAILURE', 'CERT_CHAIN_TOO_LONG', 'INVALID_CA', 'INVALID_PURPOSE', 'PATH_LENGTH_EXCEEDED', 'HOSTNAME_MISMATCH',
]);
const NOT_SENT_TLS = /^ERR_TLS_|^ERR_SSL_.*(?:WRONG_VERSION|HANDSHAKE|ALERT|PROTOCOL|UNKNOWN_CA|CERTIFICATE)/;

function causeCode(error: unknown): string | undefined {
  const cause = (error as { cause?: { code?: unknown; message?: unknown; errors?: { code?: unknown }[] } }).cause;
  // fetch refuses the Fetch standard's blocked ports (9, 6000, ...) before connecting, with an
  // Error('bad port') that has no code.
  if (cause?.message === 'bad port') return 'BAD_PORT';
  const code = cause?.code ?? cause?.errors?.[0]?.code;
  return typeof code === 'string' ? code : undefined;
}

function notSent(code: string | undefined): boolean {
  return code !== undefined && (NOT_SENT_CODES.has(code) || NOT_SENT_TLS.test(code));
}

function retryAfterSeconds(response: Response): number | undefined {
  const header = response.headers.get('retry-after');
  if (header === null) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds;
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, (date - Date.now()) / 1000);
}

// C0 and C1 control characters and DEL: no token has them, and in a header they either break
// the request or (undici) raise an error that quotes the whole header value.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
// What an Authorization header value can carry as-is: printable ASCII, no surrounding spaces.
const HEADER_SAFE = /^[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?$/;

function checkToken(token: unknown, auth: unknown): asserts token is string {
  if (auth !== 'body' && auth !== 'bearer') throw new AltcraftConfigError('auth', "must be 'body' or 'bearer'");
  if (typeof token !== 'string' || token === '') throw new AltcraftConfigError('token', 'is required (a non-empty string); nothing was sent');
  if (CONTROL.test(token)) throw new AltcraftConfigError('token', 'contains a control character (newline, NUL, tab, ...); nothing was sent');
  if (auth === 'bearer' && !HEADER_SAFE.test(token)) {
    throw new AltcraftConfigError('token', "cannot travel in an Authorization header (only printable ASCII, no surrounding spaces); use auth: 'body'; nothing was sent");
  }
}

/** The API root as origin + path, checked: http(s), absolute, no credentials, query or fragment. */
function checkBaseUrl(baseUrl: unknown): string {
  const example = `https://example.com${API_PREFIX}`;
  if (typeof baseUrl !== 'string') throw new AltcraftConfigError('baseUrl', `is required (the API root, like ${example})`);
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new AltcraftConfigError('baseUrl', `is not an absolute URL (is the scheme missing?); the API root looks like ${example}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new AltcraftConfigError('baseUrl', `must start with http:// or https:// (is the scheme missing?); the API root looks like ${example}`);
  }
  if (url.username !== '' || url.password !== '') throw new AltcraftConfigError('baseUrl', 'must not carry a user name or password');
  if (url.search !== '' || url.hash !== '' || baseUrl.includes('?') || baseUrl.includes('#')) throw new AltcraftConfigError('baseUrl', 'must not have a query or a fragment');
  const root = url.pathname.replace(/\/+$/, '');
  if (!root.endsWith(API_PREFIX)) throw new AltcraftConfigError('baseUrl', `must be the API root, ending in ${API_PREFIX} (${example})`);
  return url.origin + root;
}

/** An answer's body, over MAX_ANSWER_BYTES: not read further. */
class AnswerTooLarge extends Error {
  constructor(readonly status: number) {
    super('answer too large');
  }
}

/**
 * Reads a body as text, at most `limit` bytes: beyond that the stream is cancelled (the
 * connection closes). Each read also ends when `signal` aborts, so the deadline bounds the
 * arrival of the body even from a fetch that does not tie its body to the signal.
 */
async function readCapped(response: Response, limit: number, signal: AbortSignal): Promise<string> {
  const declared = Number(response.headers.get('content-length') ?? '');
  if (declared > limit) {
    await response.body?.cancel().catch(() => undefined);
    throw new AnswerTooLarge(response.status);
  }
  if (response.body === null) return '';
  const reader = response.body.getReader();
  let onAbort = () => undefined as void;
  const aborted = new Promise<never>((_resolve, reject) => (onAbort = () => reject(signal.reason)));
  aborted.catch(() => undefined);
  if (signal.aborted) onAbort();
  else signal.addEventListener('abort', onAbort, { once: true });
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await Promise.race([reader.read(), aborted]);
      if (done) break;
      size += value.byteLength;
      if (size > limit) throw new AnswerTooLarge(response.status);
      chunks.push(value);
    }
  } catch (error) {
    await reader.cancel().catch(() => undefined);
    throw error;
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
  return Buffer.concat(chunks).toString('utf8');
}

const NULL_BODY_STATUS = new Set([101, 204, 205, 304]);

/** Origin and path of a Location (user info, query and fragment dropped), redacted. */
function describeLocation(location: string | null, requestUrl: string, redact: (text: string) => string): string {
  if (location === null) return '(none)';
  let url: URL;
  try {
    url = new URL(location, requestUrl);
  } catch {
    return '(an unparsable Location)';
  }
  const dropped = url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '';
  return redact(`${url.origin}${url.pathname}${dropped ? ' (query or credentials dropped)' : ''}`);
}

/**
 * The openapi-fetch client, with every answer read here, capped, once: openapi-fetch then parses
 * the copy, and `rawText` keeps the bytes received (for `debug`), not a re-serialisation of what
 * it parsed.
 */
function createTransport(root: string, fetch: typeof globalThis.fetch) {
  const rawText = new WeakMap<Response, string>();
  const api = createClient<paths>({
    baseUrl: root.slice(0, -API_PREFIX.length),
    fetch,
    // Never follow a redirect: the body (token included) or the Authorization header would go
    // wherever the Location points. A 3xx becomes AltcraftRedirectError.
    redirect: 'manual',
  });
  api.use({
    async onResponse({ request, response }) {
      const text = await readCapped(response, MAX_ANSWER_BYTES, request.signal);
      const init = { status: response.status, statusText: response.statusText, headers: response.headers };
      const copy = new Response(NULL_BODY_STATUS.has(response.status) ? null : text, init);
      rawText.set(copy, text);
      return copy;
    },
  });
  return { api, rawText };
}

/** The error a request that did not get an answer throws (never with a `cause`, see below). */
function unanswered(operationId: OperationId, error: unknown, signal: AbortSignal | undefined, timeout: AbortSignal, timeoutMs: number, redact: (text: string) => string): unknown {
  if (signal?.aborted) return signal.reason;
  if (timeout.aborted) return new AltcraftTimeoutError(operationId, timeoutMs);
  if (error instanceof AnswerTooLarge) return new AltcraftResponseError(operationId, error.status, `the answer is larger than ${MAX_ANSWER_BYTES} bytes; not read further`);
  const code = causeCode(error);
  // No `cause`: undici's errors can quote a header value, and a header may carry the token.
  return new AltcraftNetworkError(operationId, !notSent(code), code === undefined ? undefined : redact(code));
}

/** The decoded answer when it is a success the contract allows; the error to throw otherwise. */
function judgeAnswer(
  operationId: OperationId,
  response: Response,
  text: string,
  answer: unknown,
  { redact, onWarnings }: Pick<EncodeSettings, 'redact' | 'onWarnings'>,
): { answer: unknown } | { error: AltcraftError } {
  const requestId = response.headers.get('x-request-id') ?? undefined;
  const isEnvelope = typeof answer === 'object' && answer !== null && !Array.isArray(answer) && typeof (answer as { error?: unknown }).error === 'number';
  if (response.status === 200 && isEnvelope && (answer as { error: number }).error === 0) {
    const checked = checkAnswer(operationId, answer as Record<string, unknown>, onWarnings !== undefined, redact);
    if (checked.problem) return { error: new AltcraftResponseError(operationId, 200, checked.problem) };
    if (checked.warnings.length > 0) onWarnings?.(checked.warnings, { operation: operationId, truncated: checked.truncated, answer: true });
    return { answer };
  }
  if (!isEnvelope && response.status === 200) return { error: new AltcraftResponseError(operationId, 200, 'the body is not the API envelope') };
  const failure = (isEnvelope ? answer : {}) as { error?: number; error_text?: unknown; error_debug?: unknown };
  return {
    error: new AltcraftApiError(
      operationId,
      response.status,
      failure.error ?? response.status,
      redact(typeof failure.error_text === 'string' ? failure.error_text : response.statusText || `HTTP ${response.status}`),
      typeof failure.error_debug === 'string' ? redact(failure.error_debug) : isEnvelope ? undefined : redact(text.slice(0, 500)) || undefined,
      requestId === undefined ? undefined : redact(requestId),
      retryAfterSeconds(response),
    ),
  };
}

/** The answer's body as a value: XML or JSON by its Content-Type; undefined for an unreadable failure. */
function decodeAnswer(operationId: OperationId, response: Response, text: string): unknown {
  const xml = formatOfMediaType(response.headers.get('content-type')) === 'xml';
  try {
    return xml ? responseXml(operationId, response.status).decode(text) : JSON.parse(text);
  } catch {
    if (response.status !== 200) return undefined;
    // Neither the parser's message nor a `cause`: both may quote the body, and the body may
    // echo a piece of the token too short to be recognised.
    throw new AltcraftResponseError(operationId, response.status, `the answer is not ${xml ? 'XML' : 'JSON'} (${Buffer.byteLength(text)} bytes)`);
  }
}

interface EncodeSettings {
  envelope: { token?: string };
  validate: boolean | 'warn';
  onWarnings: AltcraftClientOptions['onWarnings'];
  redact: (text: string) => string;
}

/** A batch request as the bytes to send, checked against the contract as `validate` asks. */
function encodeBatch(operationId: OperationId, request: ImportAndStartBatchRequest, format: Format, settings: EncodeSettings): SerializedBody {
  const { envelope, validate, onWarnings, redact } = settings;
  const body = { ...request, ...envelope };
  if (format === 'xml' && !('format' in request)) Object.assign(body, { format: 'xml' });
  if (validate !== false) {
    const strict = validate === true;
    const result = validateRequest(body, { advice: strict || onWarnings !== undefined, strict });
    const clean = (list: Violation[]) => list.map((v) => ({ pointer: redact(v.pointer), message: redact(v.message) }));
    if (!result.valid) throw new AltcraftValidationError(operationId, clean(strict ? [...result.violations, ...result.warnings] : result.violations));
    if (result.warnings.length > 0) onWarnings?.(clean(result.warnings), { operation: operationId, truncated: result.warningsTruncated });
  }
  try {
    return { format, text: format === 'xml' ? requestXml.encode(body) : JSON.stringify(body) };
  } catch (error) {
    if (error instanceof XmlEncodeError) throw new AltcraftValidationError(operationId, [{ pointer: redact(error.pointer), message: redact(error.message) }]);
    throw error;
  }
}

export function createAltcraftClient(options: AltcraftClientOptions): AltcraftClient {
  const { token, auth = 'body', timeoutMs = 120_000, validate = false, onWarnings } = options;
  checkToken(token, auth);
  checkMs('createAltcraftClient', 'timeoutMs', timeoutMs, 1);
  if (validate !== true && validate !== false && validate !== 'warn') throw new AltcraftConfigError('validate', "must be true, false or 'warn'");
  const root = checkBaseUrl(options.baseUrl);
  const redact = createRedactor(token);
  const { api, rawText } = createTransport(root, options.fetch ?? globalThis.fetch);
  const envelope = auth === 'body' ? { token } : {};

  async function send(operationId: OperationId, body: SerializedBody, signal?: AbortSignal): Promise<unknown> {
    // The deadline bounds the waiting for the answer's bytes (headers and body), not the wall
    // clock after they have all arrived. A received answer is decoded and returned (or its
    // error thrown) even when the decode, or other work on this thread, ends past timeoutMs:
    // discarding a success as a timeout makes its profiles unknown, and resending them imports
    // them twice. The decode itself is bounded by MAX_ANSWER_BYTES and the linear reader.
    const timeout = AbortSignal.timeout(timeoutMs);
    const headers: Record<string, string> = {
      ...options.headers,
      'Content-Type': MEDIA_TYPES[body.format],
      Accept: MEDIA_TYPES[body.format],
    };
    if (auth === 'bearer') headers.Authorization = `Bearer ${token}`;
    let result;
    try {
      result = await api.POST(PATH[operationId] as (typeof PATH)[OperationId], {
        // The one cast: the body is already encoded (exactly once, and measured against the byte
        // limit by the batch planner), while openapi-fetch types `body` as the decoded request.
        // The serializer then hands over those bytes untouched.
        body: body.text as never,
        bodySerializer: () => body.text,
        headers,
        parseAs: 'text',
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
    } catch (error) {
      throw unanswered(operationId, error, signal, timeout, timeoutMs, redact);
    }
    const { response } = result;
    if (response.status >= 300 && response.status < 400) {
      throw new AltcraftRedirectError(operationId, response.status, describeLocation(response.headers.get('location'), response.url || root, redact));
    }
    const text = rawText.get(response) ?? '';
    const judged = judgeAnswer(operationId, response, text, decodeAnswer(operationId, response, text), { redact, onWarnings });
    if ('error' in judged) throw judged.error;
    return judged.answer;
  }

  const settings: EncodeSettings = { envelope, validate, onWarnings, redact };
  async function call<T>(operationId: OperationId, request: ImportAndStartBatchRequest, callOptions: CallOptions) {
    const answer = (await send(operationId, encodeBatch(operationId, request, callOptions.format ?? 'json', settings), callOptions.signal)) as T;
    return answer;
  }

  const own: ClientInternals = { envelope, send, redact };
  const client: AltcraftClient = {
    importAndStartBatch: (request, callOptions = {}) =>
      call<ImportAndStartBatchResult>('importAndStartBatch', request, callOptions),
    importAndStartBatchTask: (request, callOptions = {}) =>
      call<ImportAndStartBatchTaskResult>('importAndStartBatchTask', request, callOptions),
    ...taskMethods(own),
  };
  internals.set(client, own);
  return client;
}
