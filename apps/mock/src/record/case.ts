import type { OperationId } from '@altcraft-api/contract';
import { isControlField, learnXmlRequest, mapJson, mapXml, REDACTED, Scrubber, tokensOf, type ValueMode } from './scrub.js';

/** The version of the case file format; the report and replay refuse another. */
export const CASE_FORMAT = 1;

/** A problem the contract found in one body: where, and what. */
export interface CaseProblem {
  pointer: string;
  message: string;
}

export interface CaseVerdict {
  violations: CaseProblem[];
  warnings: CaseProblem[];
}

/** One recorded exchange, as written to its file (JSON). */
export interface CaseFile {
  altcraftCase: typeof CASE_FORMAT;
  recordedAt: string;
  /** Whether profile values are placeholders or kept (`--record-values`). */
  values: ValueMode;
  operation: OperationId | null;
  method: string;
  path: string;
  /** The URL's query parameters; a `token` is always `[redacted]`. */
  query: Record<string, string>;
  request: CaseBody;
  answer: CaseBody & { status: number; statusText: string; complete: boolean };
  timing: { upstreamHeadersMs: number; totalMs: number };
  verdict: { request: CaseVerdict; answer: CaseVerdict };
}

export interface CaseBody {
  /** `json` or `xml` from the Content-Type, or null. */
  format: 'json' | 'xml' | null;
  /** Values of the headers kept (scrubbed) by lower-case name. */
  headers: Record<string, string>;
  /** Every header name that came, lower case, sorted. */
  headerNames: string[];
  /** The body in its own encoding (XML stays XML), scrubbed; null when it was not held. */
  body: string | null;
  /** The body's length as it came, in bytes. */
  bytes: number;
}

/** What the proxy saw of one exchange, unscrubbed; never written as is. */
export interface Exchange {
  operation: OperationId | undefined;
  method: string;
  url: string;
  requestHeaders: Record<string, string | string[] | undefined>;
  requestFormat: 'json' | 'xml' | undefined;
  requestBytes: Buffer;
  status: number;
  statusText: string;
  answerHeaders: Headers;
  answerFormat: 'json' | 'xml' | undefined;
  /** The answer's bytes, or undefined when it was over the cap and passed on unheld. */
  answerBytes: Buffer | undefined;
  answerLength: number;
  startedAt: number;
  headersAt: number;
  endedAt: number;
  /** The proxy's findings: location[0] is request or response, severity Error or Warning. */
  problems: { location: string[]; severity: string; message: string }[];
}

// Request headers whose values say how the body was sent; the rest are kept by name only
// (Authorization, cookies and any custom header may hold a secret).
const REQUEST_HEADER_VALUES = new Set(['content-type', 'accept', 'prefer', 'content-length', 'user-agent']);
// Answer headers that carry a credential of their own: kept by name only.
const SECRET_ANSWER_HEADERS = new Set(['set-cookie', 'authorization', 'www-authenticate', 'proxy-authenticate']);

const headerText = (value: string | string[] | undefined) => (Array.isArray(value) ? value.join(', ') : (value ?? ''));

/** A Location without user info, query or fragment (a token may ride in `?token=`). */
function locationPath(location: string): string {
  try {
    const url = new URL(location, 'http://upstream');
    return url.origin === 'http://upstream' ? url.pathname : url.origin + url.pathname;
  } catch {
    return '(not a URL)';
  }
}

/** A body, scrubbed in its own encoding; the request's also teaches the scrubber its values. */
function scrubBody(scrubber: Scrubber, side: 'request' | 'answer', format: 'json' | 'xml' | undefined, text: string): string {
  const leaf = side === 'request' ? scrubber.requestValue.bind(scrubber) : scrubber.answerValue.bind(scrubber);
  // A request's field names are the client's schema, kept (the token aside); an answer's may echo values.
  const keyOf = side === 'request' ? (key: string) => scrubber.token(key) : (key: string) => scrubber.answerKey(key);
  if (format !== 'xml') {
    try {
      const value: unknown = JSON.parse(text);
      if (side === 'request') scrubber.learnRequest(value);
      return JSON.stringify(mapJson(value, leaf, keyOf));
    } catch {
      // Not JSON: an unreadable request keeps only its form; an answer (an HTML error page) its words.
      return side === 'request' && scrubber.mode === 'placeholders' ? String(scrubber.requestValue(undefined, scrubber.token(text))) : scrubber.text(text);
    }
  }
  if (side === 'request') learnXmlRequest(scrubber, text);
  return mapXml(text, (key, value) => String(leaf(key, value)), keyOf);
}

function verdictOf(scrubber: Scrubber, problems: Exchange['problems'], where: string): CaseVerdict {
  const pick = (severity: string) =>
    problems
      .filter((p) => p.location[0] === where && p.severity === severity)
      .map((p) => ({ pointer: pointerOf(scrubber, where, p.location.slice(2)), message: scrubber.token(p.message) }));
  return { violations: pick('Error'), warnings: pick('Warning') };
}

