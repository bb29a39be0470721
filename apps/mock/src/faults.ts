// Fault injection, in two uses of one implementation: `altcraft-mock --faults SPEC --seed N`
// (a product feature: teams test their own retry and resume logic against the mock in CI), and
// `startFaultServer`, a local stand-in for the platform whose tests script every answer.
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { document, formatOfMediaType, requestXml, responseXml } from '@altcraft-api/contract';

export interface Received {
  /** Order of arrival, from 0. */
  number: number;
  bytes: number;
  format: 'json' | 'xml';
  body: { data: { data: Record<string, unknown> }[]; [field: string]: unknown };
  /** The profiles' `email`s, in body order. */
  emails: string[];
  /** Filled in once answered. */
  answered?: number;
}

export type Action =
  | { answer: 'ok' }
  | { answer: 'status'; status: number; body: object; headers?: Record<string, string> }
  | { answer: 'reset' }
  | { answer: 'delay'; ms: number; then: Action }
  | { answer: 'results'; results: object[] };

/** One rule of a `--faults` spec. */
export type FaultRule =
  | { kind: 'status'; status: number; rate: number; retryAfterMs?: number }
  | { kind: 'reset'; rate: number }
  | { kind: 'latency'; rate: number; ms: number }
  | { kind: 'item'; rate: number };

export interface FaultPlan {
  rules: FaultRule[];
  seed: number;
}

/** The longest timer Node keeps: a longer one fires after 1 ms (with only a warning). */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** The contract's bound on Retry-After (seconds): a longer wait makes an answer it does not allow. */
export const MAX_RETRY_AFTER_S: number = (document.components.headers as Record<string, { schema: { maximum: number } }>)['Retry-After']!.schema.maximum;

export const FAULTS_SYNTAX = `RULE[,RULE...], where RULE is
  CODE:RATE[@WAIT]   answer HTTP CODE (400-599) in the API's envelope to RATE of the requests;
                     WAIT (e.g. 2s, 500ms; more than 0, at most ${MAX_RETRY_AFTER_S}s) is sent as
                     Retry-After, in whole seconds rounded up
  reset:RATE         close the connection without an answer, after reading the request
  latency:DELAY      hold every answer DELAY (e.g. 200ms, 1s; at most ${MAX_TIMER_MS}ms) before answering
  latency:RATE@DELAY hold RATE of the answers DELAY
  item:RATE          refuse RATE of the profiles one by one: their result item is
                     {error: 400, error_text: "Invalid request"} instead of a profile_id, the same
                     in the synchronous answer and in the task's result; a profile is drawn by its
                     matching value, so it fails in every batch it is sent in
RATE is a fraction (0.05) or a percentage (5%); CODE and reset rates add up to at most 1.
Status requests (tasks/status) get CODE, reset and latency faults like the batches.
Example: 500:0.05,429:0.05@2s,reset:0.01,latency:200ms`;

export class FaultSpecError extends Error {}

/** A duration in ms, refused (not clamped) beyond `maxMs`: a fault that silently differs from its spec tests nothing. */
export function duration(text: string, rule: string, maxMs: number): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s)$/.exec(text.trim());
  if (!match) throw new FaultSpecError(`"${rule}": "${text}" is not a duration such as 200ms or 2s`);
  const ms = Math.round(Number(match[1]) * (match[2] === 's' ? 1000 : 1));
  if (!(ms <= maxMs)) throw new FaultSpecError(`"${rule}": "${text}" is longer than the limit of ${maxMs}ms (${maxMs / 1000}s)`);
  return ms;
}

/** A Retry-After wait: 0 would tell clients to retry at once, which is no wait to honour. */
function wait(text: string, rule: string): number {
  const ms = duration(text, rule, MAX_RETRY_AFTER_S * 1000);
  if (ms <= 0) throw new FaultSpecError(`"${rule}": the wait "${text}" must be more than 0 (Retry-After is at least 1 second)`);
  return ms;
}

function rate(text: string, rule: string): number {
  const match = /^(\d+(?:\.\d+)?)(%?)$/.exec(text.trim());
  const value = match ? Number(match[1]) / (match[2] ? 100 : 1) : NaN;
  if (!(value >= 0 && value <= 1)) throw new FaultSpecError(`"${rule}": "${text}" is not a rate between 0 and 1 (or 0% and 100%)`);
  return value;
}

