// The journal as a team's tests reach it: over HTTP under /__mock/, every answer held to the
// admin OpenAPI document, against a running mock (and the proxy, which keeps one only if asked).
import { createServer, type Server } from 'node:http';
import { Agent, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { requestXml, responseXml } from '@altcraft-api/contract';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { JournalEntry, ProfileRecord } from '../src/journal.js';
import { startMock, type RunningMock } from '../src/index.js';
import { startProxy } from '../src/proxy.js';
import { expectAdminAnswer } from './support/admin-schema.js';

const SIZE = 100;
const OPERATION = '/api/v1.1/workflows/import_and_start_batch';
let mock: RunningMock;

beforeAll(async () => {
  mock = await startMock({ port: 0, journalSize: SIZE, log: () => undefined });
});
afterAll(() => mock?.close());
beforeEach(async () => {
  const cleared = await admin('DELETE', '/__mock/requests');
  expect(cleared.status).toBe(200);
});

/** An admin request; its answer is checked against the admin document before the test sees it. */
async function admin(method: string, target: string, origin = mock.url): Promise<{ status: number; text: string; json: any }> {
  const response = await fetch(origin + target, { method });
  const text = await response.text();
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  const json = JSON.parse(text);
  expectAdminAnswer(method, new URL(target, 'http://x').pathname, response.status, json);
  return { status: response.status, text, json };
}

const post = (body: string, headers: Record<string, string> = {}, target = OPERATION) =>
  fetch(mock.url + target, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body });

const requests = async (query = '') => (await admin('GET', `/__mock/requests${query}`)).json.requests as JournalEntry[];

