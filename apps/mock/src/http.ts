import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { MAX_BODY_BYTES, operations, type OperationId } from '@altcraft-api/contract';
import { answerThenDiscard, DEFAULT_DISCARD, type DiscardLimits } from './body.js';
import { MAX_TIMER_MS } from './faults.js';
import type { PrismProcess } from './prism.js';

export type { BodyFormat as Format } from '@altcraft-api/contract';

export interface RunningMock {
  /** Origin of the mock, e.g. http://127.0.0.1:4010 */
  url: string;
  /** The API root clients use: `${url}/api/v1.1` */
  baseUrl: string;
  /** Resolves when Prism (which serves `Prefer` requests, or proxies) is up. */
  prismReady: Promise<void>;
  /** Stops the server and Prism behind it. */
  close(): Promise<void>;
}

/** The contract's operations by path (`/api/v1.1/workflows/import_and_start_batch`). */
export const routes = new Map<string, OperationId>(Object.values(operations).map((operation) => [operation.path, operation.operationId]));

/** The operation a request URL names, if any (query and trailing slash ignored). */
export function routeOf(url: string | undefined): { path: string; operationId: OperationId | undefined } {
  const path = new URL(url ?? '/', 'http://mock').pathname.replace(/\/+$/, '');
  return { path, operationId: routes.get(path) };
}

/** What one client can hold of the server; every limit has a default. */
export interface ResourceLimits {
  /** Connections open at once; a request on one more is answered 503 with Retry-After. Default 128. */
  maxConnections?: number;
  /** Request bodies being read or answered at once (each up to 10 MiB in memory); one more gets 503. Default 8. */
  maxUploads?: number;
  /**
   * Time to receive a whole request, headers and body, in ms, and the longest an answer may go
   * with no byte taken by the client (it is cut then). Default 60,000 (Node's is 300,000).
   */
  requestTimeoutMs?: number;
  /** Time to receive the request headers, in ms; at most requestTimeoutMs. Default 20,000. */
  headersTimeoutMs?: number;
  /** How much of an upload that will not be read is drained after the answer (see answerThenDiscard). */
  discard?: DiscardLimits;
}

export const DEFAULT_LIMITS = { maxConnections: 128, maxUploads: 8, requestTimeoutMs: 60_000, headersTimeoutMs: 20_000 } as const;

/** Seconds a client refused for load is told to wait. */
const RETRY_AFTER_SECONDS = 1;

const envelope = (status: number, errorText: string, debug: string) => JSON.stringify({ error: status, error_text: errorText, error_debug: debug });

/**
 * How long a client may take to read an answer that ends its connection. end() only half-closes
 * (the server is allowHalfOpen), and a connection holds its slot until it closes: a client that
 * ignores the FIN would hold it forever.
 */
export const CLOSE_GRACE_MS = 2000;

/** An answer written straight to a socket the HTTP parser gave up on (nothing else was sent on it). */
function rawAnswer(socket: Socket, status: number, reason: string, body: string): void {
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
  const timer = setTimeout(() => socket.destroy(), CLOSE_GRACE_MS).unref();
  socket.once('close', () => clearTimeout(timer));
}

/**
 * Cuts the connection when its answer makes no progress for `ms`. Node's timeouts end once the
 * request is in, so a client that stops reading would hold its connection (and its slot, and a
 * proxied upstream) for good. Progress is bytes the kernel took: one large write shows Node no
 * socket activity (nor 'drain') until it is done, so an idle timeout cut a slow but steady
 * reader; and a total deadline cut a slow steady reader of a big answer while a streamed one,
 * never ended, was never cut at all. Acknowledged writes (bytesWritten less what is still
 * pending) grow as writes complete; within one write, libuv's queue shrinks as the kernel takes
 * it. An answer with nothing pending (not begun, or waiting on its source) is not the client's
 * doing and is not timed here.
 */
function cutWhenStalled(socket: Socket, res: ServerResponse, ms: number): void {
  const handle = (socket as Socket & { _handle?: { writeQueueSize?: number } | null })._handle;
  let acked = -1;
  let queued = 0;
  let since = performance.now();
  const timer = setInterval(
    () => {
      const pending = socket.writableLength;
      const nowAcked = socket.bytesWritten - pending;
      const nowQueued = handle?.writeQueueSize ?? 0;
      const moved = pending === 0 || nowAcked > acked || (nowAcked === acked && nowQueued < queued);
      acked = nowAcked;
      queued = nowQueued;
      const now = performance.now();
      if (moved) since = now;
      else if (now - since >= ms) socket.destroy();
    },
    Math.max(50, Math.min(1000, Math.floor(ms / 4))),
  ).unref();
  res.once('finish', () => clearInterval(timer));
  res.once('close', () => clearInterval(timer));
}

const hasBody = (req: IncomingMessage) => req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;

/**
 * An HTTP server that bounds what clients can hold: connections and uploads beyond the caps get
 * a 503 envelope with Retry-After (their uploads are drained, never kept), a request must arrive
 * within `requestTimeoutMs`, and an `Expect: 100-continue` request that will be refused (too
 * large, over a cap) gets its final answer instead of `100 Continue`, so the body is never sent.
 * Parse errors and timeouts are answered in the API's envelope rather than Node's bare status.
 */
