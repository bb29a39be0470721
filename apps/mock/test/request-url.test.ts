// The API interaction page lets the token and the answer's format travel in the URL query, and
// the answer's format be chosen by a header (spec/DECISIONS.md rows 33 and 34): the mock honours
// them, and a token that came in a URL never reaches a log line, a header or an answer.
import type { IncomingMessage } from 'node:http';
import { responseXml } from '@altcraft-api/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningMock } from '../src/http.js';
import { formatOfAccept, outsideBody } from '../src/request-url.js';
import { startMock } from '../src/server.js';
import { send, type RawAnswer } from './support/http.js';

const PATH = '/api/v1.1/workflows/import_and_start_batch';
const TASK_PATH = '/api/v1.1/workflows/import_and_start_batch_task';
const SECRET = 'q9Zt0kenInTheUrl7Xc';
const batch = { workflow_id: 12, data: [{ data: { email: 'a@example.com' } }] };
const logged: string[] = [];

let mock: RunningMock;
beforeAll(async () => {
  mock = await startMock({ port: 0, log: (line) => logged.push(line) });
});
afterAll(() => mock.close());

const post = (target: string, body: unknown, headers: Record<string, string> = {}) =>
  send(mock.url + target, { headers: { 'Content-Type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });

describe('formatOfAccept', () => {
  it.each([
    [undefined, undefined],
    ['*/*', undefined],
    ['application/xml', 'xml'],
    ['application/json', 'json'],
    ['text/html, application/xml;q=0.9, */*;q=0.8', 'xml'],
    ['application/json, application/xml', undefined],
    ['application/xml;q=0, application/json', 'json'],
    ['APPLICATION/XML', 'xml'],
    ['application/xml+foo', undefined],
  ])('%s: %s', (accept, format) => expect(formatOfAccept(accept)).toBe(format));
});

describe('outsideBody', () => {
  const of = (url: string, accept?: string) => outsideBody({ url, headers: accept ? { accept } : {} } as IncomingMessage);
  it('reads a non-empty token and a known format from the query', () => {
    expect(of(`${PATH}?token=${SECRET}&format=xml`)).toEqual({ token: SECRET, format: 'xml' });
    expect(of(`${PATH}?token=&format=csv`)).toEqual({});
  });
  it('prefers the query format to Accept', () => {
    expect(of(`${PATH}?format=json`, 'application/xml')).toEqual({ format: 'json' });
    expect(of(PATH, 'application/xml')).toEqual({ format: 'xml' });
  });
});

describe('the mock honours the URL query and Accept', () => {
  it('a token in the query authenticates', async () => {
    const answer = await post(`${PATH}?token=${SECRET}`, batch);
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toMatchObject({ error: 0, result: [{ profile_id: expect.any(String) }] });
  });

  it('without a token anywhere: 401 "API token required", the old API interaction page\'s text', async () => {
    const answer = await post(`${PATH}?token=`, batch);
    expect(answer.status).toBe(401);
    expect(JSON.parse(answer.body)).toMatchObject({ error: 401, error_text: 'API token required' });
  });

  it('format=xml in the query answers a JSON request in XML, the task operation too', async () => {
    for (const [path, operationId] of [[PATH, 'importAndStartBatch'], [TASK_PATH, 'importAndStartBatchTask']] as const) {
      const answer = await post(`${path}?format=xml`, { ...batch, token: 't' });
      expect(answer.headers['content-type']).toContain('application/xml');
      expect(responseXml(operationId, 200).decode(answer.body)).toMatchObject({ error: 0 });
    }
  });

  it('Accept: application/xml answers a JSON request in XML; the body format comes first', async () => {
    const byAccept = await post(PATH, { ...batch, token: 't' }, { Accept: 'application/xml' });
    expect(byAccept.headers['content-type']).toContain('application/xml');
    const byBody = await post(`${PATH}?format=xml`, { ...batch, token: 't', format: 'json' }, { Accept: 'application/xml' });
    expect(byBody.headers['content-type']).toContain('application/json');
  });

  it('a 401 for a request with format=xml in the query comes in XML', async () => {
    const answer = await post(`${PATH}?format=xml`, batch);
    expect(answer.status).toBe(401);
    expect(responseXml('importAndStartBatch', 401).decode(answer.body)).toMatchObject({ error: 401, error_text: 'API token required' });
  });
});

describe('hostile: a token in the URL never leaves the request', () => {
  it('is in no answer, header or log line, whatever the request gets', async () => {
    const q = `token=${SECRET}`;
    const answers: RawAnswer[] = [
      await post(`${PATH}?${q}`, batch),
      await post(`${PATH}?${q}&format=xml`, { ...batch, skip_trigers: true }),
      await post(`${PATH}?${q}`, { ...batch, workflow_id: 'twelve' }),
      await post(`${PATH}?${q}`, '{"workflow_id": 12, "data": [', {}),
      await post(`${PATH}?${q}`, batch, { 'Content-Type': 'text/plain' }),
      await post(`/api/v1.1/nowhere?${q}`, batch),
      await send(`${mock.url}${PATH}?${q}`, { method: 'GET' }),
      await send(mock.url, { target: `http://127.0.0.1${PATH}?${q}`, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ ...batch, 'bad\u0001': 1 }) }),
      await post(`${PATH}?${q}`, { ...batch, data: [{ data: { email: SECRET.slice(0, 6) } }] }),
    ];
    expect(answers.map((a) => a.status)).toEqual([200, 200, 400, 400, 400, 404, 405, 200, 200]);
    expect(logged.some((line) => line.includes('skip_trigers'))).toBe(true);
    for (const answer of answers) {
      expect(answer.body).not.toContain(SECRET);
      expect(JSON.stringify(answer.headers)).not.toContain(SECRET);
    }
    expect(logged.join('\n')).not.toContain(SECRET);
  });
});
