// The request journal: what the mock answered, kept so that a team's tests can assert on what
// their service sent (WireMock's journal is the model). Bounded in entries and in the bytes of
// the bodies it keeps, and it never keeps a token: the body's `token`, the bearer token and a
// `?token=` of the URL are taken out (and any string that carries one) before an entry is kept.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRedactor, formatOfMediaType, MIN_PIECE, responseXml, type OperationId, type Violation } from '@altcraft-api/contract';
import { routeOf } from './http.js';

/** Entries kept by default (`--journal-size`). */
export const DEFAULT_JOURNAL_SIZE = 1000;
/**
 * Bytes the kept entries may add up to: a body may be 10 MiB, and 1000 of them would hold
 * gigabytes. What counts is what an entry keeps, its body and answer as JSON text (never less
 * than the request's size on the wire). Past it the oldest entries go, as past the entry count.
 */
export const JOURNAL_MAX_BYTES = 64 * 1024 * 1024;
/** What stands where a token was. */
export const REDACTED = '[redacted]';
/** What an entry costs besides its body and answer text (its fields, verdicts, the ring's slot). */
const ENTRY_OVERHEAD = 512;
/** Nesting kept in an entry; deeper values are replaced, so the entry serialises without recursion limits. */
export const JOURNAL_MAX_DEPTH = 64;
const TOO_DEEP = `[nested deeper than ${JOURNAL_MAX_DEPTH} levels: not kept]`;
/**
 * Tokens of MIN_PIECE (8) characters or more go through the contract's redactor (any 8-character
 * piece, any letter case, escaped forms). Shorter ones are taken out where a whole string (or a
 * number's digits) equals them, and from 6 characters also where a text holds them exactly: as
 * a substring `t` would cut every value with a t in it.
 */
const SUBSTRING_MIN = 6;
/**
 * Keys the journal reads back (profiles, workflow) and the contract's own names: never renamed,
 * even when a token is spelled like one (a token "data" emptied /__mock/profiles). A key of the
 * contract tells nothing about the token.
 */
const KEPT_KEYS = new Set(['data', 'workflow_id', 'token', 'result', 'profile_id', 'matching', 'format', 'error', 'error_text', 'error_debug', 'task_id', 'field_name']);
/**
 * The contract's redactor for a request's tokens of MIN_PIECE characters or more, cached (a
 * client sends the same token each time): building one per request would cost the mock much
 * of its throughput.
 */
const redactors = new Map<string, (text: string) => string>();
let lastTokens: string[] | undefined;
let lastRedactor: ((text: string) => string) | undefined;
function redactorOf(tokens: string[]): ((text: string) => string) | undefined {
  // Asked for each string of an entry, with the same list: the last answer is kept.
  if (tokens === lastTokens) return lastRedactor;
  lastTokens = tokens;
  lastRedactor = redactorFor(tokens);
  return lastRedactor;
}
function redactorFor(tokens: string[]): ((text: string) => string) | undefined {
  const long = tokens.filter((token) => token.length >= MIN_PIECE);
  if (long.length === 0) return undefined;
  const key = long.join('\0');
  let redactor = redactors.get(key);
  if (!redactor) {
    if (redactors.size >= 64) redactors.clear();
    redactor = createRedactor(long);
    redactors.set(key, redactor);
  }
  return redactor;
}

export interface JournalEntry {
  /** Order of arrival, from 1; never reused, also after a reset. */
  id: number;
  /** When the request arrived (ISO 8601, UTC). */
  time: string;
  method: string;
  /** The path, without the query (which may hold a token). */
  path: string;
  operation: OperationId | null;
  /** How the body was encoded, when it was read as JSON or XML. */
  encoding: 'json' | 'xml' | null;
  workflow_id: number | null;
  /** The parsed body without its token, or null when it could not be read. */
  body: unknown;
  violations: Violation[];
  warnings: Violation[];
  /** All the warnings, where `warnings` lists the first ones. */
  warning_count: number;
  /** The status answered, or null when the connection closed without an answer (a `reset` fault). */
  status: number | null;
  /** The answer's body as an object (XML answers as their JSON twin), or null. */
  answer: unknown;
}

interface Draft {
  journal: Journal;
  /** The entry; its time is kept as ms since the epoch until it is listed. */
  entry: Omit<JournalEntry, 'time'> & { time: number; bytes: number };
  bytes: number;
  secrets: string[];
}

/**
 * A kept entry. The body and answer are kept as JSON text and parsed when read: a parsed body
 * costs up to 25 times its text (`{"data":[{},{},...]}`), which a budget in bytes cannot see.
 */
type Stored = Omit<Draft['entry'], 'body' | 'answer'> & { body: string | null; answer: string | null };

