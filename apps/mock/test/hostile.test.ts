import { responseXml } from '@altcraft-api/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningMock } from '../src/http.js';
import { startMock } from '../src/server.js';
import { send } from './support/http.js';

const PATH = '/api/v1.1/workflows/import_and_start_batch';
const logged: string[] = [];

let mock: RunningMock;
beforeAll(async () => {
  mock = await startMock({ port: 0, log: (line) => logged.push(line) });
  await mock.prismReady;
});
afterAll(() => mock.close());

const post = (body: string, headers: Record<string, string> = {}) => send(mock.url + PATH, { headers: { 'Content-Type': 'application/json', ...headers }, body });

/** JSON text of `depth` arrays or objects around 1. */
const nested = (depth: number, kind: 'array' | 'object') => (kind === 'array' ? '['.repeat(depth) + '1' + ']'.repeat(depth) : '{"a":'.repeat(depth) + '1' + '}'.repeat(depth));

describe('bad input never gets a 5xx', () => {
  it('a refused field whose name has a control character, answered in XML: a well-formed 400 quoting it as \\u0001', async () => {
    const deep = '['.repeat(20_000) + ']'.repeat(20_000);
    const answer = await post(`{"token":"t","workflow_id":12,"format":"xml","bad\\u0001name":${deep},"data":[{"data":{"email":"a@example.com"}}]}`);
    expect(answer.status).toBe(400);
    expect(answer.headers['content-type']).toContain('application/xml');
    const envelope = responseXml('importAndStartBatch', 400).decode(answer.body) as { error: number; error_debug: string };
    expect(envelope.error).toBe(400);
    expect(envelope.error_debug).toMatch(/^\/bad\\u0001name: /);
  });

  it('an unknown field whose name has a control character, answered in XML: 200, the warning header in ASCII, the log line escaped', async () => {
    const answer = await post(JSON.stringify({ token: 't', workflow_id: 12, format: 'xml', 'bad\u0001\u001b[31mname': 1, data: [{ data: { email: 'a@example.com' } }] }));
    expect(answer.status).toBe(200);
    expect(responseXml('importAndStartBatch', 200).decode(answer.body)).toMatchObject({ error: 0 });
    expect(JSON.parse(String(answer.headers['x-altcraft-mock-warnings']))[0].pointer).toBe('/bad\u0001\u001b[31mname');
    expect(logged.at(-1)).toContain('/bad\\u0001\\u001b[31mname');
    expect(logged.at(-1)).not.toMatch(/[\u0000-\u001f]/);
  });

  it.each(['array', 'object'] as const)('a matched custom field nested 100,000 levels deep (%s): an answer, not a stack overflow', async (kind) => {
    const answer = await post(`{"token":"t","workflow_id":12,"matching":"custom","field_name":"f","data":[{"data":{"f":${nested(100_000, kind)}}}]}`);
    expect(answer.status).toBeLessThan(500);
    expect([200, 400]).toContain(answer.status);
    const envelope = JSON.parse(answer.body);
    expect(envelope.error).toBe(answer.status === 200 ? 0 : 400);
  });

  it.each(['array', 'object'] as const)('a profile nested 100,000 levels deep (%s): an answer, not a stack overflow', async (kind) => {
    for (const body of [
      `{"token":"t","workflow_id":12,"data":[{"data":{"email":"a@example.com","x":${nested(100_000, kind)}}}]}`,
      `{"token":"t","workflow_id":12,"data":[{"data":${nested(100_000, 'object')}}]}`,
      `{"token":"t","workflow_id":12,"data":[{"data":{"email":"a@example.com"}}],"x":${nested(100_000, kind)}}`,
    ]) {
      const answer = await post(body);
      expect([200, 400]).toContain(answer.status);
      expect(JSON.parse(answer.body).error).toBe(answer.status === 200 ? 0 : 400);
    }
  });

  it('an echoed profile_id XML cannot carry: a 400 in XML, not a 500', async () => {
    const answer = await post(JSON.stringify({ token: 't', workflow_id: 12, format: 'xml', matching: 'profile_id', data: [{ data: { profile_id: 'a\u0001b' } }] }));
    expect(answer.status).toBe(400);
    expect(responseXml('importAndStartBatch', 400).decode(answer.body)).toMatchObject({ error: 400, error_debug: expect.stringContaining('profile_id') });
  });

  it('a request target in absolute form with Prefer is routed by its path, naming nothing internal', async () => {
    const answer = await send(mock.url, {
      target: `http://other.example${PATH}`,
      headers: { 'Content-Type': 'application/json', Prefer: 'code=401' },
      body: JSON.stringify({ token: 't', workflow_id: 12, data: [{ data: { email: 'a@example.com' } }] }),
    });
    expect(answer.status).toBe(401);
    expect(JSON.parse(answer.body)).toMatchObject({ error: 401 });
    expect(answer.body).not.toMatch(/127\.0\.0\.1|localhost|prism/i);
  });

  it('a request target in absolute form without Prefer is answered like its path', async () => {
    const answer = await send(mock.url, {
      target: `http://other.example:1${PATH}?x=1`,
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ token: 't', workflow_id: 12, data: [{ data: { email: 'a@example.com' } }] }),
    });
    expect(answer.status).toBe(200);
  });
});

