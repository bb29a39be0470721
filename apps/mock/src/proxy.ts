import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { BODY_TOO_LARGE_DEBUG, MAX_ANSWER_BYTES, MAX_BODY_BYTES, formatOfMediaType, validateRequest, validateResponse, validateTaskStatusRequest, type OperationId, type Violation } from '@altcraft-api/contract';
import { answerThenDiscard, DEFAULT_DISCARD, readBody, type DiscardLimits } from './body.js';
import { createGuardedServer, DEFAULT_LIMITS, routeOf, serve, type ResourceLimits, type RunningMock } from './http.js';
import { asciiJson, clip, HEADER_WARNINGS } from './warnings.js';
import { XmlDecoder, type Decoded } from './xml-decoder.js';
import { lineScrubber, Recorder, type RecordOptions } from './record/recorder.js';
import type { Exchange } from './record/case.js';
import { placeholderText, Scrubber, tokensOf as requestTokens, type ValueMode } from './record/scrub.js';
import { Journal, noteAnswerText, noteCheck, noteRequest } from './journal.js';
import { handleAdmin } from './admin.js';

/**
 * The most of an upstream answer the proxy holds to validate and record it, the client's own cap
 * (MAX_ANSWER_BYTES, defined with the contract): a longer answer is passed on as it arrives,
 * unvalidated, so one answer of gigabytes cannot take the proxy's memory.
 */
export { MAX_ANSWER_BYTES };

export interface ProxyOptions extends ResourceLimits {
  upstream: string;
  port?: number;
  host?: string;
  /** Where each exchange's violations are reported; stderr by default. */
  report?: (line: string) => void;
  /** The longest answer validated; MAX_ANSWER_BYTES by default. */
  maxAnswerBytes?: number;
  /** Record each exchange as a case file (`--record DIR`); see record/recorder.ts. */
  record?: RecordOptions;
  /** Exchanges the request journal keeps (`--journal`); by default 0, none: the proxy keeps no journal unless asked. */
  journalSize?: number;
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

// A JSON pointer's tokens as the names they stand for (RFC 6901: ~1 is '/', ~0 is '~').
const tokensOf = (pointer: string) => pointer.split('/').slice(1).map((token) => token.replaceAll('~1', '/').replaceAll('~0', '~'));

function asPrismViolations(where: 'request' | 'response', violations: Violation[], severity = 'Error', code = 'contract'): PrismViolation[] {
  return violations.map((v) => ({
    location: [where, 'body', ...tokensOf(v.pointer)],
    severity,
    code,
    message: v.message,
  }));
}

const unreadable = (where: 'request' | 'response', message: string): PrismViolation[] => [{ location: [where, 'body'], severity: 'Error', code: 'unreadable', message }];

/**
 * A body's value, or why it cannot be read. XML is decoded on the decoder's thread: a 10 MiB
 * body built to be slow took the reader 0.4-1.4 s, and on the main thread every other exchange
 * waited for it. `answer` names the operation and status whose answer it is; a request without.
 */
async function bodyValue(format: 'json' | 'xml', text: string, xml: XmlDecoder, answer?: { operationId: OperationId; status: number }, request?: OperationId): Promise<Decoded> {
  if (format === 'xml') return xml.decode(text, answer, request).catch((error: Error) => ({ ok: false, refusal: error.message }));
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    return { ok: false, refusal: notJson(text, error as Error) };
  }
}

/**
 * Why a body is not JSON, quoting none of it: JSON.parse's message quotes the text around the
 * error (`..."name":Alice Smit"...`), which reached the log and the case file, values and all.
 */
export function notJson(text: string, error: Error): string {
  if (error instanceof RangeError) return 'not JSON that can be read (nested deeper than the stack)';
  if (text.trim() === '' || /end of JSON input/.test(error.message)) return `not JSON: it ends at byte ${Buffer.byteLength(text)} before its value does`;
  const at = jsonErrorAt(text, error.message);
  return at === undefined ? 'not JSON' : `not JSON at byte ${Buffer.byteLength(text.slice(0, at))}`;
}

/**
 * Where JSON.parse stopped: its `position N`, or, for `Unexpected token 'A', ..."snippet"...`,
 * where V8's snippet (10 characters of context before the token when it is cut) lies in the text.
 */
