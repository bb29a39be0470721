import type { Server, ServerResponse } from 'node:http';
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createGuardedServer, serve, type ResourceLimits, type RunningMock } from '../src/http.js';
import { within } from './support/deadline.js';

let running: RunningMock | undefined;
const sockets: Socket[] = [];
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  await running?.close();
  running = undefined;
});

/** Answers `{}`, or BIG bytes at /big: more than a client's and the kernel's buffers hold. */
const BIG = 16 * 1024 * 1024;

/** 4 x BIG bytes written a MiB at a time as the client takes them: the answer ends only once it is read. */
function streamAnswer(res: ServerResponse): void {
  const piece = Buffer.alloc(1024 * 1024, 'y');
  let left = (4 * BIG) / piece.length;
  const next = () => {
    while (left-- > 0) if (!res.write(piece)) return void res.once('drain', next);
    res.end();
  };
  next();
}

async function start(limits: ResourceLimits): Promise<{ port: number; server: Server }> {
  const server = createGuardedServer((req, res) => {
    if (req.url === '/stream') return streamAnswer(res);
    res.end(req.url === '/big' ? Buffer.alloc(BIG, 'x') : '{}');
  }, limits);
  running = await serve(server, undefined, { port: 0 });
  return { port: Number(new URL(running.url).port), server };
}

/**
 * A client that never closes: it ignores the server's FIN (half-open) and never reads to an
 * end, the way a stuck or hostile client holds a connection.
 */
function stubborn(port: number): { socket: Socket; received: () => string } {
  const socket = connect({ port, host: '127.0.0.1', allowHalfOpen: true });
  sockets.push(socket);
  let received = '';
  socket.on('data', (chunk) => (received += chunk));
  socket.on('error', () => undefined);
  return { socket, received: () => received };
}

