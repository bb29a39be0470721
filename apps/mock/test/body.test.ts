import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MAX_BODY_BYTES } from '@altcraft-api/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningMock } from '../src/http.js';
import { startMock } from '../src/server.js';
import { within } from './support/deadline.js';
import { send } from './support/http.js';

const PATH = '/api/v1.1/workflows/import_and_start_batch';
const TOO_LARGE = { error: 400, error_text: 'Invalid request', error_debug: 'http: request body too large' };
// Generous: these move tens of MiB through loopback on a loaded 2-core machine.
const DEADLINE_MS = 30_000;

/** A valid request padded to exactly `bytes` bytes. */
function paddedBody(bytes: number): string {
  const head = '{"token":"abcdefghijklmnqrstuvwxyz","workflow_id":12,"data":[{"data":{"email":"a@example.com","note":"';
  const tail = '"}}]}';
  return head + 'x'.repeat(bytes - head.length - tail.length) + tail;
}

/** Writes `head` on a raw socket, then `body` (if any), and resolves with what came back once an answer is complete. */
function rawExchange(port: number, head: string, body?: Buffer): Promise<{ answer: string; closed: Promise<void> }> {
  const socket = connect(port, '127.0.0.1');
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  return new Promise((resolve, reject) => {
    let received = '';
    socket.on('data', (chunk) => {
      received += chunk;
      const end = received.indexOf('\r\n\r\n');
      const length = /content-length: (\d+)/i.exec(received)?.[1];
      if (end >= 0 && length !== undefined && Buffer.byteLength(received.slice(end + 4)) >= Number(length)) resolve({ answer: received, closed });
    });
    socket.on('error', reject);
    socket.write(head);
    if (body) socket.write(body);
  });
}

const bodyOf = (answer: string) => JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4));

let mock: RunningMock;
let port: number;
beforeAll(async () => {
  mock = await startMock({ port: 0 });
  port = Number(new URL(mock.url).port);
});
afterAll(() => mock.close());