describe('GET /__mock/requests', () => {
  it('holds no token: in the body, the Authorization header or ?token=, in JSON and XML, echoed or quoted', async () => {
    const token = 'Tok3n-that-must-not-leak';
    const profiles = [{ data: { email: 'a@example.com', note: `copy of ${token}` } }];
    // Body token, echoed back by a profile_id match (the answer carries it) and in a field name.
    await post(JSON.stringify({ token, workflow_id: 1, matching: 'profile_id', data: [{ data: { profile_id: token } }] }));
    await post(JSON.stringify({ workflow_id: 1, data: profiles }), { Authorization: `Bearer ${token}` });
    await post(JSON.stringify({ workflow_id: 1, data: profiles }), {}, `${OPERATION}?token=${token}`);
    // Refused: the violation quotes the field name that holds the token.
    await post(JSON.stringify({ token, workflow_id: 1, data: [{ data: { email: 'a@example.com', [token]: 1 } }] }), { Prefer: 'code=400' });
    const xml = (withToken: boolean) => requestXml.encode({ ...(withToken ? { token } : {}), workflow_id: 1, data: profiles });
    const postXml = (body: string, headers: Record<string, string> = {}, target = OPERATION) =>
      fetch(mock.url + target, { method: 'POST', headers: { 'Content-Type': 'application/xml', ...headers }, body });
    await postXml(xml(true));
    await postXml(xml(false), { Authorization: `Bearer ${token}` });
    await postXml(xml(false), {}, `${OPERATION}?token=${token}`);
    const listed = await admin('GET', '/__mock/requests');
    expect(listed.json.requests.map((r: JournalEntry) => r.encoding)).toEqual(['json', 'json', 'json', 'json', 'xml', 'xml', 'xml']);
    expect(listed.json.requests[0].answer.result[0].profile_id).toBe('[redacted]');
    expect(listed.text).not.toContain(token);
    expect((await admin('GET', '/__mock/profiles')).text).not.toContain(token);
  });

  it('keeps the body as JSON.parse reads it (less the token), and an XML body as its JSON twin', async () => {
    const body = { token: 'secret-token', workflow_id: 7, matching: 'email', data: [{ data: { email: 'ü@example.com', name: 'Zoë', phones: ['+79990000000'] } }] };
    const json = await post(JSON.stringify(body));
    const jsonAnswer = await json.json();
    const xml = await fetch(mock.url + OPERATION, { method: 'POST', headers: { 'Content-Type': 'application/xml' }, body: requestXml.encode(body) });
    const xmlAnswer = responseXml('importAndStartBatch').decode(await xml.text());
    const [fromJson, fromXml] = await requests();
    const { token: _token, ...expected } = body;
    expect(fromJson!.body).toEqual(expected);
    expect(fromXml!.body).toEqual(expected);
    expect(fromJson!.answer).toEqual(jsonAnswer);
    expect(fromXml!.answer).toEqual(xmlAnswer);
    expect(fromJson).toMatchObject({ method: 'POST', path: OPERATION, operation: 'importAndStartBatch', workflow_id: 7, status: 200, violations: [] });
    // The warnings are the ones the answer's headers list.
    expect(fromJson!.warning_count).toBe(Number(json.headers.get('x-altcraft-mock-warning-count') ?? 0));
    expect(fromJson!.warnings).toEqual(JSON.parse(json.headers.get('x-altcraft-mock-warnings') ?? '[]'));
  });

  it("keeps a body's warnings and violations, with the status answered", async () => {
    await post(JSON.stringify({ token: 't', workflow_id: 1, data: [{ data: { email: 'not-an-email' } }] }));
    await post(JSON.stringify({ token: 't', workflow_id: 'one', data: [{ data: { email: 'a@example.com' } }] }));
    await post('{"token": "t", ');
    const [warned, refused, malformed] = await requests();
    expect(warned).toMatchObject({ status: 200, warning_count: 1, warnings: [{ pointer: '/data/0/data/email' }] });
    expect(refused).toMatchObject({ status: 400, violations: [{ pointer: '/workflow_id' }], answer: { error: 400 } });
    expect(malformed).toMatchObject({ status: 400, body: null, encoding: null, answer: { error: 400, error_debug: expect.stringMatching(/^malformed JSON/) } });
  });

  it("keeps Prism's example answers (Prefer) as values", async () => {
    await mock.prismReady;
    const answer = await post(JSON.stringify({ token: 't', workflow_id: 1, data: [{ data: { email: 'a@example.com' } }] }), { Prefer: 'code=401' });
    expect(answer.status).toBe(401);
    const [entry] = await requests();
    expect(entry).toMatchObject({ status: 401, answer: await answer.json() });
  });

  it('filters by operation, workflow_id and since, and pages with after and next_after', async () => {
    const body = (workflowId: number) => JSON.stringify({ token: 't', workflow_id: workflowId, data: [{ data: { email: 'a@example.com' } }] });
    for (const workflowId of [1, 2, 1, 1]) await post(body(workflowId));
    await post(body(1), {}, '/api/v1.1/workflows/import_and_start_batch_task');
    expect((await requests('?workflow_id=1')).map((r) => r.workflow_id)).toEqual([1, 1, 1, 1]);
    expect((await requests('?operation=importAndStartBatchTask')).map((r) => r.operation)).toEqual(['importAndStartBatchTask']);
    const all = await requests();
    expect(await requests(`?since=${encodeURIComponent(all[3]!.time)}`)).toEqual(all.filter((r) => r.time >= all[3]!.time));
    expect(await requests(`?since=${new Date(Date.now() + 60_000).toISOString()}`)).toEqual([]);

    const first = await admin('GET', '/__mock/requests?workflow_id=1&limit=3');
    expect(first.json).toMatchObject({ total: 4, capacity: SIZE, next_after: first.json.requests[2].id });
    const second = await admin('GET', `/__mock/requests?workflow_id=1&limit=3&after=${first.json.next_after}`);
    expect(second.json.requests.length).toBe(1);
    expect(second.json.next_after).toBeNull();
    expect([...first.json.requests, ...second.json.requests]).toEqual(await requests('?workflow_id=1'));
  });

  it('answers bad parameters, unknown paths and methods in the envelope', async () => {
    for (const query of ['?limit=0', '?limit=1001', '?workflow_id=x', '?since=yesterday', '?operation=nope', '?operation=__proto__', '?operation=constructor', '?operation=toString', '?token=abc']) {
      const answer = await admin('GET', `/__mock/requests${query}`);
      expect(answer.status, query).toBe(400);
      expect(answer.json.error_debug).not.toContain('abc');
    }
    const unknown = await fetch(`${mock.url}/__mock/nothing`);
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: 404, error_text: 'Not found' });
    const wrong = await fetch(`${mock.url}/__mock/profiles`, { method: 'DELETE' });
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('GET');
    // Admin and health requests are not journalled.
    await fetch(`${mock.url}/health`);
    expect(await requests()).toEqual([]);
  });

  it('serves its own OpenAPI document', async () => {
    const { json } = await admin('GET', '/__mock/openapi.json');
    expect(json.openapi).toBe('3.1.0');
    expect(Object.keys(json.paths).every((path) => path.startsWith('/__mock/'))).toBe(true);
  });

  it('stays within --journal-size under 10,000 requests', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 8 });
    const small = (i: number) => JSON.stringify({ token: 't', workflow_id: i, data: [{ data: { email: `u${i}@example.com` } }] });
    const send = (i: number) =>
      new Promise<number>((resolve, reject) => {
        const req = request(mock.url + OPERATION, { method: 'POST', agent, headers: { 'Content-Type': 'application/json' } }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode!));
        });
        req.on('error', reject);
        req.end(small(i));
      });
    let next = 0;
    const worker = async () => {
      while (next < 10_000) expect(await send(next++)).toBe(200);
    };
    await Promise.all(Array.from({ length: 8 }, worker));
    agent.destroy();
    const page = await admin('GET', '/__mock/requests?limit=1000');
    expect(page.json.total).toBe(SIZE);
    expect(new Set(page.json.requests.map((r: JournalEntry) => r.workflow_id)).size).toBe(SIZE);
    expect(Math.min(...page.json.requests.map((r: JournalEntry) => r.workflow_id))).toBeGreaterThanOrEqual(10_000 - SIZE - 8);
  }, 120_000);
});