/** The heap a string takes: one byte a character, two when one is past Latin-1. */
const sizeOf = (text: string | null) => (text === null ? 0 : /[^\u0000-\u00ff]/.test(text) ? 2 * text.length : text.length);
const textOf = (value: unknown): string | null => (value === null || value === undefined ? null : JSON.stringify(value));
const valueOf = (text: string | null): unknown => (text === null ? null : JSON.parse(text));

const scrubbed = (list: Violation[], secrets: string[]) => list.map((v) => ({ pointer: scrub(v.pointer, secrets), message: scrub(v.message, secrets) }));

// The draft rides on the answer object itself: a WeakMap entry per request (an ephemeron the
// collector must trace) cost more than the rest of the bookkeeping.
const DRAFT = Symbol('altcraft-mock journal draft');
/** The one empty list every entry without violations (or warnings) shares. */
const NONE: Violation[] = Object.freeze([]) as unknown as Violation[];
type Tracked = ServerResponse & { [DRAFT]?: Draft };
const draftOf = (res: ServerResponse) => (res as Tracked)[DRAFT];

/** Keeps a request's entry once its answer is done ('close' follows 'finish', or comes alone). */
function onClose(this: Tracked): void {
  const draft = this[DRAFT];
  if (!draft) return;
  this[DRAFT] = undefined;
  draft.entry.status = this.headersSent ? this.statusCode : null;
  draft.journal.keep(draft);
}

/** What the mock read of a request: its encoding and value (called by the server once parsed). */
export function noteRequest(res: ServerResponse, encoding: 'json' | 'xml', body: unknown, bytes: number): void {
  const draft = draftOf(res);
  if (!draft) return;
  draft.entry.encoding = encoding;
  draft.entry.body = body;
  draft.bytes = bytes;
  const record = body as { workflow_id?: unknown; token?: unknown } | null;
  if (typeof record === 'object' && record !== null) {
    if (Number.isSafeInteger(record.workflow_id)) draft.entry.workflow_id = record.workflow_id as number;
    if (typeof record.token === 'string') draft.secrets.push(record.token);
    // A token sent as a number is a token all the same: its digits are taken out too.
    else if (typeof record.token === 'number' && Number.isFinite(record.token)) draft.secrets.push(String(record.token));
  }
}

/** The contract's verdict on the body. */
export function noteCheck(res: ServerResponse, violations: Violation[], warnings: Violation[], warningCount: number): void {
  const draft = draftOf(res);
  if (!draft) return;
  draft.entry.violations = violations.length > 0 ? violations : NONE;
  draft.entry.warnings = warnings.length > 0 ? warnings : NONE;
  draft.entry.warning_count = warningCount;
}

/** The answer's body, before it is encoded. */
export function noteAnswer(res: ServerResponse, answer: unknown): void {
  const draft = draftOf(res);
  if (draft) draft.entry.answer = answer;
}

/** An answer that arrived as text (Prism's examples): its value, read only when it is journalled. */
export function noteAnswerText(res: ServerResponse, operationId: OperationId, status: number, text: string, contentType: string): void {
  const draft = draftOf(res);
  if (!draft) return;
  try {
    const format = formatOfMediaType(contentType);
    draft.entry.answer = format === 'xml' ? responseXml(operationId, status === 200 ? 200 : 400).decode(text) : JSON.parse(text);
  } catch {
    draft.entry.answer = text;
  }
}

/** The tokens a request carries outside its body: `Authorization` (whole and its bearer part) and `?token=`. */
function secretsOf(req: IncomingMessage): string[] {
  const secrets: string[] = [];
  const authorization = req.headers.authorization;
  if (authorization) {
    secrets.push(authorization.trim());
    const bearer = /^\s*\S+\s+(\S+)\s*$/.exec(authorization)?.[1];
    if (bearer) secrets.push(bearer);
  }
  if (req.url?.includes('?')) {
    try {
      for (const value of new URL(req.url, 'http://mock').searchParams.getAll('token')) secrets.push(value);
    } catch {
      // An unparsable target has no query to take a token from.
    }
  }
  return secrets;
}

/** `text` with every secret taken out. */
function scrub(text: string, secrets: string[]): string {
  if (secrets.includes(text)) return REDACTED;
  // No piece of a long token fits in a shorter text: most keys and many values skip the search.
  let out = text.length < MIN_PIECE ? text : (redactorOf(secrets)?.(text) ?? text);
  for (const secret of secrets) {
    if (secret.length >= SUBSTRING_MIN && secret.length < MIN_PIECE && out.includes(secret)) out = out.split(secret).join(REDACTED);
  }
  return out;
}

/** Whether a number is spelled like a token (one sent as a number, or all digits). */
const numberIsSecret = (value: number, secrets: string[]) => secrets.includes(String(value));

