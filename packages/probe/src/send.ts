// Sends one probe request and reads what the installation answered. Plain fetch, so a probe can
// send what the client would refuse or change (10,001 profiles, no `format`, a padded body).
import { createRedactor, formatOfMediaType, isJsonObject, operations, requestXml, responseXml, type OperationId } from '@altcraft-api/contract';
import type { Encoding, TaskIdForm } from './assumptions.js';
import type { ProbeRequest } from './questions.js';

/** What came back for one request, as far as the probe needs it. */
export interface Answer {
  /** HTTP status; absent when no answer came (see `failure`). */
  status?: number;
  /** Encoding of the answer's body, from its Content-Type (or, without one, its first character). */
  encoding?: Encoding | 'other';
  /** The envelope's `error`, `error_text`, `error_debug`. */
  error?: number;
  errorText?: string;
  errorDebug?: string;
  /** Per-profile errors of a 200 answer: the first one and how many. */
  itemError?: { index: number; error?: number; text?: string };
  itemErrors?: number;
  /** How many results a 200 answer holds, and the profile ids of the first three. */
  results?: number;
  profileIds?: (string | undefined)[];
  /** Where a 2xx answer of the task variant carries a task id string, if it does. */
  taskIdAt?: TaskIdForm;
  /** A 3xx answer's Location (never followed: the token must not go to another origin). */
  location?: string;
  /** Why no answer came (timeout, connection refused, ...). */
  failure?: string;
  /** A task's id: `task_id`, or `data.task_id` as the export task answers it. */
  taskId?: string;
  /** A status answer's `data`: the task's status, progress, and what its result holds (clipped JSON). */
  task?: { status?: string; progress?: number; resultItems?: number; resultText?: string };
  /** How many status requests the probe sent for the task. */
  polls?: number;
}

/** The request URL: `--upstream` may be the installation's origin or its API root (`.../api/v1.1`). */
export function endpointUrl(upstream: string, operationId: OperationId = 'importAndStartBatch'): URL {
  const url = new URL(upstream);
  const batch = operations.importAndStartBatch.path;
  const prefix = batch.slice(0, batch.indexOf('/workflows/'));
  let root = url.pathname.replace(/\/+$/, '');
  // Either endpoint itself, the API root or the origin: all name the same installation.
  const endpoint = Object.values(operations).find((operation) => root.endsWith(operation.path));
  if (endpoint) root = root.slice(0, -endpoint.path.length);
  else if (root.endsWith(prefix)) root = root.slice(0, -prefix.length);
  return new URL(root + operations[operationId].path, url.origin);
}

/** The bytes and headers of `request` with `token` placed where the request says. */
export function encodeRequest(request: ProbeRequest, token: string): { body: Buffer; headers: Record<string, string> } {
  const body = request.auth === 'body' ? { token, ...request.body } : request.body;
  const headers: Record<string, string> = {
    'Content-Type': request.encoding === 'xml' ? 'application/xml; charset=utf-8' : 'application/json; charset=utf-8',
    Accept: 'application/json, application/xml',
  };
  if (request.auth === 'bearer') headers.Authorization = `Bearer ${token}`;
  if (request.encoding === 'xml') return { body: Buffer.from(requestXml.encode(body), 'utf8'), headers };
  const text = JSON.stringify(body);
  // Whitespace before the closing brace: the platform has to read all of it to parse the object,
  // so its size limit applies, and if the limit is not enforced no extra data is stored.
  const padding = request.padToBytes === undefined ? 0 : request.padToBytes - Buffer.byteLength(text);
  return { body: Buffer.from(padding > 0 ? `${text.slice(0, -1)}${' '.repeat(padding)}}` : text, 'utf8'), headers };
}

const MAX_ANSWER_BYTES = 1 << 20;

async function readBounded(response: Response): Promise<string> {
  if (!response.body) return '';
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
    chunks.push(Buffer.from(chunk));
    size += chunk.byteLength;
    if (size >= MAX_ANSWER_BYTES) break;
  }
  return Buffer.concat(chunks).subarray(0, MAX_ANSWER_BYTES).toString('utf8');
}

function encodingOf(contentType: string | null, text: string): Answer['encoding'] {
  const format = formatOfMediaType(contentType);
  if (format) return format;
  if (contentType?.trim()) return 'other';
  const first = text.trimStart()[0];
  return first === '{' ? 'json' : first === '<' ? 'xml' : 'other';
}

const XML_ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
function xmlText(xml: string, name: string): string | undefined {
  const match = new RegExp(`<${name}(?:\\s[^>]*)?>([^<]*)</${name}>`).exec(xml);
  return match?.[1]!.replace(/&(lt|gt|amp|quot|apos);/g, (_, entity: string) => XML_ENTITIES[entity]!);
}