describe('the body limit', () => {
  it('accepts a body of exactly 10,485,760 bytes', async () => {
    const answer = await within(DEADLINE_MS, 'a 10 MiB body', send(mock.url + PATH, { headers: { 'Content-Type': 'application/json' }, body: paddedBody(MAX_BODY_BYTES) }));
    expect(answer.status).toBe(200);
  }, 60_000);

  it('refuses a chunked body (no Content-Length) once it passes the limit', async () => {
    const answer = await within(
      DEADLINE_MS,
      'an 11 MiB chunked body',
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = httpRequest(mock.url + PATH, { method: 'POST', headers: { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' } }, (res) => {
          let body = '';
          res.on('data', (chunk) => (body += chunk));
          res.on('end', () => resolve({ status: res.statusCode!, body }));
          res.on('error', reject);
        });
        req.on('error', () => undefined);
        const chunk = Buffer.alloc(1024 * 1024, 'x');
        for (let i = 0; i < 11; i++) req.write(chunk);
        req.end();
      }),
    );
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body)).toEqual(TOO_LARGE);
  }, 60_000);

  it('answers a 100 MB upload after its first MB, without waiting for the rest', async () => {
    // Only 1 MB of the declared 100 MB is ever sent: an answer that needed more never comes.
    const { answer } = await within(
      DEADLINE_MS,
      'a 100 MB upload cut after 1 MB',
      rawExchange(port, `POST ${PATH} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${100 * 1024 * 1024}\r\n\r\n`, Buffer.alloc(1024 * 1024, 'x')),
    );
    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    expect(answer).toMatch(/connection: close/i);
    expect(bodyOf(answer)).toEqual(TOO_LARGE);
  }, 60_000);

  it('lets a raw client send its whole oversized upload and read the 400, then closes', async () => {
    const { answer, closed } = await within(
      DEADLINE_MS,
      'a raw 10 MiB + 1 upload',
      rawExchange(port, `POST ${PATH} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${MAX_BODY_BYTES + 1}\r\n\r\n`, Buffer.alloc(MAX_BODY_BYTES + 1, 'x')),
    );
    expect(bodyOf(answer)).toEqual(TOO_LARGE);
    await within(DEADLINE_MS, 'the mock closing the connection', closed);
  }, 60_000);

  it('a client that sends its whole upload (over 2 s) before reading anything still gets the 400', async () => {
    // What fetch and Postman do: the answer is read only once the body is out. A mock that
    // closes early makes the rest of the upload fail with EPIPE, and the answer is never read.
    const socket = connect(port, '127.0.0.1');
    try {
      await within(DEADLINE_MS, 'connecting', new Promise((resolve) => socket.once('connect', resolve)));
      socket.pause();
      let failure: Error | undefined;
      socket.on('error', (error) => (failure = error));
      socket.write(`POST ${PATH} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${MAX_BODY_BYTES + 1}\r\n\r\n`);
      const chunk = Buffer.alloc(512 * 1024, 'x');
      let sent = 0;
      while (sent < MAX_BODY_BYTES + 1 && !failure) {
        const size = Math.min(chunk.length, MAX_BODY_BYTES + 1 - sent);
        await within(DEADLINE_MS, 'writing the upload', new Promise((resolve) => socket.write(chunk.subarray(0, size), resolve)));
        sent += size;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(failure).toBeUndefined();
      expect(sent).toBe(MAX_BODY_BYTES + 1);
      let received = '';
      socket.on('data', (data) => (received += data));
      socket.resume();
      await within(DEADLINE_MS, 'the answer', new Promise((resolve) => socket.once('end', resolve)));
      expect(received).toMatch(/^HTTP\/1\.1 400 /);
      expect(bodyOf(received)).toEqual(TOO_LARGE);
    } finally {
      socket.destroy();
    }
  }, 90_000);

  it('answers Expect: 100-continue with an oversized Content-Length by the 400, never 100 Continue', async () => {
    const { answer } = await within(
      DEADLINE_MS,
      'an Expect: 100-continue request',
      rawExchange(port, `POST ${PATH} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nExpect: 100-continue\r\nContent-Length: ${MAX_BODY_BYTES + 1}\r\n\r\n`),
    );
    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    expect(answer).not.toContain('100 Continue');
    expect(bodyOf(answer)).toEqual(TOO_LARGE);
  }, 60_000);

  it('still says 100 Continue to an Expect request within the limit, and answers it', async () => {
    const body = JSON.stringify({ token: 't', workflow_id: 12, data: [{ data: { email: 'a@example.com' } }] });
    const socket = connect(port, '127.0.0.1');
    const answer = await within(
      DEADLINE_MS,
      'an Expect: 100-continue request within the limit',
      new Promise<string>((resolve, reject) => {
        let received = '';
        socket.on('error', reject);
        socket.on('data', (chunk) => {
          received += chunk;
          if (received.startsWith('HTTP/1.1 100 Continue\r\n\r\n') && !received.includes('}')) socket.write(body);
          if (received.includes('}')) resolve(received);
        });
        socket.write(`POST ${PATH} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nExpect: 100-continue\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n`);
      }),
    ).finally(() => socket.destroy());
    expect(answer).toMatch(/^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 200 /);
  }, 60_000);

  it("Node's fetch gets the 400 envelope for a 10 MiB + 1 body, 20 times in a row", async () => {
    const body = Buffer.from(paddedBody(MAX_BODY_BYTES + 1));
    const outcomes: string[] = [];
    for (let i = 0; i < 20; i++) {
      try {
        const answer = await within(DEADLINE_MS, `fetch #${i + 1}`, fetch(mock.url + PATH, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body }));
        outcomes.push(`${answer.status} ${await answer.text()}`);
      } catch (error) {
        outcomes.push(`${(error as Error).message} ${((error as Error).cause as Error | undefined)?.message ?? ''}`);
      }
    }
    expect(outcomes).toEqual(Array(20).fill(`400 ${JSON.stringify(TOO_LARGE)}`));
  }, 180_000);

  it("Node's fetch gets the 400 for a 10 MiB + 1 upload that is still streaming when the answer comes", async () => {
    // A paced stream with its Content-Length declared: the answer comes long before the upload
    // ends, so a mock that closes early resets the upload under fetch (EPIPE).
    const paced = () => {
      let sent = 0;
      return new ReadableStream<Uint8Array>({
        async pull(controller) {
          if (sent >= MAX_BODY_BYTES + 1) return controller.close();
          const size = Math.min(256 * 1024, MAX_BODY_BYTES + 1 - sent);
          sent += size;
          await new Promise((resolve) => setTimeout(resolve, 20));
          controller.enqueue(new Uint8Array(size).fill(120));
        },
      });
    };
    for (let i = 0; i < 3; i++) {
      const answer = await within(
        DEADLINE_MS,
        `paced fetch #${i + 1}`,
        fetch(mock.url + PATH, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', 'Content-Length': String(MAX_BODY_BYTES + 1) },
          body: paced(),
          duplex: 'half',
        } as RequestInit),
      );
      expect(answer.status).toBe(400);
      expect(await answer.json()).toEqual(TOO_LARGE);
    }
  }, 120_000);

  it('curl gets the 400 envelope for a 10 MiB + 1 body, with and without Expect: 100-continue', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mock-body-'));
    try {
      const file = join(dir, 'body.json');
      writeFileSync(file, paddedBody(MAX_BODY_BYTES + 1));
      const curl = (...extra: string[]) =>
        within(
          DEADLINE_MS,
          'curl',
          new Promise<string>((resolve, reject) =>
            execFile('curl', ['--silent', '--show-error', '--max-time', '25', '-H', 'Content-Type: application/json', ...extra, '--data-binary', `@${file}`, mock.url + PATH], (error, stdout, stderr) =>
              error ? reject(new Error(`curl: ${stderr || error.message}`)) : resolve(stdout),
            ),
          ),
        );
      // curl sends Expect: 100-continue by itself for a body this size; `Expect:` turns it off.
      for (const extra of [[], ['-H', 'Expect:']]) {
        for (let i = 0; i < 4; i++) expect(JSON.parse(await curl(...extra))).toEqual(TOO_LARGE);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 240_000);
});
