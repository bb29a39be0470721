// The mock's own endpoints under /__mock/: the request journal (list, clear, profiles per
// workflow) and the OpenAPI document that describes them. The platform's paths all start with
// /api/, so this prefix can never shadow one of its operations.
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { operations } from '@altcraft-api/contract';
import type { Journal, RequestFilter } from './journal.js';

export const ADMIN_PREFIX = '/__mock/';

/** The admin API's OpenAPI document (it ships in the package, beside dist/). */
export const adminDocument: { info: { version: string }; paths: Record<string, unknown>; components: { schemas: Record<string, unknown> } } = JSON.parse(
  readFileSync(new URL('../admin-openapi.json', import.meta.url), 'utf8'),
);

/** Entries per page unless `limit` says; and the most a page may hold. */
export const DEFAULT_PAGE = 100;
export const MAX_PAGE = 1000;

const ERROR_TEXT: Record<number, string> = { 400: 'Invalid request', 404: 'Not found', 405: 'Method not allowed' };

class AdminFailure {
  constructor(
    readonly status: number,
    readonly debug: string,
  ) {}
}

function json(res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(value);
  res.writeHead(status, { ...headers, 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-store' });
  res.end(text);
}

function integer(query: URLSearchParams, name: string, min: number, max = Number.MAX_SAFE_INTEGER): number | undefined {
  const text = query.get(name);
  if (text === null) return undefined;
  if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max) throw new AdminFailure(400, `${name} must be an integer from ${min} to ${max}, not "${text}"`);
  return Number(text);
}

const KNOWN = new Set(['operation', 'workflow_id', 'since', 'after', 'limit']);

function filterOf(query: URLSearchParams): RequestFilter {
  for (const name of query.keys()) if (!KNOWN.has(name)) throw new AdminFailure(400, `unknown parameter "${name}"; known: ${[...KNOWN].join(', ')}`);
  const filter: RequestFilter = { limit: integer(query, 'limit', 1, MAX_PAGE) ?? DEFAULT_PAGE };
  const operation = query.get('operation');
  if (operation !== null) {
    // Own names only: `in` took __proto__ and toString for operations.
    if (!Object.hasOwn(operations, operation)) throw new AdminFailure(400, `operation must be one of ${Object.keys(operations).join(', ')}, not "${operation}"`);
    filter.operation = operation;
  }
  filter.workflowId = integer(query, 'workflow_id', 0);
  filter.after = integer(query, 'after', 0);
  const since = query.get('since');
  if (since !== null) {
    const ms = Date.parse(since);
    if (!/^\d{4}-\d\d-\d\dT/.test(since) || Number.isNaN(ms)) throw new AdminFailure(400, `since must be an ISO 8601 date-time such as 2026-01-31T12:00:00Z, not "${since}"`);
    filter.since = ms;
  }
  return filter;
}

function route(req: IncomingMessage, res: ServerResponse, journal: Journal | undefined, path: string, query: URLSearchParams): void {
  const methods: Record<string, string[]> = { '/__mock/requests': ['GET', 'DELETE'], '/__mock/profiles': ['GET'], '/__mock/openapi.json': ['GET'] };
  const allowed = methods[path];
  if (!allowed) throw new AdminFailure(404, `no admin endpoint at ${path}; there are ${Object.keys(methods).join(', ')}`);
  if (!allowed.includes(req.method ?? '')) {
    res.setHeader('Allow', allowed.join(', '));
    throw new AdminFailure(405, `${req.method} is not supported here; use ${allowed.join(' or ')}`);
  }
  if (path === '/__mock/openapi.json') return json(res, 200, adminDocument);
  if (!journal) throw new AdminFailure(404, 'the request journal is off (the proxy keeps one only with --journal)');
  if (path === '/__mock/requests' && req.method === 'DELETE') return json(res, 200, { cleared: journal.clear() });
  if (path === '/__mock/requests') {
    const filter = filterOf(query);
    const { requests, total } = journal.list(filter);
    const more = requests.length === filter.limit && journal.list({ ...filter, after: requests.at(-1)!.id, limit: 1 }).requests.length > 0;
    return json(res, 200, { requests, total, next_after: more ? requests.at(-1)!.id : null, capacity: journal.size });
  }
  for (const name of query.keys()) if (name !== 'workflow_id') throw new AdminFailure(400, `unknown parameter "${name}"; known: workflow_id`);
  return json(res, 200, { profiles: journal.profiles(integer(query, 'workflow_id', 0)) });
}

/**
 * Answers a request under ADMIN_PREFIX and returns true; false for any other path. Failures
 * come in the API's envelope, in JSON whatever was asked.
 */
export function handleAdmin(req: IncomingMessage, res: ServerResponse, journal: Journal | undefined): boolean {
  let url: URL;
  try {
    url = new URL(req.url ?? '/', 'http://mock');
  } catch {
    return false;
  }
  const path = url.pathname.replace(/\/+$/, '');
  if (!`${path}/`.startsWith(ADMIN_PREFIX)) return false;
  // A body sent here is not read: drained, so the connection can carry the next request.
  req.resume();
  try {
    route(req, res, journal, path, url.searchParams);
  } catch (error) {
    if (!(error instanceof AdminFailure)) throw error;
    json(res, error.status, { error: error.status, error_text: ERROR_TEXT[error.status] ?? 'Error', error_debug: error.debug });
  }
  return true;
}