/** Reads a `--faults` / MOCK_FAULTS spec; throws FaultSpecError saying what is wrong. */
export function parseFaults(spec: string): FaultRule[] {
  const rules: FaultRule[] = [];
  for (const rule of spec.split(',').map((part) => part.trim()).filter(Boolean)) {
    const colon = rule.indexOf(':');
    if (colon < 0) throw new FaultSpecError(`"${rule}": expected KIND:RATE`);
    const kind = rule.slice(0, colon).trim().toLowerCase();
    const [value = '', extra, ...rest] = rule.slice(colon + 1).split('@');
    if (rest.length > 0) throw new FaultSpecError(`"${rule}": more than one @`);
    if (kind === 'latency') {
      rules.push(extra === undefined ? { kind, rate: 1, ms: duration(value, rule, MAX_TIMER_MS) } : { kind, rate: rate(value, rule), ms: duration(extra, rule, MAX_TIMER_MS) });
    } else if (kind === 'reset') {
      if (extra !== undefined) throw new FaultSpecError(`"${rule}": reset takes no @`);
      rules.push({ kind, rate: rate(value, rule) });
    } else if (kind === 'item') {
      if (extra !== undefined) throw new FaultSpecError(`"${rule}": item takes no @`);
      rules.push({ kind, rate: rate(value, rule) });
    } else if (/^[45]\d\d$/.test(kind)) {
      rules.push({ kind: 'status', status: Number(kind), rate: rate(value, rule), ...(extra !== undefined ? { retryAfterMs: wait(extra, rule) } : {}) });
    } else {
      throw new FaultSpecError(`"${rule}": unknown kind "${kind}" (an HTTP code 400-599, reset, latency or item)`);
    }
  }
  const total = rules.reduce((sum, rule) => sum + (rule.kind === 'latency' || rule.kind === 'item' ? 0 : rule.rate), 0);
  if (total > 1 + 1e-9) throw new FaultSpecError(`the rates of codes and resets add up to ${total}, more than 1`);
  return rules;
}

/** A uniform number in [0, 1) that depends only on its inputs. */
function draw(...parts: (string | number)[]): number {
  const digest = createHash('sha256').update(parts.join('\u0000')).digest();
  return digest.readUIntBE(0, 6) / 2 ** 48;
}

// 401-403: the old API interaction page's texts (spec/DECISIONS.md row 35); 400: the endpoint page's.
const ERROR_TEXT: Record<number, string> = { 400: 'Invalid request', 401: 'API token required', 402: 'Tariff limit reached', 403: 'Forbidden', 429: 'Too many requests', 500: 'Internal server error', 502: 'Bad gateway', 503: 'Service unavailable', 504: 'Gateway timeout' };

/**
 * Most distinct request bodies a FaultInjector counts (about 110 bytes each, so about 7 MiB):
 * it is fed before the token is checked, so any client could otherwise grow it forever.
 */
export const SEEN_MAX = 65_536;

/**
 * What the plan does to a request, decided by the seed, the request's bytes and how many times
 * those same bytes came before: the same requests get the same faults in any arrival order, and
 * a retry (the same bytes again) draws anew, so a client that retries gets through.
 *
 * The counts are kept for the `maxSeen` bodies seen most recently (SEEN_MAX by default). A body
 * not seen while that many others came is forgotten and counts as new when it comes back: it
 * gets the faults of its first attempts again. So "same requests, same faults" holds for any
 * working set of up to `maxSeen` distinct bodies, which a test's run stays far below.
 */
export class FaultInjector {
  // Least recently seen first: a body seen again is moved to the end.
  private readonly seen = new Map<string, number>();
  private readonly maxSeen: number;

  constructor(
    readonly plan: FaultPlan,
    options: { maxSeen?: number } = {},
  ) {
    this.maxSeen = options.maxSeen ?? SEEN_MAX;
    // A plan built in code skips parseFaults: the same limits, or a delay silently becomes 1 ms.
    for (const rule of plan.rules) {
      if (rule.kind === 'latency' && !(rule.ms >= 0 && rule.ms <= MAX_TIMER_MS)) throw new RangeError(`latency ${rule.ms} ms is outside 0-${MAX_TIMER_MS} ms`);
      if (rule.kind === 'status' && rule.retryAfterMs !== undefined && !(rule.retryAfterMs > 0 && rule.retryAfterMs <= MAX_RETRY_AFTER_S * 1000)) {
        throw new RangeError(`Retry-After ${rule.retryAfterMs} ms is outside 1-${MAX_RETRY_AFTER_S * 1000} ms`);
      }
    }
  }

  /** The fault for this request, as an Action whose `ok` means "answer it normally". */
  next(bytes: Buffer | string): Action {
    const key = createHash('sha256').update(bytes).digest('hex');
    const attempt = this.seen.get(key) ?? 0;
    this.seen.delete(key);
    this.seen.set(key, attempt + 1);
    if (this.seen.size > this.maxSeen) this.seen.delete(this.seen.keys().next().value as string);
    const { rules, seed } = this.plan;
    let fault: Action = { answer: 'ok' };
    let u = draw(seed, key, attempt, 'fault');
    for (const rule of rules) {
      if (rule.kind === 'latency' || rule.kind === 'item') continue;
      if (u < rule.rate) {
        if (rule.kind === 'reset') fault = { answer: 'reset' };
        else {
          const headers = rule.retryAfterMs !== undefined ? { 'Retry-After': String(Math.ceil(rule.retryAfterMs / 1000)) } : undefined;
          const body = { error: rule.status, error_text: ERROR_TEXT[rule.status] ?? 'Error', error_debug: `fault injected by the mock (--faults, rule ${rule.status}:${rule.rate})` };
          fault = { answer: 'status', status: rule.status, body, ...(headers ? { headers } : {}) };
        }
        break;
      }
      u -= rule.rate;
    }
    for (const rule of rules) {
      if (rule.kind === 'latency' && draw(seed, key, attempt, 'latency') < rule.rate) return { answer: 'delay', ms: rule.ms, then: fault };
    }
    return fault;
  }

