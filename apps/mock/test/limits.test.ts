import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { MAX_BODY_BYTES } from '@altcraft-api/contract';
import { afterEach, describe, expect, it } from 'vitest';
import { within } from './support/deadline.js';

const PATH = '/api/v1.1/workflows/import_and_start_batch';
const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const MiB = 1024 * 1024;

interface Child {
  process: ChildProcess;
  port: number;
  /** Resident memory of the mock's own process (Prism runs in another), in MiB. */
  rss(): number;
}

let running: Child | undefined;
const sockets: Socket[] = [];
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  if (running && running.process.exitCode === null) {
    const exited = new Promise((resolve) => running!.process.once('exit', resolve));
    running.process.kill('SIGTERM');
    await exited;
  }
  running = undefined;
});

/** Starts the CLI as its own process on a free port, so its memory can be measured alone. */
async function startCli(...args: string[]): Promise<Child> {
  const child = spawn(process.execPath, [cli, '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const port = await within(
    200_000,
    'the mock starting',
    new Promise<number>((resolve, reject) => {
      let out = '';
      let stderr = '';
      child.stderr!.on('data', (chunk) => (stderr += chunk));
      child.stdout!.on('data', (chunk) => {
        out += chunk;
        const match = /http:\/\/127\.0\.0\.1:(\d+)/.exec(out);
        if (match) resolve(Number(match[1]));
      });
      child.once('exit', (code) => reject(new Error(`the mock exited with ${code}: ${stderr.trim()}`)));
    }),
  );
  running = {
    process: child,
    port,
    rss: () => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))![1]) / 1024,
  };
  return running;
}

/** Opens a connection and sends the head of a request declaring `length` bytes, then `body`. */
function openUpload(port: number, length: number, body: Buffer) {
  const socket = connect(port, '127.0.0.1');
  sockets.push(socket);
  let received = '';
  socket.on('data', (chunk) => (received += chunk));
  socket.on('error', () => undefined);
  const connected = new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  socket.write(`POST ${PATH} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${length}\r\n\r\n`);
  const written = new Promise<void>((resolve) => socket.write(body, () => resolve()));
  return { socket, connected, written, received: () => received };
}

async function until(ms: number, what: string, condition: () => boolean): Promise<void> {
  await within(
    ms,
    what,
    (async () => {
      while (!condition()) await new Promise((resolve) => setTimeout(resolve, 50));
    })(),
  );
}

describe('resource limits', () => {
  it('50 connections each holding a 10 MiB - 1 upload stay under 8 uploads in memory; the 51st connection gets 503 + Retry-After', async () => {
    const mock = await startCli('--max-connections', '50');
    const before = mock.rss();
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, mock.rss())), 25);
    try {
      // Each declares 10 MiB - 1 bytes and sends all but the last one: the upload stays open.
      const body = Buffer.alloc(MAX_BODY_BYTES - 2, 'x');
      const uploads = Array.from({ length: 50 }, () => openUpload(mock.port, MAX_BODY_BYTES - 1, body));
      await within(60_000, '50 connections', Promise.all(uploads.map((u) => u.connected)));

      // At once, while all 50 are open (a refused upload is drained for up to 10 s, then its
      // connection closes): one more connection is refused whatever it sends.
      const extra = openUpload(mock.port, 2, Buffer.from('{}'));
      await until(30_000, 'the 51st connection answered', () => extra.received().includes('}'));
      expect(extra.received()).toMatch(/^HTTP\/1\.1 503 /);
      expect(extra.received()).toMatch(/retry-after: \d+/i);
      // Normally the connection cap answers it; on a loaded machine, uploads refused early may
      // have been drained and closed by now, and then the upload cap refuses it instead.
      expect(extra.received()).toMatch(/at most (50 connections|8 request bodies)/);

      // Uploads the mock reads are taken off the wire; refused ones are drained (not kept).
      const refused = () => uploads.filter((u) => u.received().startsWith('HTTP/1.1 503 ')).length;
      await until(60_000, '42 uploads refused with 503', () => refused() >= 42);
      await within(60_000, 'the 8 admitted uploads read by the mock', Promise.all(uploads.filter((u) => u.received() === '').map((u) => u.written)));
      peak = Math.max(peak, mock.rss());

      expect(refused()).toBe(42);
      const refusal = uploads.find((u) => u.received().startsWith('HTTP/1.1 503 '))!.received();
      expect(refusal).toMatch(/retry-after: \d+/i);
      expect(JSON.parse(refusal.slice(refusal.indexOf('\r\n\r\n') + 4))).toMatchObject({
        error: 503,
        error_text: 'Service unavailable',
        error_debug: expect.stringContaining('at most 8 request bodies'),
      });
    } finally {
      clearInterval(sampler);
    }
    // 8 uploads of 10 MiB held in memory, plus slack for Node's buffers, garbage not yet collected and the refused
    // uploads passing through: far from the 50 x 10 MiB an unbounded mock holds.
    console.log(`mock RSS: ${before.toFixed(0)} MiB before, ${peak.toFixed(0)} MiB at peak`);
    expect(peak - before).toBeLessThan(250);
  }, 300_000);

  it('a request that stalls is answered 408 in the envelope once --request-timeout passes', async () => {
    const mock = await startCli('--request-timeout', '1500', '--headers-timeout', '1000');
    const stalled = openUpload(mock.port, 100, Buffer.from('{"workflow_id"'));
    await until(20_000, 'the stalled request answered', () => stalled.received().includes('}'));
    expect(stalled.received()).toMatch(/^HTTP\/1\.1 408 /);
    expect(JSON.parse(stalled.received().slice(stalled.received().indexOf('\r\n\r\n') + 4))).toMatchObject({ error: 408, error_text: 'Request timeout' });
  }, 300_000);

  it('headers that never end are answered 408 once --headers-timeout passes', async () => {
    const mock = await startCli('--request-timeout', '5000', '--headers-timeout', '1000');
    const socket = connect(mock.port, '127.0.0.1');
    sockets.push(socket);
    let received = '';
    socket.on('data', (chunk) => (received += chunk));
    socket.on('error', () => undefined);
    socket.write(`POST ${PATH} HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: `);
    const start = Date.now();
    await until(20_000, 'the slow headers answered', () => received.includes('}'));
    expect(received).toMatch(/^HTTP\/1\.1 408 /);
    // Far below Node's own 60 s, with room for a loaded machine's event-loop delays.
    expect(Date.now() - start).toBeLessThan(15_000);
  }, 300_000);

  it('refuses a limit that is not a positive integer', async () => {
    const child = spawn(process.execPath, [cli, '--port', '0', '--max-uploads', '0'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (chunk) => (stderr += chunk));
    const code = await within(30_000, 'the CLI exiting', new Promise((resolve) => child.once('exit', resolve)));
    expect(code).toBe(2);
    expect(stderr).toContain('--max-uploads must be a positive integer');
  }, 60_000);
});
