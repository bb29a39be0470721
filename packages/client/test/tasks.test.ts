// The task status request and waitForTask against a local server: back-off, Retry-After, the
// abort signal, the time limit, and no piece of the token in any error.
import { readFileSync, readdirSync } from 'node:fs';
import { inspect } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { createAltcraftClient } from '../src/client.js';
import { AltcraftApiError, AltcraftTaskTimeoutError } from '../src/errors.js';
import { finalState, taskIdOf } from '../src/tasks.js';
import { answer, startServer, type ReceivedRequest, type TestServer } from './support/server.js';

const TOKEN = 'tok-SECRET-5f19953a-k3yM4t3r14l';
let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const statusOf = (status: string, result?: unknown) => ({ error: 0, error_text: 'Successful operation', data: { status, progress: 0, ...(result === undefined ? {} : { result }) } });
const leaks = (text: string) => {
  const lower = text.toLowerCase();
  const token = TOKEN.toLowerCase();
  for (let i = 0; i + 8 <= token.length; i++) if (lower.includes(token.slice(i, i + 8))) return true;
  return false;
};
const rendered = (error: unknown) => [String(error), JSON.stringify(error), (error as Error).stack, inspect(error, { depth: 10, showHidden: true })].join('\n');

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe('getTaskStatus', () => {
  it('posts the token and task_id to /tasks/status and answers data', async () => {
    server = await startServer((_request, res) => answer(res, 200, statusOf('in_progress')));
    const client = createAltcraftClient({ baseUrl: server.baseUrl, token: TOKEN });
    expect(await client.getTaskStatus('t-1')).toEqual({ status: 'in_progress', progress: 0 });
    const [received] = server.requests;
    expect(received!.url).toBe('/api/v1.1/tasks/status');
    // The body as an independent parser reads it.
    expect(JSON.parse(received!.body)).toEqual({ token: TOKEN, task_id: 't-1' });
  });

  it('an answer without data.status is an unreadable answer, not a status', async () => {
    server = await startServer((_request, res) => answer(res, 200, { error: 0, error_text: 'ok', data: {} }));
    const client = createAltcraftClient({ baseUrl: server.baseUrl, token: TOKEN });
    expect(String(await rejection(client.getTaskStatus('t-1')))).toMatch(/breaks the contract: \/data\/status is required/);
  });
});

