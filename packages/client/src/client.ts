import {
  XmlEncodeError,
  operations,
  requestXml,
  responseXml,
  validateRequest,
  type OperationId,
} from '@altcraft-api/contract';
import createClient from 'openapi-fetch';
import {
  AltcraftApiError,
  AltcraftNetworkError,
  AltcraftResponseError,
  AltcraftTimeoutError,
  AltcraftValidationError,
} from './errors.js';
import type { paths } from './generated/schema.js';
import type { ImportAndStartBatchRequest, ImportAndStartBatchResult, ImportAndStartBatchTaskResult } from './types.js';

export type Format = 'json' | 'xml';

export interface AltcraftClientOptions {
  /** The API root: `https://example.com/api/v1.1`, or the mock's `http://127.0.0.1:4010/api/v1.1`. */
  baseUrl: string;
  /** The account's API token. Kept out of every error, message and property of the client. */
  token: string;
  /** Where the token travels: the body's `token` field (every platform version) or `Authorization: Bearer`. */
  auth?: 'body' | 'bearer';
  /** A fetch implementation (tests, proxies); the global fetch by default. */
  fetch?: typeof globalThis.fetch;
  /** Time to wait for an answer before giving up with AltcraftTimeoutError. Default 120,000 ms. */
  timeoutMs?: number;
  /** Extra headers for every request. */
  headers?: Record<string, string>;
  /** Check every request against the contract before sending it (AltcraftValidationError). */
  validate?: boolean;
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
}

const internals = new WeakMap<AltcraftClient, ClientInternals>();

/** The internals of a client made by createAltcraftClient (for importProfiles). */
export function clientInternals(client: AltcraftClient): ClientInternals {
  const found = internals.get(client);
  if (!found) throw new TypeError('not a client made by createAltcraftClient');
  return found;
}

const API_PREFIX = '/api/v1.1';
const MEDIA_TYPE: Record<Format, string> = { json: 'application/json', xml: 'application/xml' };

// Connection failures that happen before a byte of the request is written: safe to retry.
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);

function causeCode(error: unknown): string | undefined {
  const cause = (error as { cause?: { code?: unknown; errors?: { code?: unknown }[] } }).cause;
  const code = cause?.code ?? cause?.errors?.[0]?.code;
  return typeof code === 'string' ? code : undefined;
}

function retryAfterSeconds(response: Response): number | undefined {
  const header = response.headers.get('retry-after');
  if (header === null) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds;
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, (date - Date.now()) / 1000);
}