/**
 * Takes the secrets out of every string of `value` (keys included), in place, drops the body's
 * `token` field and cuts nesting at JOURNAL_MAX_DEPTH; returns the value. In place: the server
 * is done with a body once its answer is sent, and a copy of each body cost the mock a third of
 * its small-request throughput. Iterative: a profile may nest far deeper than a recursion can go.
 */
export function redact(value: unknown, secrets: string[], dropToken = false): unknown {
  const live = secrets.includes('') ? secrets.filter((secret) => secret !== '') : secrets;
  const any = live.length > 0;
  if (typeof value !== 'object' || value === null) {
    if (typeof value === 'number' && any && numberIsSecret(value, live)) return REDACTED;
    return typeof value === 'string' && any ? scrub(value, live) : value;
  }
  // Set to undefined, not deleted (JSON leaves it out all the same): a delete turns the object
  // into a dictionary, bigger and slower for the collector to copy, kept as it is for long.
  if (dropToken && !Array.isArray(value) && 'token' in value) (value as Record<string, unknown>).token = undefined;
  // Two parallel stacks (nodes and their depths): this runs for every request the mock answers.
  const nodes: object[] = [value];
  const depths: number[] = [1];
  while (nodes.length > 0) {
    const node = nodes.pop() as Record<string, unknown>;
    const depth = depths.pop()!;
    const array = Array.isArray(node);
    let renamed: [string, string][] | undefined;
    for (const key in node) {
      const item = node[key];
      if (typeof item === 'string') {
        if (any) {
          const kept = scrub(item, live);
          if (kept !== item) node[key] = kept;
        }
      } else if (typeof item === 'number') {
        if (any && numberIsSecret(item, live)) node[key] = REDACTED;
      } else if (typeof item === 'object' && item !== null) {
        if (depth >= JOURNAL_MAX_DEPTH) node[key] = TOO_DEEP;
        else {
          nodes.push(item);
          depths.push(depth + 1);
        }
      }
      if (any && !array && !KEPT_KEYS.has(key)) {
        const name = scrub(key, live);
        if (name !== key) (renamed ??= []).push([key, name]);
      }
    }
    // Renamed after the walk: a for-in must not meet the keys it adds.
    for (const [key, name] of renamed ?? []) {
      node[name] = node[key];
      delete node[key];
    }
  }
  return value;
}

/** Whether `text` carries one of `secrets` as scrub() would take it out. */
function carriesSecret(text: string, secrets: string[]): boolean {
  return secrets.some((secret) => secret !== '') && scrub(text, secrets.filter((secret) => secret !== '')) !== text;
}

/** Whether any string of `value` (or key) carries a secret, or it nests past JOURNAL_MAX_DEPTH; reads only. */
function needsRedaction(value: unknown, secrets: string[]): boolean {
  if (typeof value !== 'object' || value === null) return (typeof value === 'string' && carriesSecret(value, secrets)) || (typeof value === 'number' && numberIsSecret(value, secrets));
  const nodes: object[] = [value];
  const depths: number[] = [1];
  while (nodes.length > 0) {
    const node = nodes.pop() as Record<string, unknown>;
    const depth = depths.pop()!;
    const array = Array.isArray(node);
    for (const key in node) {
      const item = node[key];
      if (!array && !KEPT_KEYS.has(key) && carriesSecret(key, secrets)) return true;
      if (typeof item === 'string') {
        if (carriesSecret(item, secrets)) return true;
      } else if (typeof item === 'number') {
        if (numberIsSecret(item, secrets)) return true;
      } else if (typeof item === 'object' && item !== null) {
        if (depth >= JOURNAL_MAX_DEPTH) return true;
        nodes.push(item);
        depths.push(depth + 1);
      }
    }
  }
  return false;
}

/**
 * An answer without secrets. Answers may share parts with what the mock keeps (a task's results),
 * so one that carries a secret is redacted in a copy, never in place; the rest are kept as they are.
 */
function redactedAnswer(answer: unknown, secrets: string[]): unknown {
  if (secrets.length === 0 || !needsRedaction(answer, secrets)) return answer;
  return redact(JSON.parse(JSON.stringify(answer)), secrets);
}

export interface RequestFilter {
  operation?: string;
  workflowId?: number;
  /** Entries whose time is at or after this (ms since the epoch). */
  since?: number;
  /** Entries after this id (paging). */
  after?: number;
  limit?: number;
}

export interface ProfileRecord {
  workflow_id: number;
  request_id: number;
  operation: OperationId;
  /** Position of the profile in its request's `data`. */
  index: number;
  /** The id the mock answered for it; null when the answer had none (a task, an example). */
  profile_id: string | null;
  /** The profile's fields as sent (its `data` object). */
  fields: Record<string, unknown>;
}

