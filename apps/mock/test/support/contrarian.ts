import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requestXml } from '@altcraft-api/contract';
import { startProxy } from '../../src/proxy.js';
import type { RunningMock } from '../../src/http.js';
import { send, type RawAnswer } from './http.js';

export const BATCH_PATH = '/api/v1.1/workflows/import_and_start_batch';
export const TASK_PATH = '/api/v1.1/workflows/import_and_start_batch_task';

/** A request of one profile; `workflow_id` tells the contrarian upstream how to answer. */
export const batch = (workflowId: number, extra: Record<string, unknown> = {}) => ({
  token: 'contrarian-token-0123456789',
  workflow_id: workflowId,
  matching: 'email',
  data: [{ data: { email: 'alice@example.com', _fname: 'Alice' } }],
  ...extra,
});

type Answer = { status: number; statusText?: string; headers?: Record<string, string>; body: string };
const json = (status: number, body: unknown, headers: Record<string, string> = {}): Answer => ({ status, headers: { 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(body) });
const xml = (status: number, body: string): Answer => ({ status, headers: { 'Content-Type': 'application/xml' }, body });
const OK_RESULT = { error: 0, error_text: 'Successful operation', result: [{ profile_id: '6613c4754a5d12bd6cc0915f' }] };

/**
 * What the contrarian upstream answers, by the request's workflow_id: each answer breaks one of
 * the contract's assumptions, the way another platform version might.
 */
export const CONTRARIAN: Record<number, (isXml: boolean) => Answer> = {
  // Fields the contract does not declare: sibling endpoints' `data: null`, per-item errors.
  1: (isXml) =>
    isXml
      ? xml(200, '<xml><error>0</error><error_text>Successful operation</error_text><data/><result><profile_id>6613c4754a5d12bd6cc0915f</profile_id><error>0</error><error_text>ok</error_text><extra_flag>true</extra_flag></result></xml>')
      : json(200, { ...OK_RESULT, data: null, result: [{ profile_id: '6613c4754a5d12bd6cc0915f', error: 0, error_text: 'ok', extra_flag: true }] }),
  // The task id nested as profiles/get_all nests it.
  2: (isXml) =>
    isXml
      ? xml(200, '<xml><error>0</error><error_text>Successful operation</error_text><data><task_id>6613c5a84a5d12bd6cc09200</task_id></data></xml>')
      : json(200, { error: 0, error_text: 'Successful operation', data: { task_id: '6613c5a84a5d12bd6cc09200' } }),
  // HTTP 200 carrying an error envelope, with a code no page lists.
  3: () => json(200, { error: 13, error_text: 'Scenario not found' }),
  // XML whatever the request's encoding.
  4: () => xml(200, '<xml><error>0</error><error_text>Successful operation</error_text><result><profile_id>6613c4754a5d12bd6cc0915f</profile_id></result></xml>'),
  // An unknown error code and a header no page mentions.
  5: () => json(400, { error: 1042, error_text: 'Limit of scenario runs', error_debug: 'runs' }, { 'X-Quota-Remaining': '0' }),
  // A status the contract does not declare.
  6: () => json(418, { error: 418, error_text: "I'm a teapot" }),
  // Rate limited, with headers of its own.
  7: () => json(429, { error: 429, error_text: 'Too many requests' }, { 'Retry-After': '3', 'X-RateLimit-Limit': '10' }),
  // JSON whatever the request's encoding (an XML request without `format`).
  8: () => json(200, OK_RESULT),
  // An answer even the contract tier refuses: result is no list.
  10: () => json(200, { error: 0, error_text: 'Successful operation', result: 'none' }),
  // A plain, contract-abiding answer in the request's encoding.
  9: (isXml) => (isXml ? xml(200, '<xml><error>0</error><error_text>Successful operation</error_text><result><profile_id>6613c4754a5d12bd6cc0915f</profile_id></result></xml>') : json(200, OK_RESULT)),
};

/** Starts the contrarian upstream; stop it with `close()`. */
export async function startContrarian(): Promise<{ url: string; close: () => Promise<void> }> {
  const server: Server = createServer(async (req, res) => {
    let body = '';
    for await (const chunk of req) body += chunk;
    const isXml = (req.headers['content-type'] ?? '').includes('xml');
    const id = Number(/"workflow_id"\s*:\s*(\d+)/.exec(body)?.[1] ?? /<workflow_id>(\d+)<\/workflow_id>/.exec(body)?.[1] ?? 9);
    const answer = (CONTRARIAN[id] ?? CONTRARIAN[9]!)(isXml);
    res.writeHead(answer.status, answer.statusText ?? '', answer.headers).end(answer.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

export const tempDir = (prefix: string) => mkdtempSync(join(tmpdir(), `altcraft-${prefix}-`));

/** A recording proxy in front of `upstream`, its log lines kept in `log`. */
export async function recordingProxy(upstream: string, dir: string, extra: { values?: boolean; maxFiles?: number; maxBytes?: number } = {}) {
  const log: string[] = [];
  const proxy: RunningMock = await startProxy({ upstream, port: 0, report: (line) => log.push(line), record: { dir, ...extra } });
  return { proxy, log };
}

/** Posts a body (a JSON value, or XML when `asXml`) through `base`. */
export function post(base: string, path: string, value: Record<string, unknown>, asXml = false, headers: Record<string, string> = {}): Promise<RawAnswer> {
  const body = asXml ? requestXml.encode(value) : JSON.stringify(value);
  return send(base + path, { headers: { 'Content-Type': asXml ? 'application/xml' : 'application/json', ...headers }, body });
}
