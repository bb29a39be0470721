import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProxy } from '../src/proxy.js';
import type { RunningMock } from '../src/http.js';
import { send } from './support/http.js';

const PATH = '/api/v1.1/workflows/import_and_start_batch';
const OK_JSON = JSON.stringify({ error: 0, error_text: 'Successful operation', result: [{ profile_id: '6613c4754a5d12bd6cc0915f' }] });
const OK_XML = '<xml><error>0</error><error_text>Successful operation</error_text><result><profile_id>6613c4754a5d12bd6cc0915f</profile_id></result></xml>';

let upstream: Server;
// A second origin an upstream redirect points at: it must never be reached through the proxy.
let elsewhere: Server;
let elsewhereUrl: string;
const elsewhereGot: string[] = [];
const received: string[] = [];
const reports: string[] = [];
let proxy: RunningMock;

beforeAll(async () => {
  // A stand-in for the platform: answers in the request's encoding, or breaks the contract on demand.
  upstream = createServer(async (req, res) => {
    let body = '';
    for await (const chunk of req) body += chunk;
    received.push(body);
    const redirect = /redirect-(30[12378])/.exec(body);
    if (redirect) {
      res.writeHead(Number(redirect[1]), { Location: `${elsewhereUrl}/api/v1.1/workflows/import_and_start_batch` }).end();
      return;
    }
    const xml = String(req.headers['content-type']).includes('xml');
    const broken = body.includes('broken-answer');
    res.writeHead(200, { 'Content-Type': xml ? 'application/xml' : 'application/json' });
    res.end(broken ? (xml ? '<xml><error>0</error><error_text>ok</error_text></xml>' : '{"error":0,"error_text":"ok"}') : xml ? OK_XML : OK_JSON);
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  elsewhere = createServer(async (req, res) => {
    let body = '';
    for await (const chunk of req) body += chunk;
    elsewhereGot.push(`${req.method} ${req.headers.authorization ?? ''} ${body}`);
    res.writeHead(200, { 'Content-Type': 'application/json' }).end(OK_JSON);
  });
  await new Promise<void>((resolve) => elsewhere.listen(0, '127.0.0.1', resolve));
  elsewhereUrl = `http://127.0.0.1:${(elsewhere.address() as AddressInfo).port}`;
  const { port } = upstream.address() as AddressInfo;
  proxy = await startProxy({ port: 0, upstream: `http://127.0.0.1:${port}`, report: (line) => reports.push(line) });
  await proxy.prismReady;
});

afterAll(async () => {
  await proxy.close();
  await new Promise((resolve) => upstream.close(resolve));
  await new Promise((resolve) => elsewhere.close(resolve));
});

const violationsOf = (headers: Record<string, unknown>) => JSON.parse(String(headers['sl-violations'] ?? '[]')) as { location: string[]; message: string }[];
const post = (contentType: string, body: string) => send(proxy.url + PATH, { headers: { 'Content-Type': contentType, Authorization: 'Bearer t' }, body });

describe('proxy mode', () => {
  it('forwards a valid JSON request and its answer untouched, without violations', async () => {
    const body = JSON.stringify({ workflow_id: 12, data: [{ data: { email: 'a@example.com' } }] });
    const answer = await post('application/json', body);
    expect(answer.status).toBe(200);
    expect(answer.body).toBe(OK_JSON);
    expect(received.at(-1)).toBe(body);
    expect(violationsOf(answer.headers)).toEqual([]);
  });

  it('forwards a valid XML request without the violations Prism alone would report', async () => {
    const body = '<xml><workflow_id>12</workflow_id><data><email>a@example.com</email></data></xml>';
    const answer = await post('application/xml', body);
    expect(answer.status).toBe(200);
    expect(received.at(-1)).toBe(body);
    expect(answer.body).toBe(OK_XML);
    expect(violationsOf(answer.headers)).toEqual([]);
  });

  it('reports an invalid JSON request (Prism) and still forwards it', async () => {
    const reported = reports.length;
    const answer = await post('application/json', JSON.stringify({ workflow_id: 'twelve', data: [{ data: { email: 'a@example.com' } }] }));
    expect(answer.status).toBe(200);
    expect(violationsOf(answer.headers).some((v) => v.location.join('.').startsWith('request.body'))).toBe(true);
    expect(reports.length).toBe(reported + 1);
  });

  it('reports an invalid XML request at its pointer (the contract codec)', async () => {
    const answer = await post('application/xml', '<xml><workflow_id>twelve</workflow_id><data><email>a@example.com</email></data></xml>');
    expect(violationsOf(answer.headers)).toEqual([{ location: ['request', 'body', 'workflow_id'], severity: 'Error', code: 'contract', message: 'must be integer' }]);
    expect(reports.at(-1)).toContain('request.body.workflow_id: must be integer');
  });

  it('forwards a request sent with Expect: 100-continue (a hop-by-hop header, not passed on)', async () => {
    const body = JSON.stringify({ workflow_id: 12, data: [{ data: { email: 'a@example.com' } }] });
    const answer = await send(proxy.url + PATH, { headers: { 'Content-Type': 'application/json', Authorization: 'Bearer t', Expect: '100-continue' }, body });
    expect(answer.status).toBe(200);
    expect(answer.body).toBe(OK_JSON);
  });

  it('answers a body over 10 MiB as the platform does, without forwarding it', async () => {
    const before = received.length;
    const answer = await send(proxy.url + PATH, { headers: { 'Content-Type': 'application/json', Authorization: 'Bearer t' }, body: Buffer.alloc(10_485_761, 'x') });
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body)).toEqual({ error: 400, error_text: 'Invalid request', error_debug: 'http: request body too large' });
    expect(received.length).toBe(before);
    expect(reports.at(-1)).toContain('not forwarded');
  });

  it("lists the advice tier's warnings as Prism's Warning severity, and still forwards", async () => {
    const answer = await post('application/json', JSON.stringify({ workflow_id: 12, data: [{ data: { email: 'not-an-email' } }] }));
    expect(answer.status).toBe(200);
    expect(violationsOf(answer.headers)).toEqual([{ location: ['request', 'body', 'data', '0', 'data', 'email'], severity: 'Warning', code: 'advice', message: expect.any(String) }]);
  });

  it('reports an answer of the upstream that breaks the contract, in JSON and in XML', async () => {
    const json = await post('application/json', JSON.stringify({ workflow_id: 12, data: [{ data: { email: 'a@example.com', note: 'broken-answer' } }] }));
    expect(violationsOf(json.headers).some((v) => v.location[0] === 'response')).toBe(true);
    const xml = await post('application/xml', '<xml><workflow_id>12</workflow_id><data><note>broken-answer</note></data></xml>');
    expect(violationsOf(xml.headers)).toContainEqual({ location: ['response', 'body', 'result'], severity: 'Error', code: 'contract', message: 'is required' });
  });
});