export function createGuardedServer(handler: (req: IncomingMessage, res: ServerResponse) => void, limits: ResourceLimits = {}): Server {
  const maxConnections = limits.maxConnections ?? DEFAULT_LIMITS.maxConnections;
  const maxUploads = limits.maxUploads ?? DEFAULT_LIMITS.maxUploads;
  const requestTimeout = limits.requestTimeoutMs ?? DEFAULT_LIMITS.requestTimeoutMs;
  const headersTimeout = Math.min(limits.headersTimeoutMs ?? DEFAULT_LIMITS.headersTimeoutMs, requestTimeout);
  const discard = limits.discard ?? DEFAULT_DISCARD;
  for (const [name, ms] of [['requestTimeoutMs', requestTimeout], ['headersTimeoutMs', limits.headersTimeoutMs ?? headersTimeout]] as const) {
    // Node keeps them in ms; past its longest timer they are not honoured (the CLI refuses them too).
    if (!(Number.isInteger(ms) && ms >= 1 && ms <= MAX_TIMER_MS)) throw new RangeError(`${name} must be an integer from 1 to ${MAX_TIMER_MS}, not ${ms}`);
  }

  const server = createServer({
    requestTimeout,
    headersTimeout,
    // Node checks the timeouts every 30 s by default, which would stretch a short timeout.
    connectionsCheckingInterval: Math.max(100, Math.min(1000, Math.floor(headersTimeout / 4))),
  });
  let connections = 0;
  let uploads = 0;
  const overCap = new WeakSet<Socket>();
  const current = new WeakMap<Socket, ServerResponse>();

  server.on('connection', (socket: Socket) => {
    connections++;
    if (connections > maxConnections) overCap.add(socket);
    socket.once('close', () => connections--);
  });

  /** Why a request is refused before its body is read, if it is. */
  function refusal(req: IncomingMessage): { status: number; text: string; debug: string; retry?: boolean } | undefined {
    if (overCap.has(req.socket)) {
      return { status: 503, text: 'Service unavailable', debug: `the mock serves at most ${maxConnections} connections at once; retry later`, retry: true };
    }
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > MAX_BODY_BYTES) return undefined; // the handler answers this one as the platform does
    if (hasBody(req) && uploads >= maxUploads) {
      return { status: 503, text: 'Service unavailable', debug: `the mock reads at most ${maxUploads} request bodies at once; retry later`, retry: true };
    }
    return undefined;
  }

  function dispatch(req: IncomingMessage, res: ServerResponse): void {
    current.set(req.socket, res);
    cutWhenStalled(req.socket, res, requestTimeout);
    const refused = refusal(req);
    if (refused) {
      const headers = { 'Content-Type': 'application/json; charset=utf-8', ...(refused.retry ? { 'Retry-After': String(RETRY_AFTER_SECONDS) } : {}) };
      answerThenDiscard(req, res, refused.status, headers, envelope(refused.status, refused.text, refused.debug), discard);
      return;
    }
    const declared = Number(req.headers['content-length']);
    if (hasBody(req) && !(declared > MAX_BODY_BYTES)) {
      uploads++;
      res.once('close', () => uploads--);
    }
    handler(req, res);
  }

  server.on('request', dispatch);
  server.on('checkContinue', (req: IncomingMessage, res: ServerResponse) => {
    const declared = Number(req.headers['content-length']);
    const tooLarge = Number.isFinite(declared) && declared > MAX_BODY_BYTES;
    if (!tooLarge && !refusal(req)) res.writeContinue();
    dispatch(req, res);
  });
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => {
    const res = current.get(socket);
    if (!socket.writable || (res && res.headersSent && !res.writableFinished)) return void socket.destroy();
    if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
      return rawAnswer(socket, 408, 'Request Timeout', envelope(408, 'Request timeout', `the request did not arrive within ${requestTimeout} ms`));
    }
    if (error.code === 'HPE_HEADER_OVERFLOW') {
      return rawAnswer(socket, 431, 'Request Header Fields Too Large', envelope(431, 'Invalid request', 'the request headers are too large'));
    }
    if (error.code === 'ECONNRESET' || error.code === 'EPIPE') return void socket.destroy();
    rawAnswer(socket, 400, 'Bad Request', envelope(400, 'Invalid request', 'malformed HTTP request'));
  });
  return server;
}

/** Listens on `host:port` (127.0.0.1:4010 by default; port 0 picks a free one). */
/** Listens; `close()` stops the server, Prism and what else the server owns (its XML decoder). */
export async function serve(server: Server, prism: PrismProcess | undefined, options: { port?: number; host?: string }, owned: { close(): Promise<unknown> }[] = []): Promise<RunningMock> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 4010, options.host ?? '127.0.0.1', resolve);
  });
  const { port, address } = server.address() as AddressInfo;
  const url = `http://${address}:${port}`;
  return {
    url,
    baseUrl: `${url}/api/v1.1`,
    prismReady: prism?.ready ?? Promise.resolve(),
    close: async () => {
      server.closeAllConnections();
      await Promise.all([new Promise((resolve) => server.close(resolve)), prism?.stop()]);
      await Promise.all(owned.map((resource) => resource.close()));
    },
  };
}
