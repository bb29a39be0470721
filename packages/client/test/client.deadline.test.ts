// timeoutMs bounds the waiting for the answer's bytes (headers and body). An answer that has
// fully arrived in time is decoded and returned, however long the wall clock says the decode
// (or other work on this thread) took: discarding it as a timeout would make its profiles
// unknown, and resending them would import them twice. Decoding a received answer is bounded
// by MAX_ANSWER_BYTES and the linear reader instead. The codec is wrapped to take a set time,
// so the tests do not depend on how fast this machine reads XML.
import { responseXml as realResponseXml } from '@altcraft-api/contract';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AltcraftTimeoutError, createAltcraftClient } from '../src/index.js';
import { startServer, type TestServer } from './support/server.js';

let decodeMs = 0;
vi.mock('@altcraft-api/contract', async (importOriginal) => {
  const actual = await importOriginal<typeof import('@altcraft-api/contract')>();
  return {
    ...actual,
    responseXml: (...args: Parameters<typeof actual.responseXml>) => {
      const codec = actual.responseXml(...args);
      return {
        ...codec,
        decode: (xml: string) => {
          const until = performance.now() + decodeMs;
          while (performance.now() < until);
          return codec.decode(xml);
        },
      };
    },
  };
});

const servers: TestServer[] = [];
afterEach(async () => {
  decodeMs = 0;
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

const TOKEN = 'deadline-test-token-0123456789';
const success = { error: 0, error_text: 'Successful operation', task_id: 'abc123' };
const request = { workflow_id: 12, data: [{ data: { email: 'a@example.com' } }] };

/** A client whose fetch answers at once with the success envelope in XML. */
function client(timeoutMs: number) {
  const xml = realResponseXml('importAndStartBatchTask', 200).encode(success);
  const fetch = async () => new Response(xml, { status: 200, headers: { 'Content-Type': 'application/xml; charset=utf-8' } });
  return createAltcraftClient({ baseUrl: 'http://127.0.0.1:9/api/v1.1', token: TOKEN, timeoutMs, fetch });
}

/** Waits on this thread, as a large answer of another batch being decoded would. */
const busy = (ms: number) => {
  const until = performance.now() + ms;
  while (performance.now() < until);
};

let cancelled = false;

/** A fetch that ignores the abort signal: the body arrives whole after `afterMs`, then `then` runs in the same task. */
function slowBodyFetch(afterMs: number, then = () => undefined as void) {
  cancelled = false;
  return async () => {
    let timer: NodeJS.Timeout;
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        timer = setTimeout(() => {
          controller.enqueue(new TextEncoder().encode(JSON.stringify(success)));
          controller.close();
          then();
        }, afterMs);
      },
      cancel() {
        cancelled = true;
        clearTimeout(timer);
      },
    });
    return new Response(body, { status: 200, headers: { 'Content-Type': 'application/json' } });
  };
}

const baseUrl = 'http://127.0.0.1:9/api/v1.1';

describe('timeoutMs and an answer that has arrived', () => {
  it('an answer decoded within the deadline is the result', async () => {
    decodeMs = 10;
    await expect(client(2_000).importAndStartBatchTask(request, { format: 'xml' })).resolves.toEqual(success);
  });

  it('an answer received in time whose decode ends past the deadline is still the result', async () => {
    decodeMs = 600;
    await expect(client(200).importAndStartBatchTask(request, { format: 'xml' })).resolves.toEqual(success);
  });

  it('an answer complete in time, then a busy thread past the deadline, is the result, not a timeout', async () => {
    // The reviewer's case: the body is whole at 100 ms, then other work holds the thread until
    // past timeoutMs, before the client gets to look at it.
    const started = performance.now();
    const api = createAltcraftClient({ baseUrl, token: TOKEN, timeoutMs: 400, fetch: slowBodyFetch(100, () => busy(500)) });
    await expect(api.importAndStartBatchTask(request)).resolves.toEqual(success);
    expect(performance.now() - started).toBeGreaterThan(400);
  });
});

describe('timeoutMs and an answer that has not arrived', () => {
  it('a body that arrives after timeoutMs is AltcraftTimeoutError, even from a fetch that ignores the signal', async () => {
    const api = createAltcraftClient({ baseUrl, token: TOKEN, timeoutMs: 150, fetch: slowBodyFetch(600) });
    const error = await api.importAndStartBatchTask(request).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AltcraftTimeoutError);
    expect((error as AltcraftTimeoutError).timeoutMs).toBe(150);
    expect(String((error as Error).message)).not.toContain(TOKEN);
    // The body is given up, not left to arrive into a reader nobody reads.
    expect(cancelled).toBe(true);
  });

  it('a server that sends the headers at once and the body after timeoutMs: AltcraftTimeoutError', async () => {
    const server = await startServer((_request, response) => {
      response.writeHead(200, { 'Content-Type': 'application/json' });
      response.write('{"error":0,');
      setTimeout(() => response.end('"error_text":"ok","task_id":"abc123"}'), 600);
    });
    servers.push(server);
    const error = await createAltcraftClient({ baseUrl: server.baseUrl, token: TOKEN, timeoutMs: 150 })
      .importAndStartBatchTask(request)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AltcraftTimeoutError);
  });
});
