import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { MAX_BODY_BYTES, requestXml, responseXml, validateRequest, validateResponse, type OperationId, type Violation } from '@altcraft-api/contract';
import { readBody } from './body.js';
import { startPrism } from './prism.js';
import { formatOfContentType, routeOf, serve, type RunningMock } from './http.js';

export interface ProxyOptions {
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

const HOP_BY_HOP = new Set(['host', 'connection', 'content-length', 'transfer-encoding', 'keep-alive']);

function asPrismViolations(where: 'request' | 'response', violations: Violation[]): PrismViolation[] {
  return violations.map((v) => ({
    location: [where, 'body', ...v.pointer.split('/').slice(1)],
    severity: 'Error',
    code: 'contract',
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
    const { violations } = where === 'request' ? validateRequest(body) : validateResponse(operationId, status, body);
    return asPrismViolations(where, violations);
  } catch (error) {
    return [{ location: [where, 'body'], severity: 'Error', code: 'unreadable', message: (error as Error).message }];
  }
}

/**
 * Proxy mode: every request goes through Prism's proxy to `upstream` (which checks JSON
 * requests), and the answer comes back with Prism's `sl-violations` header, completed with the
 * contract's checks of XML requests and of every answer. Each exchange with violations is
 * reported as one line.
 */
export async function startProxy(options: ProxyOptions): Promise<RunningMock> {
  const report = options.report ?? ((line: string) => process.stderr.write(`${line}\n`));
  const prism = await startPrism('proxy', options.upstream);

  async function handle(req: IncomingMessage, res: ServerResponse) {
    await prism.ready;
    const { path, operationId } = routeOf(req.url);
    const read = await readBody(req, MAX_BODY_BYTES);
    if (!read.ok) {
      report(`${req.method} ${path}: body over ${MAX_BODY_BYTES} bytes, not forwarded`);
      res.writeHead(413, { Connection: 'close' }).end();
      return;
    }
    const headers = Object.fromEntries(Object.entries(req.headers).filter(([name]) => !HOP_BY_HOP.has(name))) as Record<string, string>;
    const answer = await fetch(prism.url + req.url, {
      method: req.method,
      headers,
      body: req.method === 'GET' || req.method === 'HEAD' ? undefined : read.bytes,
    });
    const text = await answer.text();
    let violations: PrismViolation[] = JSON.parse(answer.headers.get('sl-violations') ?? '[]');
    const requestFormat = formatOfContentType(req.headers['content-type']);
    const responseFormat = formatOfContentType(answer.headers.get('content-type') ?? undefined);
    if (operationId && requestFormat === 'xml') {
      violations = violations.filter((v) => !(v.location[0] === 'request' && v.location[1] === 'body'));
      violations.push(...checkBody('request', 'xml', read.bytes.toString('utf8'), operationId, 0));
    }
    if (operationId && responseFormat) {
      violations = violations.filter((v) => !(v.location[0] === 'response' && v.location[1] === 'body'));
      violations.push(...checkBody('response', responseFormat, text, operationId, answer.status));
    }
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

  const server = createServer((req, res) => {
    handle(req, res).catch((error: Error) => {
      report(`${req.method} ${req.url}: proxy failure: ${error.message}`);
      if (!res.headersSent) res.writeHead(502, { 'Content-Type': 'application/json' }).end(JSON.stringify({ error: 502, error_text: 'Bad gateway', error_debug: error.message }));
      else res.destroy();
    });
  });
  return serve(server, prism, options);
}