export function createAltcraftClient(options: AltcraftClientOptions): AltcraftClient {
  const { token, auth = 'body', timeoutMs = 120_000, validate = false } = options;
  if (typeof token !== 'string' || token === '') throw new TypeError('createAltcraftClient: token is required');
  const root = options.baseUrl.replace(/\/+$/, '');
  if (!root.endsWith(API_PREFIX)) {
    throw new TypeError(`createAltcraftClient: baseUrl must be the API root, ending in ${API_PREFIX} (https://example.com${API_PREFIX})`);
  }
  const api = createClient<paths>({ baseUrl: root.slice(0, -API_PREFIX.length), fetch: options.fetch ?? globalThis.fetch });
  const redact = (text: string) => text.split(token).join('[redacted]');
  const envelope = auth === 'body' ? { token } : {};

  async function send(operationId: OperationId, body: SerializedBody, signal?: AbortSignal): Promise<unknown> {
    const timeout = AbortSignal.timeout(timeoutMs);
    const headers: Record<string, string> = {
      ...options.headers,
      'Content-Type': MEDIA_TYPE[body.format],
      Accept: MEDIA_TYPE[body.format],
    };
    if (auth === 'bearer') headers.Authorization = `Bearer ${token}`;
    let result;
    try {
      result = await api.POST(operations[operationId].path as keyof paths, {
        // The body is already encoded (exactly once): pass it through untouched.
        body: body.text as never,
        bodySerializer: (text: unknown) => text as string | Uint8Array,
        headers,
        parseAs: 'text',
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      if (timeout.aborted) throw new AltcraftTimeoutError(operationId, timeoutMs);
      const code = causeCode(error);
      throw new AltcraftNetworkError(operationId, !(code && NOT_SENT_CODES.has(code)), code, { cause: error });
    }
    const { response } = result;
    // openapi-fetch hands over a successful body as text (parseAs) but parses error bodies as
    // JSON when it can; XML and other error bodies stay text.
    const raw: unknown = result.data ?? result.error ?? '';
    const text = typeof raw === 'string' ? raw : JSON.stringify(raw);
    const answer = typeof raw === 'string' ? decodeAnswer(operationId, response, raw) : raw;
    const requestId = response.headers.get('x-request-id') ?? undefined;
    const isEnvelope = typeof answer === 'object' && answer !== null && typeof (answer as { error?: unknown }).error === 'number';
    if (response.status === 200 && isEnvelope && (answer as { error: number }).error === 0) return answer;
    if (!isEnvelope && response.status === 200) throw new AltcraftResponseError(operationId, 200, 'the body is not the API envelope');
    const failure = (isEnvelope ? answer : {}) as { error?: number; error_text?: unknown; error_debug?: unknown };
    throw new AltcraftApiError(
      operationId,
      response.status,
      failure.error ?? response.status,
      redact(typeof failure.error_text === 'string' ? failure.error_text : response.statusText || `HTTP ${response.status}`),
      typeof failure.error_debug === 'string' ? redact(failure.error_debug) : isEnvelope ? undefined : redact(text).slice(0, 500) || undefined,
      requestId,
      retryAfterSeconds(response),
    );
  }

  function decodeAnswer(operationId: OperationId, response: Response, text: string): unknown {
    const xml = /[/+]xml\b/.test(response.headers.get('content-type') ?? '');
    try {
      return xml ? responseXml(operationId, response.status).decode(text) : JSON.parse(text);
    } catch (error) {
      if (response.status !== 200) return undefined;
      // No `cause`: a parser's error may quote the body, and the body may echo the token.
      throw new AltcraftResponseError(operationId, response.status, redact((error as Error).message));
    }
  }

  function encode(operationId: OperationId, request: ImportAndStartBatchRequest, format: Format): SerializedBody {
    const body = { ...request, ...envelope };
    if (format === 'xml' && !('format' in request)) Object.assign(body, { format: 'xml' });
    if (validate) {
      const { violations } = validateRequest(body);
      if (violations.length > 0) throw new AltcraftValidationError(operationId, violations.map((v) => ({ ...v, message: redact(v.message) })));
    }
    try {
      return { format, text: format === 'xml' ? requestXml.encode(body) : JSON.stringify(body) };
    } catch (error) {
      if (error instanceof XmlEncodeError) throw new AltcraftValidationError(operationId, [{ pointer: redact(error.pointer), message: redact(error.message) }]);
      throw error;
    }
  }

  async function call<T>(operationId: OperationId, request: ImportAndStartBatchRequest, callOptions: CallOptions, check: (answer: T) => boolean) {
    const answer = (await send(operationId, encode(operationId, request, callOptions.format ?? 'json'), callOptions.signal)) as T;
    if (!check(answer)) throw new AltcraftResponseError(operationId, 200, 'a successful answer without its result');
    return answer;
  }

  const client: AltcraftClient = {
    importAndStartBatch: (request, callOptions = {}) =>
      call<ImportAndStartBatchResult>('importAndStartBatch', request, callOptions, (answer) => Array.isArray(answer.result)),
    importAndStartBatchTask: (request, callOptions = {}) =>
      call<ImportAndStartBatchTaskResult>('importAndStartBatchTask', request, callOptions, (answer) => typeof answer.task_id === 'string'),
  };
  internals.set(client, { envelope, send });
  return client;
}