describe('getTaskStatus in XML', () => {
  const examples = new URL('../../../spec/examples/responses/', import.meta.url);
  const names = readdirSync(examples).filter((name) => name.startsWith('task-status-') && name.endsWith('.xml') && !/invalid|unknown/.test(name));

  it.each(names)('%s decodes to the value JSON.parse gives its JSON twin', async (name) => {
    const xml = readFileSync(new URL(name, examples), 'utf8');
    const json = JSON.parse(readFileSync(new URL(name.replace(/\.xml$/, '.json'), examples), 'utf8')) as { data: unknown };
    server = await startServer((_request, res) => answer(res, 200, xml));
    const client = createAltcraftClient({ baseUrl: server.baseUrl, token: TOKEN });
    expect(await client.getTaskStatus('t-1', { format: 'xml' })).toEqual(json.data);
    expect(server.requests[0]!.headers['content-type']).toBe('application/xml');
  });

  it('sends the task id escaped in an XML body, and reads an XML error envelope', async () => {
    server = await startServer((_request, res) => answer(res, 400, '<xml><error>400</error><error_text>Task not found</error_text></xml>'));
    const client = createAltcraftClient({ baseUrl: server.baseUrl, token: TOKEN });
    const error = await rejection(client.getTaskStatus('a<&>"b', { format: 'xml' }));
    expect(error).toMatchObject({ name: 'AltcraftApiError', status: 400, text: 'Task not found' });
    expect(server.requests[0]!.body).toMatch(/<task_id>a&lt;&amp;&gt;("|&quot;)b<\/task_id>/);
  });
});

describe('waitForTask', () => {
  it('polls until a final status, through 500, 429 and dropped connections', async () => {
    const script = ['500', 'reset', 'queued', '429', 'in_progress', 'completed'];
    server = await startServer((_request, res) => {
      const step = script.shift()!;
      if (step === 'reset') return res.destroy();
      if (step === '500' || step === '429') return answer(res, Number(step), { error: Number(step), error_text: 'busy' });
      answer(res, 200, statusOf(step, step === 'completed' ? { result: [] } : undefined));
    });
    const client = createAltcraftClient({ baseUrl: server.baseUrl, token: TOKEN });
    const seen: string[] = [];
    const final = await client.waitForTask('t-1', { pollInterval: 10, onStatus: (s) => seen.push(s.status) });
    expect(final.status).toBe('completed');
    expect(seen).toEqual(['queued', 'in_progress', 'completed']);
    expect(server.requests).toHaveLength(6);
  });

  it('honours Retry-After: the next status request waits for it', async () => {
    const times: number[] = [];
    server = await startServer((_request, res) => {
      times.push(performance.now());
      if (times.length === 1) return answer(res, 429, { error: 429, error_text: 'slow down' }, { 'Retry-After': '1' });
      answer(res, 200, statusOf('success'));
    });
    const client = createAltcraftClient({ baseUrl: server.baseUrl, token: TOKEN });
    await client.waitForTask('t-1', { pollInterval: 10 });
    // Without the header the back-off would be 2.5-5 ms.
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(950);
  });

  it('a failed task ends the wait too (failed, error, canceled, cancelled: assumed)', async () => {
    for (const status of ['failed', 'error', 'canceled', 'cancelled', 'FAILED']) expect(finalState(status)).toBe('failed');
    for (const status of ['completed', 'success']) expect(finalState(status)).toBe('done');
    for (const status of ['queued', 'in_progress', 'processing', '']) expect(finalState(status)).toBeUndefined();
    server = await startServer((_request, res) => answer(res, 200, statusOf('cancelled')));
    const client = createAltcraftClient({ baseUrl: server.baseUrl, token: TOKEN });
    expect((await client.waitForTask('t-1', { pollInterval: 10 })).status).toBe('cancelled');
  });

  it('gives up after timeoutMs with AltcraftTaskTimeoutError naming the task and its last status', async () => {
    server = await startServer((_request, res) => answer(res, 200, statusOf('in_progress')));
    const client = createAltcraftClient({ baseUrl: server.baseUrl, token: TOKEN });
    const started = performance.now();
    const error = await rejection(client.waitForTask('t-9', { pollInterval: 20, timeoutMs: 300 }));
    expect(error).toBeInstanceOf(AltcraftTaskTimeoutError);
    expect((error as AltcraftTaskTimeoutError).message).toMatch(/t-9.*300 ms.*in_progress/);
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it('stops on the abort signal, in a request or between two, with the signal reason', async () => {
    let hang = false;
    server = await startServer((_request, res) => {
      if (!hang) answer(res, 200, statusOf('queued'));
    });
    const client = createAltcraftClient({ baseUrl: server.baseUrl, token: TOKEN });
    const between = new AbortController();
    setTimeout(() => between.abort(new Error('stop between')), 100);
    expect(String(await rejection(client.waitForTask('t-1', { pollInterval: 1_000, signal: between.signal })))).toMatch(/stop between/);
    hang = true;
    const inFlight = new AbortController();
    setTimeout(() => inFlight.abort(new Error('stop in flight')), 200);
    expect(String(await rejection(client.waitForTask('t-1', { pollInterval: 10, signal: inFlight.signal })))).toMatch(/stop in flight/);
  });

  it('an unknown task (400) is not polled again', async () => {
    server = await startServer((_request, res) => answer(res, 400, { error: 400, error_text: 'Task not found' }));
    const client = createAltcraftClient({ baseUrl: server.baseUrl, token: TOKEN });
    const error = await rejection(client.waitForTask('nope', { pollInterval: 10 }));
    expect(error).toBeInstanceOf(AltcraftApiError);
    expect((error as AltcraftApiError).operation).toBe('getTaskStatus');
    expect(server.requests).toHaveLength(1);
  });

  it('hostile: a server echoing the token in its texts, statuses and task ids never gets a piece of it into an error', async () => {
    const echo = (request: ReceivedRequest) => `${TOKEN} ${TOKEN.slice(3, 14).toUpperCase()} ${request.body}`;
    const cases: ((request: ReceivedRequest, res: Parameters<Parameters<typeof startServer>[0]>[1]) => void)[] = [
      (request, res) => answer(res, 400, { error: 400, error_text: echo(request), error_debug: echo(request) }),
      (request, res) => answer(res, 200, { error: 7, error_text: echo(request) }),
      (request, res) => answer(res, 500, echo(request).replace(/^/, 'x')),
      (request, res) => answer(res, 302, '', { Location: `https://evil.example/${TOKEN}?t=${TOKEN}` }),
    ];
    for (const handler of cases) {
      server = await startServer(handler);
      const client = createAltcraftClient({ baseUrl: server.baseUrl, token: TOKEN });
      const error = await rejection(client.waitForTask(`id-${TOKEN}`, { pollInterval: 10, timeoutMs: 400, maxDelayMs: 20 }));
      expect(leaks(rendered(error)), rendered(error)).toBe(false);
      await server.close();
    }
    server = await startServer((request, res) => answer(res, 200, statusOf(`running ${echo(request)}`)));
    const client = createAltcraftClient({ baseUrl: server.baseUrl, token: TOKEN });
    const timeout = await rejection(client.waitForTask(`id-${TOKEN}`, { pollInterval: 10, timeoutMs: 200 }));
    expect(timeout).toBeInstanceOf(AltcraftTaskTimeoutError);
    expect(leaks(rendered(timeout)), rendered(timeout)).toBe(false);
    expect(leaks(JSON.stringify(await client.getTaskStatus('x')))).toBe(false);
  });
});

describe('taskIdOf', () => {
  it('reads task_id first, then data.task_id', () => {
    expect(taskIdOf({ task_id: 'a', data: { task_id: 'b' } })).toBe('a');
    expect(taskIdOf({ data: { task_id: 'b' } })).toBe('b');
    expect(taskIdOf({ task_id: '', data: { task_id: 'b' } })).toBe('b');
    expect(taskIdOf({ task_id: 3 })).toBeUndefined();
    expect(taskIdOf({ data: null })).toBeUndefined();
    expect(taskIdOf(null)).toBeUndefined();
  });
});