function jsonErrorAt(text: string, message: string): number | undefined {
  const position = /position (\d+)/.exec(message)?.[1];
  if (position !== undefined) return Number(position);
  const quoted = /^Unexpected token '([\s\S]+?)', (\.\.\.)?"([\s\S]*?)"(?:\.\.\.)? is not valid JSON$/.exec(message);
  if (!quoted) return undefined;
  const [, token, cut, snippet] = quoted;
  const at = text.indexOf(snippet!);
  if (at < 0) return undefined;
  return at + (cut ? 10 : Math.max(0, snippet!.indexOf(token!)));
}

/** The contract's own check of a request body: Prism cannot parse XML requests. */
async function checkRequest(format: 'json' | 'xml', text: string, xml: XmlDecoder, operationId: OperationId, res: ServerResponse): Promise<PrismViolation[]> {
  const body = await bodyValue(format, text, xml, undefined, operationId);
  if (!body.ok) return unreadable('request', body.refusal);
  // The advice tier's warnings go along as Prism's 'Warning' severity: the platform accepts those bodies.
  const validate = operationId === 'getTaskStatus' ? validateTaskStatusRequest : validateRequest;
  const { violations, warnings } = validate(body.value);
  noteRequest(res, format, body.value, text.length);
  noteCheck(res, violations, warnings, warnings.length);
  return [...asPrismViolations('request', violations), ...asPrismViolations('request', warnings, 'Warning', 'advice')];
}

/** The contract's check of an answer (up to the validation cap): Prism's proxy does not report response violations at all. */
async function checkResponse(format: 'json' | 'xml', text: string, operationId: OperationId, status: number, xml: XmlDecoder): Promise<PrismViolation[]> {
  const body = await bodyValue(format, text, xml, { operationId, status });
  if (!body.ok) return unreadable('response', body.refusal);
  // As for requests: an answer's advice (a field the pages do not list, an id of another form) is
  // a 'Warning', never a violation (spec/DECISIONS.md row 30).
  const { violations, warnings } = validateResponse(operationId, status, body.value);
  return [...asPrismViolations('response', violations), ...asPrismViolations('response', warnings, 'Warning', 'advice')];
}

/**
 * Why `text` cannot be the upstream, or undefined. The message repeats none of `text`: it may
 * hold a password.
 */
