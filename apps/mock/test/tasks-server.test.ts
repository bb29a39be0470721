// The task flow through the mock's HTTP front: queue a batch as a task, follow it with
// tasks/status (JSON and XML, token in the body or as Bearer) until it is completed, and compare
// its result with the synchronous answer to the same batch; the refusals, bounds and faults.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { responseXml } from '@altcraft-api/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseFaults } from '../src/faults.js';
import { startMock } from '../src/server.js';
import { TaskStore, UNKNOWN_TASK } from '../src/tasks.js';
import type { RunningMock } from '../src/http.js';
import { within } from './support/deadline.js';
import { send, type RawAnswer } from './support/http.js';

const BATCH = '/workflows/import_and_start_batch';
const TASK = '/workflows/import_and_start_batch_task';
const STATUS = '/tasks/status';
const TOKEN = 'abcdefghijklmnqrstuvwxyz';

const mocks: RunningMock[] = [];
async function mock(options: Parameters<typeof startMock>[0] = {}): Promise<RunningMock> {
  const started = await startMock({ port: 0, log: () => undefined, ...options });
  mocks.push(started);
  return started;
}
afterAll(async () => {
  await Promise.all(mocks.map((m) => m.close()));
});

const post = (m: RunningMock, path: string, body: string | Buffer, headers: Record<string, string> = { 'Content-Type': 'application/json' }) =>
  within(30_000, `the mock answering ${path}`, send(m.baseUrl + path, { headers, body }));
const json = (answer: RawAnswer) => JSON.parse(answer.body);

const batch = (n: number, extra: object = {}) => ({ token: TOKEN, workflow_id: 1, ...extra, data: Array.from({ length: n }, (_, i) => ({ data: { email: `p${i}@example.com` } })) });

async function queue(m: RunningMock, body: object): Promise<string> {
  const answer = await post(m, TASK, JSON.stringify(body));
  expect(answer.status, answer.body).toBe(200);
  return json(answer).task_id;
}

/** Polls until the task is completed; the statuses seen on the way. */
async function follow(m: RunningMock, taskId: string, headers: Record<string, string> = {}): Promise<{ seen: string[]; last: { data: { status: string; progress: number; result?: { result: object[] } } } }> {
  const seen: string[] = [];
  for (let i = 0; i < 2000; i++) {
    const answer = await post(m, STATUS, JSON.stringify({ task_id: taskId, ...(headers.Authorization ? {} : { token: TOKEN }) }), { 'Content-Type': 'application/json', ...headers });
    expect(answer.status, answer.body).toBe(200);
    const body = json(answer);
    if (seen.at(-1) !== body.data.status) seen.push(body.data.status);
    if (body.data.status === 'completed') return { seen, last: body };
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`task ${taskId} never completed`);
}

let plain: RunningMock;
beforeAll(async () => {
  plain = await mock({ tasks: new TaskStore({ durationMs: 1500 }) });
}, 120_000);