/** A ring of the last `size` answered requests. */
export class Journal {
  private ring: Stored[] = [];
  /** Where the kept entries start in `ring`. */
  private head = 0;
  private bytes = 0;
  private nextId = 1;

  constructor(readonly size: number = DEFAULT_JOURNAL_SIZE, readonly maxBytes: number = JOURNAL_MAX_BYTES) {
    if (!Number.isSafeInteger(size) || size < 1) throw new RangeError(`journal size must be a positive integer, not ${size}`);
  }

  /** Starts an entry for a request; it is kept once the answer is sent or the connection closes. */
  begin(req: IncomingMessage, res: ServerResponse, route: { path: string; operationId: OperationId | undefined } = routeOf(req.url)): void {
    const { path, operationId } = route;
    const entry: Draft['entry'] = {
      id: 0, time: Date.now(), method: req.method ?? 'GET', path, operation: operationId ?? null, encoding: null,
      workflow_id: null, body: null, violations: NONE, warnings: NONE, warning_count: 0, status: null, answer: null, bytes: 0,
    };
    (res as Tracked)[DRAFT] = { journal: this, entry, bytes: 0, secrets: secretsOf(req) };
    res.on('close', onClose);
  }

  /** Called once per request, by onClose. */
  keep({ entry: draft, bytes, secrets }: Draft): void {
    const body = draft.body === null ? null : textOf(redact(draft.body, secrets, true));
    const answer = draft.answer === null ? null : textOf(redactedAnswer(draft.answer, secrets));
    const entry: Stored = { ...draft, id: this.nextId++, body, answer };
    if (entry.violations.length > 0) entry.violations = scrubbed(entry.violations, secrets);
    if (entry.warnings.length > 0) entry.warnings = scrubbed(entry.warnings, secrets);
    entry.path = scrub(entry.path, secrets);
    entry.bytes = Math.max(bytes, ENTRY_OVERHEAD + sizeOf(body) + sizeOf(answer));
    this.ring.push(entry);
    this.bytes += entry.bytes;
    while (this.ring.length - this.head > this.size || (this.bytes > this.maxBytes && this.ring.length - this.head > 1)) {
      this.bytes -= this.ring[this.head]!.bytes;
      this.ring[this.head++] = undefined as never;
    }
    // The dropped slots are let go now and then, not on each drop: a splice per request would
    // move the whole ring each time.
    if (this.head > 1024 && this.head * 2 > this.ring.length) {
      this.ring = this.ring.slice(this.head);
      this.head = 0;
    }
  }

  private get entries(): Stored[] {
    return this.ring.slice(this.head);
  }

  /** How many entries are kept now. */
  get length(): number {
    return this.ring.length - this.head;
  }

  /** The entries that pass `filter`, oldest first, up to `limit`, and how many pass in all. */
  list(filter: RequestFilter = {}): { requests: JournalEntry[]; total: number } {
    const matching = this.entries.filter(
      (e) =>
        (filter.operation === undefined || e.operation === filter.operation) &&
        (filter.workflowId === undefined || e.workflow_id === filter.workflowId) &&
        (filter.since === undefined || e.time >= filter.since),
    );
    const page = matching.filter((e) => filter.after === undefined || e.id > filter.after).slice(0, filter.limit ?? matching.length);
    return {
      requests: page.map(({ bytes: _bytes, ...entry }) => ({ ...entry, time: new Date(entry.time).toISOString(), body: valueOf(entry.body), answer: valueOf(entry.answer) })),
      total: matching.length,
    };
  }

  /** Forgets every entry; returns how many there were. */
  clear(): number {
    const count = this.length;
    this.ring = [];
    this.head = 0;
    this.bytes = 0;
    return count;
  }

  /** The profiles of the requests answered 200, oldest first, of one workflow or of all. */
  profiles(workflowId?: number): ProfileRecord[] {
    const out: ProfileRecord[] = [];
    for (const e of this.entries) {
      if (e.status !== 200 || e.operation === null || e.workflow_id === null) continue;
      if (workflowId !== undefined && e.workflow_id !== workflowId) continue;
      const data = (valueOf(e.body) as { data?: unknown } | null)?.data;
      if (!Array.isArray(data)) continue;
      const result = (valueOf(e.answer) as { result?: unknown } | null)?.result;
      data.forEach((item: unknown, index) => {
        const fields = (item as { data?: unknown } | null)?.data;
        const answered = Array.isArray(result) ? (result[index] as { profile_id?: unknown } | undefined)?.profile_id : undefined;
        out.push({
          workflow_id: e.workflow_id!,
          request_id: e.id,
          operation: e.operation!,
          index,
          profile_id: typeof answered === 'string' ? answered : null,
          fields: typeof fields === 'object' && fields !== null && !Array.isArray(fields) ? (fields as Record<string, unknown>) : {},
        });
      });
    }
    return out;
  }
}
