import { connect } from 'node:net';
import { request as httpRequest } from 'node:http';
import { MAX_BODY_BYTES } from '@altcraft-api/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningMock } from '../src/http.js';
import { startMock } from '../src/server.js';
import { send } from './support/http.js';

const PATH = '/api/v1.1/workflows/import_and_start_batch';
const TOO_LARGE = { error: 400, error_text: 'Invalid request', error_debug: 'http: request body too large' };

/** A valid request padded to exactly `bytes` bytes. */
function paddedBody(bytes: number): string {
  const head = '{"token":"abcdefghijklmnqrstuvwxyz","workflow_id":12,"data":[{"data":{"email":"a@example.com","note":"';
  const tail = '"}}]}';
  return head + 'x'.repeat(bytes - head.length - tail.length) + tail;
}

let mock: RunningMock;
beforeAll(async () => {
  mock = await startMock({ port: 0 });
});
afterAll(() => mock.close());

describe('the body limit', () => {
  it('accepts a body of exactly 10,485,760 bytes', async () => {
    const answer = await send(mock.url + PATH, { headers: { 'Content-Type': 'application/json' }, body: paddedBody(MAX_BODY_BYTES) });
    expect(answer.status).toBe(200);
  });

  it('refuses a chunked body (no Content-Length) once it passes the limit', async () => {
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = httpRequest(mock.url + PATH, { method: 'POST', headers: { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' } }, (res) => {
        let body = '';
        res.on('data', (chunk) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode!, body }));
      });
      req.on('error', () => undefined);
      const chunk = Buffer.alloc(1024 * 1024, 'x');
      for (let i = 0; i < 11; i++) req.write(chunk);
      req.end();
      req.on('timeout', reject);
    });
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body)).toEqual(TOO_LARGE);
  });

  it('answers a 100 MB upload before it is sent, without reading it', async () => {
    const { port } = new URL(mock.url);
    const socket = connect(Number(port), '127.0.0.1');
    let sent = 0;
    const answer = await new Promise<string>((resolve, reject) => {
      let received = '';
      socket.on('data', (chunk) => {
        received += chunk;
        if (received.includes('\r\n\r\n') && received.includes('}')) resolve(received);
      });
      socket.on('error', reject);
      socket.write(`POST ${PATH} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${100 * 1024 * 1024}\r\n\r\n`);
      // Send the first 1 MB only; the answer must come without the other 99.
      sent += 1024 * 1024;
      socket.write(Buffer.alloc(1024 * 1024, 'x'));
    });
    socket.destroy();
    expect(sent).toBeLessThan(100 * 1024 * 1024);
    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    expect(answer).toMatch(/connection: close/i);
    expect(JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4))).toEqual(TOO_LARGE);
  });
});