export function upstreamProblem(text: string): string | undefined {
  const form = 'give it as http(s)://host[:port][/path]';
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return `--upstream is not a URL; ${form}`;
  }
  if (url.username !== '' || url.password !== '') {
    return (
      '--upstream must not carry credentials (user:password@): fetch refuses such a URL, and logs would show them. ' +
      "Give the address alone: the proxy forwards each request's Authorization header, so let the client send them " +
      '(Authorization: Basic <base64 of user:password>, or Bearer <token>)'
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return `--upstream must be an http(s) URL; ${form}`;
  return undefined;
}

/**
 * A redirect's target as the log and the client may see it: without credentials, query or
 * fragment (a token may ride in `?token=`).
 */
function shownLocation(location: string | null, base: string): string {
  if (location === null) return '(no Location header)';
  try {
    const url = new URL(location, base);
    url.username = '';
    url.password = '';
    url.search = '';
    url.hash = '';
    return url.href;
  } catch {
    return '(a Location that is not a URL)';
  }
}

/**
 * The violations as headers: Prism's `sl-violations` in ASCII (field names are often Cyrillic),
 * the first ten with their texts clipped (a client reads 16 KiB of headers at most), and the count.
 */
function violationHeaders(violations: PrismViolation[]): Record<string, string> {
  if (violations.length === 0) return {};
  const first = violations.slice(0, HEADER_WARNINGS).map((v) => ({ ...v, location: v.location.map(clip), message: clip(v.message) }));
  return { 'sl-violations': asciiJson(first), 'X-Altcraft-Proxy-Violation-Count': String(violations.length) };
}

/**
 * The head of a body: its chunks up to `cap` bytes (one chunk past it at most), and `more`, the
 * rest still to be read, when the body is longer.
 */
async function readHead(body: ReadableStream<Uint8Array> | null, cap: number, waited: Waited) {
  const chunks: Buffer[] = [];
  let size = 0;
  const more = body?.[Symbol.asyncIterator]();
  while (more !== undefined && size <= cap) {
    const next = await waited(more.next());
    if (next.done) break;
    chunks.push(Buffer.from(next.value.buffer, next.value.byteOffset, next.value.byteLength));
    size += next.value.byteLength;
  }
  return { chunks, size, more: size > cap ? more : undefined };
}

/** What the answer's headers become on the way back, without the proxy's own. */
function passedHeaders(answer: Response): Record<string, string> {
  const headers: Record<string, string> = {};
  answer.headers.forEach((value, name) => {
    if (!HOP_BY_HOP.has(name) && name !== 'sl-violations' && name !== 'x-altcraft-proxy-violation-count' && name !== 'content-encoding') headers[name] = value;
  });
  return headers;
}

/** Waits on the upstream for one step; the exchange is aborted when it takes too long. */
type Waited = <T>(step: Promise<T>) => Promise<T>;

/** Why an exchange was abandoned: its client left, so nothing is answered or reported. */
class ClientGone extends Error {}

/** Why an exchange was abandoned: the upstream sent nothing for a while. */
class UpstreamSilent extends Error {}

/**
 * The abort signal of one exchange with the upstream. It fires when the client leaves, before or
 * during its answer: the upstream's answer was otherwise read on, up to 32 MiB of it held, for no
 * one, and such requests count against no --max-connections (24 clients that hung up at once,
 * one connection at a time, grew the proxy by 370 MiB). It fires too when one wait on the
 * upstream (its headers, or the next piece of its answer) lasts `ms`: fetch's own limits are
 * 300 s each, five times the default --request-timeout, with a connection slot held all along.
 * Only waits are timed: an answer streamed to a slow client is not read while the client
 * catches up, and that is the client's timer's job.
 */
function upstreamExchange(res: ServerResponse, ms: number): { signal: AbortSignal; waited: Waited } {
  const controller = new AbortController();
  res.once('close', () => controller.abort(new ClientGone('the client left')));
  const waited: Waited = async (step) => {
    const timer = setTimeout(() => controller.abort(new UpstreamSilent(`the upstream sent nothing for ${ms} ms`)), ms);
    try {
      return await step;
    } finally {
      clearTimeout(timer);
    }
  };
  return { signal: controller.signal, waited };
}

/**
 * A request's path as a log line may show it when its body was not read: an operation's path is
 * the contract's, any other loses the token and becomes the placeholder of itself (a path may
 * name a profile, `/workflows/alice.smith@example.com`).
 */
function shownPath(url: string | undefined, headers: IncomingMessage['headers']): string {
  const { path, operationId } = routeOf(url);
  if (operationId) return path;
  return placeholderText(new Scrubber(requestTokens(headers.authorization, url, '', headers), 'kept').token(path));
}

const envelope = (status: number, text: string, debug: string) => JSON.stringify({ error: status, error_text: text, error_debug: debug });

function answerEnvelope(res: ServerResponse, status: 502 | 504, debug: string): void {
  const body = envelope(status, status === 502 ? 'Bad gateway' : 'Gateway timeout', debug);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) }).end(body);
}

/**
 * The rest of an answer longer than the proxy holds, passed on as it arrives: chunks are let go as
 * they are written, so no more than the head is ever held. The bytes passed on, for the record.
 */
async function passOn(head: Awaited<ReturnType<typeof readHead>>, waited: Waited, res: ServerResponse): Promise<number> {
  const more = head.more!;
  const rest = async function* () {
    try {
      while (head.chunks.length > 0) yield head.chunks.shift()!;
      for (let next = await waited(more.next()); !next.done; next = await waited(more.next())) yield next.value;
    } finally {
      // A client gone mid-answer: the upstream's answer is not read further.
      await more.return?.();
    }
  };
  let length = 0;
  const counted = async function* () {
    for await (const chunk of rest()) {
      length += chunk.byteLength;
      yield chunk;
    }
  };
  await pipeline(Readable.from(counted()), res);
  return length;
}

/**
 * Log lines lose the token (and, when recording with placeholders, profile values): the
 * upstream's redirects, field names and texts can echo them. What the client gets loses the
 * token only, recording or not: recording never changes the exchange (placeholders in
 * sl-violations turned /data/0/email into /xxxx/0/xxxxx). Each scrubber is built on first use.
 */