function envelopeOf(text: string, encoding: Answer['encoding'], status: number, operationId: OperationId): Record<string, unknown> | undefined {
  try {
    if (encoding === 'json') {
      const value: unknown = JSON.parse(text);
      return isJsonObject(value) ? value : undefined;
    }
    if (encoding === 'xml') {
      try {
        const value = responseXml(operationId, status).decode(text);
        if (isJsonObject(value)) return value;
      } catch {
        // An answer outside the contract: read the envelope's fields one by one.
      }
      const error = xmlText(text, 'error');
      return { error: error === undefined ? undefined : Number(error), error_text: xmlText(text, 'error_text'), error_debug: xmlText(text, 'error_debug') };
    }
  } catch {
    // Not the envelope: the status alone has to speak.
  }
  return undefined;
}

function readEnvelope(answer: Answer, envelope: Record<string, unknown> | undefined, redact: (text: string) => string): void {
  if (!envelope) return;
  if (typeof envelope.error === 'number' && Number.isFinite(envelope.error)) answer.error = envelope.error;
  if (typeof envelope.error_text === 'string') answer.errorText = envelope.error_text;
  if (typeof envelope.error_debug === 'string') answer.errorDebug = envelope.error_debug;
  if (typeof envelope.task_id === 'string') answer.taskIdAt = 'top';
  else if (isJsonObject(envelope.data) && typeof envelope.data.task_id === 'string') answer.taskIdAt = 'data';
  const result = Array.isArray(envelope.result) ? envelope.result : [];
  const failed = result.flatMap((item, index) =>
    isJsonObject(item) && typeof item.error === 'number' && item.error !== 0
      ? [{ index, error: typeof item.error === 'number' ? item.error : undefined, text: typeof item.error_text === 'string' ? item.error_text : undefined }]
      : [],
  );
  if (Array.isArray(envelope.result)) {
    answer.results = result.length;
    answer.profileIds = result.slice(0, 3).map((item) => (isJsonObject(item) && typeof item.profile_id === 'string' ? item.profile_id : undefined));
  }
  if (failed.length > 0) {
    answer.itemError = failed[0];
    answer.itemErrors = failed.length;
  }
  readTask(answer, envelope, redact);
}

function readTask(answer: Answer, envelope: Record<string, unknown>, redact: (text: string) => string): void {
  const data = isJsonObject(envelope.data) ? envelope.data : undefined;
  const taskId = envelope.task_id ?? data?.task_id;
  if (typeof taskId === 'string') answer.taskId = taskId;
  if (data === undefined || !('status' in data || 'progress' in data || 'result' in data)) return;
  const inner = isJsonObject(data.result) ? data.result.result : undefined;
  answer.task = {
    ...(typeof data.status === 'string' ? { status: data.status } : {}),
    ...(typeof data.progress === 'number' ? { progress: data.progress } : {}),
    ...(Array.isArray(inner) ? { resultItems: inner.length } : {}),
    // Redacted before the clip: a cut through an echoed token would leave a part of it that no
    // redaction later can recognise.
    ...(data.result !== undefined ? { resultText: redact(JSON.stringify(data.result)).slice(0, 400) } : {}),
  };
}

/** Sends `request` to `url` once; never follows a redirect, never throws. */
export async function send(url: URL, request: ProbeRequest, token: string, timeoutMs: number): Promise<Answer> {
  const { body, headers } = encodeRequest(request, token);
  let response: Response;
  try {
    response = await fetch(url, { method: 'POST', headers, body, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
  } catch (error) {
    const cause = (error as Error & { cause?: { code?: string; message?: string } }).cause;
    const reason = (error as Error).name === 'TimeoutError' ? `no answer within ${Math.round(timeoutMs / 1000)} s` : (cause?.code ?? cause?.message ?? (error as Error).message);
    return { failure: reason };
  }
  const answer: Answer = { status: response.status };
  if (response.status >= 300 && response.status < 400) {
    answer.location = response.headers.get('location') ?? '(no Location)';
    await response.body?.cancel().catch(() => undefined);
    return answer;
  }
  let text: string;
  try {
    text = await readBounded(response);
  } catch (error) {
    return { ...answer, failure: `the answer broke off: ${(error as Error).message}` };
  }
  answer.encoding = encodingOf(response.headers.get('content-type'), text);
  readEnvelope(answer, envelopeOf(text, answer.encoding, response.status, request.operation ?? 'importAndStartBatch'), createRedactor(token));
  return answer;
}

/** The platform accepted the request: a 2xx with `error: 0` and no per-profile error. */
export const isAccepted = (answer: Answer) =>
  answer.status !== undefined && answer.status >= 200 && answer.status < 300 && answer.error === 0 && answer.itemErrors === undefined;