describe('a task through the mock', () => {
  it('goes queued, in_progress, completed, and its result equals the synchronous answer to the same batch, value for value', async () => {
    const body = batch(50);
    const taskId = await queue(plain, body);
    const { seen, last } = await follow(plain, taskId, { Authorization: `Bearer ${TOKEN}` });
    // In this order; the first 10% (queued) can pass before the first poll on a busy machine.
    expect(['queued,in_progress,completed', 'in_progress,completed']).toContain(seen.join());
    const sync = json(await post(plain, BATCH, JSON.stringify(body)));
    expect(last.data.result!.result).toEqual(sync.result);
    expect(last.data.result!.result).toHaveLength(50);
  }, 60_000);

  it('answers an XML status request in XML with the same values as JSON (read back by a plain reader, not the codec)', async () => {
    const taskId = await queue(plain, batch(3));
    await follow(plain, taskId);
    const xml = await post(plain, STATUS, `<xml><token>${TOKEN}</token><task_id>${taskId}</task_id></xml>`, { 'Content-Type': 'application/xml' });
    expect(xml.status, xml.body).toBe(200);
    expect(xml.headers['content-type']).toMatch(/^application\/xml/);
    const fromJson = json(await post(plain, STATUS, JSON.stringify({ token: TOKEN, task_id: taskId })));
    const ids = [...xml.body.matchAll(/<profile_id>([^<]*)<\/profile_id>/g)].map((m) => m[1]);
    expect(ids).toEqual(fromJson.data.result.result.map((item: { profile_id: string }) => item.profile_id));
    expect(/<status>([^<]*)<\/status>/.exec(xml.body)?.[1]).toBe('completed');
    expect(responseXml('getTaskStatus').decode(xml.body)).toEqual(fromJson);
  }, 60_000);

  it('reads an all-digit task_id in XML as the string it is', async () => {
    const answer = await post(plain, STATUS, `<xml><token>${TOKEN}</token><task_id>123</task_id></xml>`, { 'Content-Type': 'application/xml' });
    expect(answer.status).toBe(400);
    expect(answer.body).toContain(UNKNOWN_TASK);
  });

  it('refuses a status request without a token with 401, as the batch operations do', async () => {
    const answer = await post(plain, STATUS, JSON.stringify({ task_id: 'x' }));
    expect(answer.status).toBe(401);
    expect(json(answer)).toMatchObject({ error: 401, error_text: 'API token required' });
  });

  it.each([
    ['an unknown task_id', { task_id: 'ffffffffffffffffffffffff' }, UNKNOWN_TASK],
    ['a 1 MB task_id', { task_id: 'x'.repeat(1 << 20) }, UNKNOWN_TASK],
    ['a task_id with control characters and emoji', { task_id: '\u0000\u001b[2J😀' }, UNKNOWN_TASK],
    ['a task_id that is an object key', { task_id: '__proto__' }, UNKNOWN_TASK],
    ['a number for task_id', { task_id: 12 }, '/task_id: must be string'],
    ['no task_id', {}, '/task_id: is required'],
  ])('answers %s with the 400 envelope, without echoing it', async (_name, fields, debug) => {
    const answer = await post(plain, STATUS, JSON.stringify({ token: TOKEN, ...fields }));
    expect(answer.status).toBe(400);
    expect(json(answer)).toMatchObject({ error: 400, error_text: 'Invalid request', error_debug: expect.stringContaining(debug) });
    expect(answer.body.length).toBeLessThan(1000);
  });

  it('refuses an XML status request with a DOCTYPE (no entity is expanded)', async () => {
    const body = `<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY a "${'x'.repeat(100)}"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]><xml><token>${TOKEN}</token><task_id>&b;</task_id></xml>`;
    const answer = await post(plain, STATUS, body, { 'Content-Type': 'application/xml' });
    expect(answer.status).toBe(400);
    expect(answer.body).toMatch(/DOCTYPE/i);
    expect(answer.body).not.toContain('xxxxxxxxxx');
  });

  it('answers 10,000 polls of one task, each a valid answer, with the store unchanged', async () => {
    const store = new TaskStore({ durationMs: 0 });
    const m = await mock({ tasks: store });
    const taskId = await queue(m, batch(2));
    const body = JSON.stringify({ token: TOKEN, task_id: taskId });
    const statuses = new Map<number, number>();
    let next = 0;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (next < 10_000) {
          next++;
          const answer = await send(m.baseUrl + STATUS, { headers: { 'Content-Type': 'application/json' }, body });
          statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
          if (answer.status === 200 && json(answer).data.status !== 'completed') throw new Error(answer.body);
        }
      }),
    );
    expect(Object.fromEntries(statuses)).toEqual({ 200: 10_000 });
    expect(store.size).toBe(1);
  }, 240_000);

  it('keeps at most --task-limit tasks through the front: of 30 queued with a limit of 25, the first 5 are unknown', async () => {
    const m = await mock({ tasks: new TaskStore({ durationMs: 0, maxTasks: 25 }) });
    const ids: string[] = [];
    for (let i = 0; i < 30; i++) ids.push(await queue(m, batch(1, { workflow_id: i + 1 })));
    const known = await Promise.all(ids.map(async (id) => (await post(m, STATUS, JSON.stringify({ token: TOKEN, task_id: id }))).status));
    expect(known).toEqual([...Array(5).fill(400), ...Array(25).fill(200)]);
  }, 60_000);
});

describe('faults and tasks', () => {
  it('injects status faults into status requests too, the same ones under the same seed', async () => {
    const plan = () => ({ rules: parseFaults('500:0.3,429:0.2@1s,reset:0.1'), seed: 7 });
    const runs: string[][] = [];
    for (let run = 0; run < 2; run++) {
      const m = await mock({ faults: plan(), tasks: new TaskStore({ durationMs: 0 }) });
      const outcomes: string[] = [];
      for (let i = 0; i < 40; i++) {
        const body = JSON.stringify({ token: TOKEN, task_id: `unknown-${i % 4}` });
        const outcome = await send(m.baseUrl + STATUS, { headers: { 'Content-Type': 'application/json' }, body }).then(
          (answer) => `${answer.status}${answer.headers['retry-after'] ? `@${answer.headers['retry-after']}` : ''}`,
          () => 'reset',
        );
        outcomes.push(outcome);
      }
      runs.push(outcomes);
    }
    expect(runs[1]).toEqual(runs[0]);
    expect(new Set(runs[0])).toEqual(new Set(['500', '429@1', 'reset', '400']));
  }, 120_000);

  it('refuses the same profiles (item:RATE, by --seed) in the synchronous answer and in the task result', async () => {
    const m = await mock({ faults: { rules: parseFaults('item:0.25'), seed: 3 }, tasks: new TaskStore({ durationMs: 0 }) });
    const body = batch(400);
    const sync = json(await post(m, BATCH, JSON.stringify(body)));
    const { last } = await follow(m, await queue(m, body));
    expect(last.data.result!.result).toEqual(sync.result);
    const refused = sync.result.filter((item: object) => 'error' in item);
    expect(refused.length).toBeGreaterThan(60);
    expect(refused.length).toBeLessThan(140);
    expect(refused[0]).toEqual({ error: 400, error_text: 'Invalid request' });
    // Another seed refuses other profiles.
    const other = await mock({ faults: { rules: parseFaults('item:0.25'), seed: 4 }, tasks: new TaskStore({ durationMs: 0 }) });
    expect(json(await post(other, BATCH, JSON.stringify(body))).result).not.toEqual(sync.result);
  }, 60_000);
});

describe('altcraft-mock --help', () => {
  it('says the task flags with their defaults and the item fault', async () => {
    const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
    const { stdout } = await promisify(execFile)(process.execPath, [cli, '--help']);
    for (const flag of ['--task-duration DUR', '--task-ttl DUR', '--task-limit N', '--task-profile-limit N', '--task-max-bytes N', 'item:RATE']) expect(stdout).toContain(flag);
    expect(stdout).toMatch(/default 10000\)/);
  });
});