/** The status a fresh client gets for a small request. */
function probe(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let received = '';
    socket.on('data', (chunk) => (received += chunk));
    socket.on('error', reject);
    socket.on('close', () => resolve(Number(/^HTTP\/1\.1 (\d+)/.exec(received)?.[1] ?? 0)));
    socket.end('GET /x HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n');
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until a fresh client is served (not 503) again. */
async function slotFreed(port: number, ms: number): Promise<void> {
  await within(
    ms,
    'a connection slot freed',
    (async () => {
      while ((await probe(port)) !== 200) await sleep(200);
    })(),
  );
}

describe('connection slots', () => {
  it('4 clients that ignore the 408 and the FIN do not hold --max-connections 4 after a short grace', async () => {
    const { port } = await start({ maxConnections: 4, requestTimeoutMs: 1000 });
    const held = Array.from({ length: 4 }, () => stubborn(port));
    await within(20_000, 'the four 408s', (async () => {
      while (!held.every((c) => c.received().includes('}'))) await sleep(50);
    })());
    for (const client of held) expect(client.received()).toMatch(/^HTTP\/1\.1 408 /);
    await slotFreed(port, 15_000);
  }, 60_000);

  it('slowloris: headers sent a byte at a time, each within the idle timeout, are cut at --headers-timeout and free their slots', async () => {
    const { port } = await start({ maxConnections: 2, requestTimeoutMs: 3000, headersTimeoutMs: 1000 });
    const held = Array.from({ length: 2 }, () => stubborn(port));
    const head = 'POST /api HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ' + 'a'.repeat(10_000);
    let i = 0;
    const drip = setInterval(() => {
      held.forEach((c) => c.socket.writable && c.socket.write(head[i]!));
      i = Math.min(i + 1, head.length - 1);
    }, 100);
    try {
      await within(20_000, 'the slow headers answered', (async () => {
        while (!held.every((c) => c.received().includes('}'))) await sleep(50);
      })());
      for (const client of held) expect(client.received()).toMatch(/^HTTP\/1\.1 408 /);
      await slotFreed(port, 15_000);
    } finally {
      clearInterval(drip);
    }
  }, 60_000);

  it('a kept-alive connection that then sends a second request slowly is cut and frees its slot', async () => {
    const { port } = await start({ maxConnections: 1, requestTimeoutMs: 3000, headersTimeoutMs: 1000 });
    const client = stubborn(port);
    client.socket.write('GET /x HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    await within(10_000, 'the first answer', (async () => {
      while (!client.received().includes('{}')) await sleep(50);
    })());
    const head = 'GET /x HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ' + 'a'.repeat(10_000);
    let i = 0;
    const drip = setInterval(() => client.socket.writable && client.socket.write(head[Math.min(i++, head.length - 1)]!), 200);
    try {
      await slotFreed(port, 20_000);
    } finally {
      clearInterval(drip);
    }
  }, 60_000);

  it('a client that never reads its answer is cut once --request-timeout passes after the answer, and frees its slot', async () => {
    const { port } = await start({ maxConnections: 1, requestTimeoutMs: 1000 });
    await stopReadingOnceAnswered(port, '/big');
  }, 60_000);

  it('a client that stops reading a streamed answer (not yet ended) is cut once --request-timeout passes without progress, and frees its slot', async () => {
    const { port } = await start({ maxConnections: 1, requestTimeoutMs: 1000 });
    await stopReadingOnceAnswered(port, '/stream');
  }, 60_000);

  it('a client reading a large answer slowly but steadily, for longer than --request-timeout in all, gets all of it', async () => {
    // 16 MiB read 64 KiB at most every 25 ms takes 6 s or more: three times the timeout.
    const { port } = await start({ maxConnections: 1, requestTimeoutMs: 2000 });
    const { bytes, ms } = await readSlowly(port, 25);
    expect(ms).toBeGreaterThan(2000);
    expect(bytes).toBeGreaterThan(BIG);
  }, 180_000);

  it('a client reading a large answer slowly, within --request-timeout, gets all of it', async () => {
    // About 3-8 s of reading here; the deadline leaves room for a loaded machine.
    const { port } = await start({ maxConnections: 1, requestTimeoutMs: 60_000 });
    expect((await readSlowly(port, 20)).bytes).toBeGreaterThan(BIG);
  }, 180_000);

  it('a connection refused 503 over the cap, whose client ignores the FIN, is closed and stops counting', async () => {
    const { port, server } = await start({ maxConnections: 1, requestTimeoutMs: 60_000, headersTimeoutMs: 30_000 });
    const holder = stubborn(port);
    await within(10_000, 'the first connection', new Promise((resolve) => holder.socket.once('connect', resolve)));
    const refused = stubborn(port);
    refused.socket.write('GET /x HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    await within(10_000, 'the 503', (async () => {
      while (!refused.received().includes('}')) await sleep(50);
    })());
    expect(refused.received()).toMatch(/^HTTP\/1\.1 503 /);
    const count = () => new Promise<number>((resolve, reject) => server.getConnections((error, n) => (error ? reject(error) : resolve(n))));
    await within(15_000, 'the refused connection closed', (async () => {
      while ((await count()) > 1) await sleep(100);
    })());
    expect(refused.socket.destroyed || refused.socket.readableEnded).toBe(true);
  }, 60_000);

  it.each([{ requestTimeoutMs: 2 ** 31 }, { headersTimeoutMs: 1e12 }, { requestTimeoutMs: 0 }])('refuses timeouts it cannot honour: %j', (limits) => {
    expect(() => createGuardedServer(() => undefined, limits)).toThrow(/must be an integer from 1 to 2147483647/);
  });
});

/** Asks for `path`, stops reading once the answer has begun, and waits for the slot to be freed. */
async function stopReadingOnceAnswered(port: number, path: string): Promise<void> {
  const client = stubborn(port);
  client.socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
  await within(10_000, 'the answer starting', (async () => {
    while (!client.received().startsWith('HTTP/1.1 200')) await sleep(20);
  })());
  client.socket.pause();
  await slotFreed(port, 20_000);
}

/** Reads GET /big pausing `pauseMs` after every chunk (under the timeout: slow, never stalled). */
async function readSlowly(port: number, pauseMs: number): Promise<{ bytes: number; ms: number }> {
  const socket = connect(port, '127.0.0.1');
  sockets.push(socket);
  let bytes = 0;
  socket.on('data', (chunk: Buffer) => {
    bytes += chunk.length;
    socket.pause();
    setTimeout(() => socket.resume(), pauseMs);
  });
  const started = performance.now();
  socket.write('GET /big HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n');
  await within(120_000, 'the whole answer', new Promise((resolve) => socket.once('close', resolve)));
  return { bytes, ms: performance.now() - started };
}