function exchangeScrubbers(req: IncomingMessage, bytes: Buffer, requestFormat: 'json' | 'xml' | undefined, recording: ValueMode | undefined) {
  const scrubberOf = (mode: ValueMode) => lineScrubber(req.headers.authorization, req.url, bytes.toString('utf8'), requestFormat, mode, req.headers);
  let scrubber: Scrubber | undefined;
  let tokenScrubber: Scrubber | undefined;
  return {
    scrub: (line: string) => (scrubber ??= scrubberOf(recording ?? 'kept')).text(line),
    scrubToken: (line: string) => (tokenScrubber ??= recording === 'placeholders' ? scrubberOf('kept') : (scrubber ??= scrubberOf('kept'))).text(line),
  };
}

/** What every exchange of one proxy shares. */
interface ProxyContext {
  report: (line: string) => void;
  upstreamBase: string;
  /** The longest answer held and validated. */
  cap: number;
  /** How long the upstream may stay silent. */
  silence: number;
  xml: XmlDecoder;
  recorder?: Recorder;
  discard: DiscardLimits;
}

async function handle(context: ProxyContext, req: IncomingMessage, res: ServerResponse) {
  const { report, upstreamBase, cap, silence, xml, recorder } = context;
  const { path, operationId } = routeOf(req.url);
  const read = await readBody(req, MAX_BODY_BYTES);
  if (!read.ok) {
    if (read.reason === 'gone') return;
    report(`${req.method} ${shownPath(req.url, req.headers)}: body over ${MAX_BODY_BYTES} bytes, not forwarded`);
    // The platform's own answer to such a body, so a client behind the proxy sees what it would see.
    const body = envelope(400, 'Invalid request', BODY_TOO_LARGE_DEBUG);
    answerThenDiscard(req, res, 400, { 'Content-Type': 'application/json' }, body, context.discard);
    return;
  }
  const requestFormat = formatOfMediaType(req.headers['content-type']);
  const startedAt = Date.now();
  const { scrub, scrubToken } = exchangeScrubbers(req, read.bytes, requestFormat, recorder?.mode);
  const say = (line: string) => report(scrub(line));
  // Checked while the upstream answers; the check never rejects.
  const requestCheck = operationId && requestFormat ? checkRequest(requestFormat, read.bytes.toString('utf8'), xml, operationId, res) : Promise.resolve([]);
  const { signal, waited } = upstreamExchange(res, silence);
  const headers = Object.fromEntries(Object.entries(req.headers).filter(([name]) => !HOP_BY_HOP.has(name))) as Record<string, string>;
  // The path only: an absolute-form request target must not choose where the request goes.
  const query = new URL(req.url ?? '/', 'http://proxy').search;
  const target = upstreamBase + path + query;
  let answer: Response;
  try {
    answer = await waited(fetch(target, { method: req.method, headers, body: req.method === 'GET' || req.method === 'HEAD' ? undefined : read.bytes, redirect: 'manual', signal }));
  } catch (error) {
    if (signal.aborted) throw signal.reason;
    const code = ((error as Error).cause as NodeJS.ErrnoException | undefined)?.code;
    say(`${req.method} ${path}: the upstream could not be reached: ${(error as Error).message}${code ? ` (${code})` : ''}`);
    return answerEnvelope(res, 502, 'the upstream could not be reached; see the proxy log');
  }
  const headersAt = Date.now();
  const recordAs = (answerBytes: Buffer | undefined, answerLength: number, problems: PrismViolation[]) => {
    if (!recorder) return;
    const exchange: Exchange = { operation: operationId, method: req.method ?? 'GET', url: req.url ?? '/', requestHeaders: req.headers, requestFormat, requestBytes: read.bytes, status: answer.status, statusText: answer.statusText, answerHeaders: answer.headers, answerFormat: formatOfMediaType(answer.headers.get('content-type')), answerBytes, answerLength, startedAt, headersAt, endedAt: Date.now(), problems };
    recorder.record(exchange);
  };
  if (answer.status >= 300 && answer.status < 400) {
    await answer.body?.cancel();
    const debug = scrubToken(`the upstream answered ${answer.status} redirecting to ${shownLocation(answer.headers.get('location'), target)}; the proxy does not follow redirects (the token would go along); if that address is the platform, pass it as --upstream`);
    say(`${req.method} ${path} -> ${answer.status}: ${debug}`);
    answerEnvelope(res, 502, debug);
    return recordAs(Buffer.alloc(0), 0, await requestCheck);
  }
  const head = await readHead(answer.body, cap, waited);
  const complete = head.more === undefined;
  const violations: PrismViolation[] = await requestCheck;
  const responseFormat = formatOfMediaType(answer.headers.get('content-type'));
  const exchange = `${req.method} ${path} -> ${answer.status}`;
  if (!complete) say(`${exchange}: the answer is over ${cap} bytes; passed on as it arrives, not validated`);
  else if (operationId && responseFormat) violations.push(...(await checkResponse(responseFormat, Buffer.concat(head.chunks).toString('utf8'), operationId, answer.status, xml)));
  // Said once the answer is on its way: with --record the line's scrub learns every profile
  // value of the request (100-300 ms for 10,000 profiles), which the answer must not wait for.
  const sayViolations = () => {
    if (violations.length === 0) return;
    const line = `${exchange}: ${violations.map((v) => `${v.location.join('.')}: ${v.message}`).join('; ')}`;
    if (recorder?.mode === 'placeholders') recorder.say({ url: req.url ?? '/', headers: req.headers, bytes: read.bytes, format: requestFormat }, line);
    else say(line);
  };
  const shown = violations.map((v) => ({ ...v, location: v.location.map(scrubToken), message: scrubToken(v.message) }));
  const responseHeaders = { ...passedHeaders(answer), ...violationHeaders(shown) };
  if (complete && operationId && responseFormat) noteAnswerText(res, operationId, answer.status, Buffer.concat(head.chunks).toString('utf8'), answer.headers.get('content-type')!);
  if (complete) {
    const body = Buffer.concat(head.chunks);
    res.writeHead(answer.status, { ...responseHeaders, 'Content-Length': head.size }).end(body);
    sayViolations();
    return recordAs(body, head.size, violations);
  }
  res.writeHead(answer.status, responseHeaders);
  sayViolations();
  const length = await passOn(head, waited, res);
  recordAs(undefined, length, violations);
}

