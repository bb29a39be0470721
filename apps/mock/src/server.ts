import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import {
  BODY_TOO_LARGE_DEBUG,
  MAX_BODY_BYTES,
  XmlDecodeError,
  requestXml,
  responseXml,
  validateRequest,
  type OperationId,
} from '@altcraft-api/contract';
import { answerFor } from './answers.js';
import { formatOfContentType, routeOf, routes, serve, type Format, type RunningMock } from './http.js';
import { readBody } from './body.js';
import { startPrism, type PrismProcess } from './prism.js';

export interface MockOptions {
  /** Port on 127.0.0.1; 0 picks a free one. Default 4010. */
  port?: number;
  host?: string;
}

const MEDIA_TYPE: Record<Format, string> = { json: 'application/json', xml: 'application/xml' };
const ERROR_TEXT: Record<number, string> = { 400: 'Invalid request', 401: 'Unauthorized', 404: 'Not found', 405: 'Method not allowed', 500: 'Internal server error' };

/** A failure answered in the API's envelope, never Prism's problem+json. */
class Failure {
  constructor(
    readonly status: number,
    readonly debug: string,
  ) {}
}

function send(res: ServerResponse, operationId: OperationId, status: number, body: object, format: Format): void {
  const text = format === 'xml' ? responseXml(operationId, status).encode(body) : JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': `${MEDIA_TYPE[format]}; charset=utf-8`, 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

function sendFailure(res: ServerResponse, operationId: OperationId, failure: Failure, format: Format): void {
  send(res, operationId, failure.status, { error: failure.status, error_text: ERROR_TEXT[failure.status] ?? 'Error', error_debug: failure.debug }, format);
}

/** A request header as one string (Node types repeated headers as arrays). */
const header = (req: IncomingMessage, name: string) => {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
};

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

// The BOM is kept, so JSON with one is refused as the platform's Go decoder refuses it; XML
// allows a BOM, and the XML branch drops it.
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function parse(bytes: Buffer, format: Format): unknown {
  if (bytes.length === 0) throw new Failure(400, 'the body is empty');
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    throw new Failure(400, 'the body is not valid UTF-8');
  }
  try {
    return format === 'xml' ? requestXml.decode(text.replace(/^\uFEFF/, '')) : JSON.parse(text);
  } catch (error) {
    if (error instanceof XmlDecodeError) throw new Failure(400, error.message);
    throw new Failure(400, `malformed JSON: ${(error as Error).message}`);
  }
}

function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match?.[1];
}

function describeViolations(body: unknown): string | undefined {
  const { valid, violations, truncated } = validateRequest(body);
  if (valid) return undefined;
  return violations.map((v) => `${v.pointer || '/'}: ${v.message}`).join('; ') + (truncated ? '; and more' : '');
}

/** `Prefer: code=...` / `example=...` ask for one of the spec's examples: Prism's job. */
const wantsExample = (prefer: string | undefined) => /\b(code|example)=/.test(prefer ?? '');

async function forwardToPrism(prism: PrismProcess, req: IncomingMessage, res: ServerResponse, body: unknown, format: Format): Promise<void> {
  await prism.ready;
  // Prism cannot read XML bodies; it gets the decoded request as JSON and picks the example.
  const headers: Record<string, string> = { 'Content-Type': 'application/json', Accept: MEDIA_TYPE[format], Prefer: header(req, 'prefer')! };
  if (req.headers.authorization) headers.Authorization = req.headers.authorization;
  const answer = await fetch(prism.url + req.url, { method: 'POST', headers, body: JSON.stringify(body) });
  const text = await answer.text();
  res.writeHead(answer.status, { 'Content-Type': answer.headers.get('content-type') ?? MEDIA_TYPE[format], 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

async function handle(prism: PrismProcess, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const { path, operationId } = routeOf(req.url);
  const requestFormat = formatOfContentType(req.headers['content-type']);
  if (!operationId) {
    return sendFailure(res, 'importAndStartBatch', new Failure(404, `no operation at ${path}; this mock serves ${[...routes.keys()].join(' and ')}`), requestFormat ?? 'json');
  }
  if (req.method !== 'POST') {
    res.setHeader('Allow', 'POST');
    return sendFailure(res, operationId, new Failure(405, `${req.method} is not supported; use POST`), requestFormat ?? 'json');
  }
  const read = await readBody(req, MAX_BODY_BYTES);
  if (!read.ok) {
    // Answer at once and stop reading, as the platform does; close the connection once the
    // answer is out (or a second later at most) so the rest of the upload is never read.
    res.setHeader('Connection', 'close');
    res.once('finish', () => setTimeout(() => req.socket.destroy(), 1000).unref());
    return sendFailure(res, operationId, new Failure(400, BODY_TOO_LARGE_DEBUG), requestFormat ?? 'json');
  }
  let format = requestFormat ?? 'json';
  try {
    if (!requestFormat) {
      throw new Failure(400, `unsupported Content-Type "${req.headers['content-type'] ?? ''}": send application/json or application/xml`);
    }
    const body = parse(read.bytes, requestFormat);
    if (!isObject(body)) throw new Failure(400, '/: must be an object');
    if (body.format === 'json' || body.format === 'xml') format = body.format;
    const token = bearerToken(header(req, 'authorization')) ?? (typeof body.token === 'string' && body.token !== '' ? body.token : undefined);
    if (!token) throw new Failure(401, 'no API token: send it as the body field `token` or as `Authorization: Bearer <token>`');
    const violations = describeViolations(body);
    if (violations) throw new Failure(400, violations);
    if (wantsExample(header(req, 'prefer'))) return await forwardToPrism(prism, req, res, body, format);
    send(res, operationId, 200, answerFor(operationId, body as Parameters<typeof answerFor>[1]), format);
  } catch (error) {
    if (error instanceof Failure) return sendFailure(res, operationId, error, format);
    throw error;
  }
}

/** Starts the mock on 127.0.0.1 and Prism behind it; resolves once the mock listens. */
export async function startMock(options: MockOptions = {}): Promise<RunningMock> {
  const prism = await startPrism('mock');
  const server: Server = createServer((req, res) => {
    handle(prism, req, res).catch((error: Error) => {
      if (res.headersSent) return res.destroy();
      sendFailure(res, 'importAndStartBatch', new Failure(500, `the mock failed: ${error.message}`), 'json');
    });
  });
  return serve(server, prism, options);
}