describe('Prefer', () => {
  const valid = JSON.stringify({ token: 't', workflow_id: 12, data: [{ data: { email: 'a@example.com' } }] });

  it('code=429 sends the Retry-After header the contract declares, with a wait a client can honour (at least 1 s)', async () => {
    const answer = await post(valid, { Prefer: 'code=429' });
    expect(answer.status).toBe(429);
    expect(answer.headers['retry-after']).toMatch(/^\d+$/);
    expect(Number(answer.headers['retry-after'])).toBeGreaterThanOrEqual(1);
  });

  it.each([
    ['code=418', /code=418 .*200 \(.+\).*400.*429/],
    ['example=nope', /example=nope .*200 \(.+\)/],
    ['code=400, example=nope', /example=nope is not an example of code 400/],
  ])('%s: 400 in the API envelope listing the valid codes and example names', async (prefer, debug) => {
    const answer = await post(valid, { Prefer: prefer });
    expect(answer.status).toBe(400);
    expect(answer.headers['content-type']).toContain('application/json');
    const envelope = JSON.parse(answer.body);
    expect(envelope).toMatchObject({ error: 400, error_text: 'Invalid request' });
    expect(envelope.error_debug).toMatch(debug);
  });

  it('an unknown Prefer in an XML request is answered in XML', async () => {
    const answer = await send(mock.url + PATH, {
      headers: { 'Content-Type': 'application/xml', Prefer: 'code=418' },
      body: '<xml><token>t</token><workflow_id>12</workflow_id><data><email>a@example.com</email></data></xml>',
    });
    expect(answer.status).toBe(400);
    expect(responseXml('importAndStartBatch', 400).decode(answer.body)).toMatchObject({ error: 400, error_debug: expect.stringContaining('code=418') });
  });
});

it('takes a client leaving mid-upload in its stride: no failure logged, the next request answered', async () => {
  const { connect } = await import('node:net');
  const socket = connect(Number(new URL(mock.url).port), '127.0.0.1');
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  socket.write(`POST ${PATH} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"token":"t",`);
  await new Promise((resolve) => setTimeout(resolve, 200));
  socket.destroy();
  await new Promise((resolve) => setTimeout(resolve, 200));
  const answer = await post(JSON.stringify({ token: 't', workflow_id: 12, data: [{ data: { email: 'a@example.com' } }] }));
  expect(answer.status).toBe(200);
});

it('logged no failure of its own for any of the above', () => {
  expect(logged.filter((line) => line.includes('failed to answer'))).toEqual([]);
});