  /** Whether the profile known by `key` (its profile id) gets a per-item error (`item:RATE`). */
  refusesItem(key: string): boolean {
    const rate = this.plan.rules.reduce((sum, rule) => sum + (rule.kind === 'item' ? rule.rate : 0), 0);
    return rate > 0 && draw(this.plan.seed, key, 'item') < rate;
  }
}

/**
 * Carries out `action` on `res`: resets and delays here, a scripted status with its body
 * through `write`, and `ok`/`results` through `answer` (the caller's normal answer).
 */
export function perform(res: ServerResponse, action: Action, write: (status: number, body: object, headers: Record<string, string>) => void, answer: (action: Action) => void): void {
  if (action.answer === 'reset') return void res.socket?.destroy();
  if (action.answer === 'delay') {
    const timer = setTimeout(() => perform(res, action.then, write, answer), action.ms);
    res.once('close', () => clearTimeout(timer));
    return;
  }
  if (action.answer === 'status') return write(action.status, action.body, action.headers ?? {});
  answer(action);
}

export const profileIdOf = (email: string) => createHash('sha1').update(email).digest('hex').slice(0, 24);

export interface FaultServer {
  baseUrl: string;
  received: Received[];
  /** Emails of the profiles in requests answered 200 with error 0, in order. */
  acknowledged(): string[];
  close(): Promise<void>;
}

/** A port free on `host` a moment ago; rejects when nothing can be bound there. */
function freedPort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/**
 * An API root where nothing listens, for a test of a refused connection: a port freed on
 * 127.0.0.2, where no server of these suites binds. A port freed on 127.0.0.1 was handed to a
 * parallel suite's server before the request went out, and that server answered (a 503 in CI).
 * Where only 127.0.0.1 is a loopback address (macOS), that race is the one left.
 */
export async function refusedBaseUrl(): Promise<string> {
  for (const host of ['127.0.0.2', '127.0.0.1']) {
    const port = await freedPort(host).catch(() => undefined);
    if (port !== undefined) return `http://${host}:${port}/api/v1.1`;
  }
  throw new Error('no loopback port could be bound on 127.0.0.2 or 127.0.0.1');
}

export async function startFaultServer(scenario: (request: Received) => Action = () => ({ answer: 'ok' })): Promise<FaultServer> {
  const received: Received[] = [];
  const okBodies: Received[] = [];

  function respond(res: ServerResponse, request: Received, action: Action): void {
    const write = (status: number, body: object, headers: Record<string, string>) => {
      if (status === 200 && (body as { error?: number }).error === 0) okBodies.push(request);
      request.answered = status;
      const operation = 'importAndStartBatch' as const;
      const text = request.format === 'xml' ? responseXml(operation, status === 200 && (body as { error: number }).error === 0 ? 200 : 400).encode(body) : JSON.stringify(body);
      if (res.destroyed) return;
      res.writeHead(status, { 'Content-Type': `application/${request.format}`, ...headers });
      res.end(text);
    };
    perform(res, action, write, (normal) => {
      if (normal.answer === 'results') write(200, { error: 0, error_text: 'Successful operation', result: normal.results }, {});
      else if (request.body.workflow_id === undefined) write(200, { error: 400, error_text: 'Invalid request' }, {});
      else write(200, { error: 0, error_text: 'Successful operation', result: request.emails.map((email) => ({ profile_id: profileIdOf(email) })) }, {});
    });
  }

  /** A request it cannot read as a batch: answered 400 like the platform, not recorded. */
  function refuse(res: ServerResponse, debug: string): void {
    if (res.destroyed || res.headersSent) return;
    const text = JSON.stringify({ error: 400, error_text: 'Invalid request', error_debug: debug });
    res.writeHead(400, { 'Content-Type': 'application/json' }).end(text);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks);
    const format = formatOfMediaType(req.headers['content-type']) ?? 'json';
    const text = raw.toString('utf8');
    let body: Received['body'];
    try {
      body = (format === 'xml' ? requestXml.decode(text) : JSON.parse(text)) as Received['body'];
    } catch (error) {
      return refuse(res, `malformed ${format.toUpperCase()}: ${(error as Error).message}`);
    }
    const items: unknown = (body as { data?: unknown } | null)?.data;
    if (!Array.isArray(items) || !items.every((item) => typeof item?.data === 'object' && item.data !== null)) {
      return refuse(res, '/data: must be an array of {data: {...}} items');
    }
    const request: Received = { number: received.length, bytes: raw.length, format, body, emails: body.data.map((item) => String(item.data.email)) };
    received.push(request);
    respond(res, request, scenario(request));
  }

  const server = createServer((req, res) => {
    // A client that leaves mid-upload ends the exchange; nothing else may go unanswered.
    handle(req, res).catch(() => res.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/api/v1.1`,
    received,
    acknowledged: () => okBodies.flatMap((request) => request.emails),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