describe('GET /__mock/profiles', () => {
  it('lists what each workflow received, with the ids the mock answered and the fields sent', async () => {
    const into12 = [{ data: { email: 'a@example.com', name: 'A' } }, { data: { email: 'b@example.com', city: 'Riga' } }];
    const answer = (await (await post(JSON.stringify({ token: 't', workflow_id: 12, data: into12 }))).json()) as { result: { profile_id: string }[] };
    await post(JSON.stringify({ token: 't', workflow_id: 13, data: [{ data: { email: 'c@example.com' } }] }));
    await post(JSON.stringify({ token: 't', workflow_id: 12, data: [{ data: { email: 'bad' } }], matching: 'nope' }));
    await post(JSON.stringify({ token: 't', workflow_id: 12, data: [{ data: { email: 'd@example.com' } }] }), { Authorization: 'Bearer x' }, '/api/v1.1/workflows/import_and_start_batch_task');
    const { json } = await admin('GET', '/__mock/profiles?workflow_id=12');
    const profiles = json.profiles as ProfileRecord[];
    expect(profiles.map((p) => [p.operation, p.profile_id, p.fields])).toEqual([
      ['importAndStartBatch', answer.result[0]!.profile_id, into12[0]!.data],
      ['importAndStartBatch', answer.result[1]!.profile_id, into12[1]!.data],
      ['importAndStartBatchTask', null, { email: 'd@example.com' }],
    ]);
    expect((await admin('GET', '/__mock/profiles?workflow_id=14')).json.profiles).toEqual([]);
    expect((await admin('GET', '/__mock/profiles?workflow=12')).status).toBe(400);
  });
});

describe('the proxy', () => {
  let upstream: Server;
  const seen: string[] = [];
  beforeAll(async () => {
    upstream = createServer((req, res) => {
      seen.push(req.url!);
      req.resume();
      req.on('end', () => res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"error":0,"error_text":"Successful operation","result":[{"profile_id":"p1"}]}'));
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  });
  afterAll(() => new Promise((resolve) => (upstream.closeAllConnections(), upstream.close(resolve))));

  it('keeps no journal unless asked: /__mock/ goes upstream like any path', async () => {
    const proxy = await startProxy({ port: 0, upstream: `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`, report: () => undefined });
    try {
      await fetch(`${proxy.url}/__mock/requests`);
      expect(seen).toContain('/__mock/requests');
    } finally {
      await proxy.close();
    }
  });

  it('keeps one with journalSize (--journal), without the token', async () => {
    const proxy = await startProxy({ port: 0, upstream: `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`, report: () => undefined, journalSize: 10 });
    try {
      const token = 'proxy-token-123456';
      await fetch(proxy.url + OPERATION, { method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` }, body: JSON.stringify({ workflow_id: 5, data: [{ data: { email: 'a@example.com', x: token } }] }) });
      const { json, text } = await admin('GET', '/__mock/requests', proxy.url);
      expect(text).not.toContain(token);
      expect(json.requests[0]).toMatchObject({ workflow_id: 5, status: 200, answer: { result: [{ profile_id: 'p1' }] }, body: { data: [{ data: { x: '[redacted]' } }] } });
      expect((await admin('GET', '/__mock/profiles?workflow_id=5', proxy.url)).json.profiles[0]).toMatchObject({ profile_id: 'p1', fields: { email: 'a@example.com' } });
    } finally {
      await proxy.close();
    }
  });
});