describe('an upstream redirect', () => {
  it.each(['301', '302', '303', '307', '308'])('%s is never followed: the token stays with the upstream, the answer names the Location', async (status) => {
    const reported = reports.length;
    const answer = await send(proxy.url + PATH, {
      headers: { 'Content-Type': 'application/json', Authorization: 'Bearer secret-token-value' },
      body: JSON.stringify({ workflow_id: 12, data: [{ data: { email: 'a@example.com', note: `redirect-${status}` } }] }),
    });
    expect(elsewhereGot).toEqual([]);
    expect(answer.status).toBe(502);
    expect(answer.headers.location).toBeUndefined();
    const envelope = JSON.parse(answer.body);
    expect(envelope).toMatchObject({ error: 502, error_text: 'Bad gateway' });
    expect(envelope.error_debug).toContain(`answered ${status}`);
    expect(envelope.error_debug).toContain(`${elsewhereUrl}/api/v1.1/workflows/import_and_start_batch`);
    expect(answer.body).not.toContain('secret-token-value');
    expect(reports.length).toBe(reported + 1);
    expect(reports.at(-1)).toContain(`${elsewhereUrl}/api/v1.1`);
    expect(reports.at(-1)).not.toContain('secret-token-value');
  });
});

it('sends a request whose target names another origin (absolute form) to the upstream only', async () => {
  const before = received.length;
  const answer = await send(proxy.url, {
    target: `${elsewhereUrl}${PATH}`,
    headers: { 'Content-Type': 'application/json', Authorization: 'Bearer secret-token-value' },
    body: JSON.stringify({ workflow_id: 12, data: [{ data: { email: 'a@example.com' } }] }),
  });
  expect(answer.status).toBe(200);
  expect(received.length).toBe(before + 1);
  expect(elsewhereGot).toEqual([]);
});