/**
 * A violation's pointer, each step as the case's body writes it: the contract's words (our
 * validators' pointers and messages) are not profile values, and through the value scrubber a
 * profile value `Data` made `/data/0/email` read `/xxxx/0/email`. A request keeps its keys (the
 * token aside); an answer's key may echo a value and is scrubbed as the body's key is.
 */
function pointerOf(scrubber: Scrubber, where: string, steps: string[]): string {
  const step = (key: string) => (/^\d+$/.test(key) ? key : where === 'request' ? scrubber.token(key) : scrubber.answerKey(key));
  return steps.map((key) => `/${step(key)}`).join('');
}

/**
 * The query as the case keeps it: names kept (the token aside), a control parameter's value kept,
 * others scrubbed. A repeated name keeps its FIRST value, the one the mock reads (request-url.ts,
 * URLSearchParams.get): the last one made `?format=xml&format=json` a recorded JSON request.
 */
function queryOf(scrubber: Scrubber, params: URLSearchParams): Record<string, string> {
  const query: Record<string, string> = {};
  for (const [name, value] of params) {
    const key = scrubber.token(name);
    if (Object.hasOwn(query, key)) continue;
    const kept = name.toLowerCase() === 'token' ? REDACTED : isControlField(name) ? scrubber.token(value) : scrubber.text(value);
    Object.defineProperty(query, key, { value: kept, enumerable: true, writable: true, configurable: true });
  }
  return query;
}

/** The case file of one exchange: the token gone everywhere, profile values as `mode` says. */
export function caseOf(exchange: Exchange, mode: ValueMode): CaseFile {
  const requestText = exchange.requestBytes.toString('utf8');
  const scrubber = new Scrubber(tokensOf(headerText(exchange.requestHeaders.authorization), exchange.url, requestText, exchange.requestHeaders), mode);
  const requestBody = scrubBody(scrubber, 'request', exchange.requestFormat, requestText);
  const url = new URL(exchange.url, 'http://proxy');
  const query = queryOf(scrubber, url.searchParams);
  const requestHeaders: Record<string, string> = {};
  for (const name of REQUEST_HEADER_VALUES) if (exchange.requestHeaders[name] !== undefined) requestHeaders[name] = scrubber.text(headerText(exchange.requestHeaders[name]));
  const answerHeaders: Record<string, string> = {};
  exchange.answerHeaders.forEach((value, name) => {
    if (!SECRET_ANSWER_HEADERS.has(name)) answerHeaders[scrubber.text(name)] = scrubber.text(name === 'location' ? locationPath(value) : value);
  });
  return {
    altcraftCase: CASE_FORMAT,
    recordedAt: new Date(exchange.startedAt).toISOString(),
    values: mode,
    operation: exchange.operation ?? null,
    method: exchange.method,
    path: scrubber.text(url.pathname),
    query,
    request: {
      format: exchange.requestFormat ?? null,
      headers: requestHeaders,
      headerNames: Object.keys(exchange.requestHeaders).map((name) => scrubber.text(name.toLowerCase())).sort(),
      body: requestBody,
      bytes: exchange.requestBytes.length,
    },
    answer: {
      status: exchange.status,
      statusText: scrubber.text(exchange.statusText),
      complete: exchange.answerBytes !== undefined,
      format: exchange.answerFormat ?? null,
      headers: answerHeaders,
      headerNames: [...exchange.answerHeaders.keys()].map((name) => scrubber.text(name)).sort(),
      body: exchange.answerBytes === undefined ? null : scrubBody(scrubber, 'answer', exchange.answerFormat, exchange.answerBytes.toString('utf8')),
      bytes: exchange.answerLength,
    },
    timing: { upstreamHeadersMs: exchange.headersAt - exchange.startedAt, totalMs: exchange.endedAt - exchange.startedAt },
    verdict: { request: verdictOf(scrubber, exchange.problems, 'request'), answer: verdictOf(scrubber, exchange.problems, 'response') },
  };
}

/**
 * What a log line about one exchange goes through: the token removed always, and profile values
 * too when recording with placeholders (a violation's pointer can name a field the upstream made
 * of a value).
 */
export function lineScrubber(authorization: string | string[] | undefined, url: string | undefined, body: string, format: 'json' | 'xml' | undefined, mode: ValueMode, headers: Record<string, string | string[] | undefined> = {}): Scrubber {
  const scrubber = new Scrubber(tokensOf(Array.isArray(authorization) ? authorization.join(', ') : authorization, url, body, headers), mode);
  if (mode === 'kept') return scrubber;
  if (format === 'xml') learnXmlRequest(scrubber, body);
  else {
    try {
      scrubber.learnRequest(JSON.parse(body));
    } catch {
      // Not JSON: no values to learn; the token is still removed.
    }
  }
  return scrubber;
}