/**
 * Proxy mode: every request is forwarded to `upstream` and the answer comes back with an
 * `sl-violations` header (Prism's shape, so tools that read Prism's proxy read this one) listing
 * what breaks the contract in the request and in the answer, in JSON and XML. Each exchange with
 * violations is reported as one line. An answer over `maxAnswerBytes` is passed on unvalidated.
 *
 * The proxy forwards by itself rather than through Prism's proxy: Prism follows the upstream's
 * redirects, Authorization header included, to any origin. A redirect is never followed here.
 */
export async function startProxy(options: ProxyOptions): Promise<RunningMock> {
  const report = options.report ?? ((line: string) => process.stderr.write(`${line}\n`));
  const problem = upstreamProblem(options.upstream);
  if (problem) throw new Error(problem);
  const upstreamBase = new URL(options.upstream).href.replace(/\/+$/, '');
  const cap = options.maxAnswerBytes ?? MAX_ANSWER_BYTES;
  const silence = options.requestTimeoutMs ?? DEFAULT_LIMITS.requestTimeoutMs;
  const xml = new XmlDecoder();
  const recorder = options.record ? new Recorder(options.record, report) : undefined;
  const journal = options.journalSize ? new Journal(options.journalSize) : undefined;
  const context: ProxyContext = { report, upstreamBase, cap, silence, xml, recorder, discard: options.discard ?? DEFAULT_DISCARD };

  const server = createGuardedServer((req, res) => {
    // Without a journal, /__mock/ goes upstream like any path.
    if (journal && handleAdmin(req, res, journal)) return;
    journal?.begin(req, res);
    handle(context, req, res).catch((error: Error) => {
      if (error instanceof ClientGone) return;
      const silent = error instanceof UpstreamSilent;
      report(`${req.method} ${shownPath(req.url, req.headers)}: ${silent ? '' : 'proxy failure: '}${new Scrubber(requestTokens(req.headers.authorization, req.url, '', req.headers), 'kept').text(error.message)}`);
      if (res.headersSent) return void res.destroy();
      if (silent) answerEnvelope(res, 504, `${error.message}; see the proxy log`);
      else answerEnvelope(res, 502, 'the upstream did not answer in full; see the proxy log');
    });
  }, options);
  // Closing waits for the cases still being written.
  return serve(server, undefined, options, recorder ? [xml, recorder] : [xml]);
}
