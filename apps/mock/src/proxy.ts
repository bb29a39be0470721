import type { IncomingMessage, ServerResponse } from 'node:http';
import { BODY_TOO_LARGE_DEBUG, MAX_BODY_BYTES, formatOfMediaType, requestXml, responseXml, validateRequest, validateResponse, type OperationId, type Violation } from '@altcraft-api/contract';
import { answerThenDiscard, DEFAULT_DISCARD, readBody } from './body.js';
import { createGuardedServer, routeOf, serve, type ResourceLimits, type RunningMock } from './http.js';

export interface ProxyOptions extends ResourceLimits {
  upstream: string;
  port?: number;
  host?: string;
  /** Where each exchange's violations are reported; stderr by default. */
  report?: (line: string) => void;
}

/** Prism's `sl-violations` entry. */
interface PrismViolation {
  location: string[];
  severity: string;
  code: string | number;
  message: string;
}

// Headers of one connection, not of the exchange (RFC 9110 7.6.1), plus `host` and the length
// fetch sets itself; `expect` belongs here too, and fetch refuses it outright.
const HOP_BY_HOP = new Set(['host', 'connection', 'content-length', 'transfer-encoding', 'keep-alive', 'expect', 'te', 'trailer', 'upgrade', 'proxy-connection', 'proxy-authorization', 'proxy-authenticate']);

function asPrismViolations(where: 'request' | 'response', violations: Violation[], severity = 'Error', code = 'contract'): PrismViolation[] {
  return violations.map((v) => ({
    location: [where, 'body', ...v.pointer.split('/').slice(1)],
    severity,
    code,
    message: v.message,
  }));
}

/**
 * The contract's own check of a body: Prism cannot parse XML requests, and its proxy does not
 * report response violations in `sl-violations` at all.
 */
function checkBody(where: 'request' | 'response', format: 'json' | 'xml', text: string, operationId: OperationId, status: number): PrismViolation[] {
  try {
    const codec = where === 'request' ? requestXml : responseXml(operationId, status);
    const body = format === 'xml' ? codec.decode(text) : JSON.parse(text);
    if (where === 'response') return asPrismViolations(where, validateResponse(operationId, status, body).violations);
    // The advice tier's warnings go along as Prism's 'Warning' severity: the platform accepts those bodies.
    const { violations, warnings } = validateRequest(body);
    return [...asPrismViolations(where, violations), ...asPrismViolations(where, warnings, 'Warning', 'advice')];
  } catch (error) {
    return [{ location: [where, 'body'], severity: 'Error', code: 'unreadable', message: (error as Error).message }];
  }
}

/**
 * Proxy mode: every request is forwarded to `upstream` and the answer comes back with an
 * `sl-violations` header (Prism's shape, so tools that read Prism's proxy read this one) listing
 * what breaks the contract in the request and in the answer, in JSON and XML. Each exchange with
 * violations is reported as one line.
 *
 * The proxy forwards by itself rather than through Prism's proxy: Prism follows the upstream's
 * redirects, Authorization header included, to any origin. A redirect is never followed here.
 */
export async function startProxy(options: ProxyOptions): Promise<RunningMock> {
  const report = options.report ?? ((line: string) => process.stderr.write(`${line}\n`));
  const upstream = new URL(options.upstream);
  if (upstream.protocol !== 'http:' && upstream.protocol !== 'https:') throw new Error(`--upstream must be an http(s) URL, not "${options.upstream}"`);
  const upstreamBase = upstream.href.replace(/\/+$/, '');

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const { path, operationId } = routeOf(req.url);
    const read = await readBody(req, MAX_BODY_BYTES);
    if (!read.ok) {
      if (read.reason === 'gone') return;
      report(`${req.method} ${path}: body over ${MAX_BODY_BYTES} bytes, not forwarded`);
      // The platform's own answer to such a body, so a client behind the proxy sees what it would see.
      const body = JSON.stringify({ error: 400, error_text: 'Invalid request', error_debug: BODY_TOO_LARGE_DEBUG });
      answerThenDiscard(req, res, 400, { 'Content-Type': 'application/json' }, body, options.discard ?? DEFAULT_DISCARD);
      return;
    }
    const headers = Object.fromEntries(Object.entries(req.headers).filter(([name]) => !HOP_BY_HOP.has(name))) as Record<string, string>;
    // The path only: an absolute-form request target must not choose where the request goes.
    const query = new URL(req.url ?? '/', 'http://proxy').search;
    const target = upstreamBase + path + query;
    const answer = await fetch(target, {
      method: req.method,
      headers,
      body: req.method === 'GET' || req.method === 'HEAD' ? undefined : read.bytes,
      redirect: 'manual',
    });
    const text = await answer.text();
    if (answer.status >= 300 && answer.status < 400) {
      const location = answer.headers.get('location') ?? '(no Location header)';
      const debug = `the upstream answered ${answer.status} redirecting to ${location}; the proxy does not follow redirects (the token would go along); if that address is the platform, pass it as --upstream`;
      report(`${req.method} ${path} -> ${answer.status}: ${debug}`);
      const body = JSON.stringify({ error: 502, error_text: 'Bad gateway', error_debug: debug });
      res.writeHead(502, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) }).end(body);
      return;
    }
    const violations: PrismViolation[] = [];
    const requestFormat = formatOfMediaType(req.headers['content-type']);
    const responseFormat = formatOfMediaType(answer.headers.get('content-type'));
    if (operationId && requestFormat) violations.push(...checkBody('request', requestFormat, read.bytes.toString('utf8'), operationId, 0));
    if (operationId && responseFormat) violations.push(...checkBody('response', responseFormat, text, operationId, answer.status));
    const responseHeaders: Record<string, string> = {};
    answer.headers.forEach((value, name) => {
      if (!HOP_BY_HOP.has(name) && name !== 'sl-violations' && name !== 'content-encoding') responseHeaders[name] = value;
    });
    if (violations.length > 0) {
      responseHeaders['sl-violations'] = JSON.stringify(violations);
      report(`${req.method} ${path} -> ${answer.status}: ${violations.map((v) => `${v.location.join('.')}: ${v.message}`).join('; ')}`);
    }
    res.writeHead(answer.status, { ...responseHeaders, 'Content-Length': Buffer.byteLength(text) });
    res.end(text);
  }

  const server = createGuardedServer((req, res) => {
    handle(req, res).catch((error: Error) => {
      report(`${req.method} ${routeOf(req.url).path}: proxy failure: ${error.message}${(error.cause as NodeJS.ErrnoException | undefined)?.code ? ` (${(error.cause as NodeJS.ErrnoException).code})` : ''}`);
      if (res.headersSent) return void res.destroy();
      const body = JSON.stringify({ error: 502, error_text: 'Bad gateway', error_debug: 'the upstream could not be reached or did not answer; see the proxy log' });
      res.writeHead(502, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) }).end(body);
    });
  }, options);
  return serve(server, undefined, options);
}
