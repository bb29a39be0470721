import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { validateResponse } from '@altcraft-api/contract';
import { afterEach, describe, expect, it } from 'vitest';
import { answerFor } from '../src/answers.js';
import { answerWithTasks, TASK_DEFAULTS, TaskKeeper, TaskStore, type TaskRecord } from '../src/tasks.js';

/** A store on a clock the test moves. */
function clocked(options: ConstructorParameters<typeof TaskStore>[0] = {}) {
  let now = 1_000_000;
  const store = new TaskStore({ ...options, now: () => now });
  return { store, tick: (ms: number) => void (now += ms) };
}

type Status = { error: number; data: { status: string; progress: number; result?: { result: object[] } } };
const statusOf = (store: TaskStore, id: string) => store.status(id) as Status | undefined;
const batch = (emails: string[]) => ({ workflow_id: 1, data: emails.map((email) => ({ data: { email } })) });

describe('a task', () => {
  it('is queued, then in progress with a rising progress, then completed with its results; each answer holds the contract', () => {
    const { store, tick } = clocked({ durationMs: 2000 });
    store.create('t1', [{ profile_id: 'a' }, { error: 400, error_text: 'Invalid request' }]);
    const seen: Status['data'][] = [];
    for (let i = 0; i <= 22; i++) {
      const answer = statusOf(store, 't1')!;
      expect(validateResponse('getTaskStatus', 200, answer).violations).toEqual([]);
      seen.push(answer.data);
      tick(100);
    }
    expect(seen[0]).toEqual({ status: 'queued', progress: 0 });
    const running = seen.filter((d) => d.status === 'in_progress').map((d) => d.progress);
    expect(running.length).toBeGreaterThan(10);
    expect(running).toEqual([...running].sort((a, b) => a - b));
    expect(Math.min(...running)).toBeGreaterThanOrEqual(1);
    expect(Math.max(...running)).toBeLessThanOrEqual(99);
    expect(seen.at(-1)).toEqual({ status: 'completed', progress: 100, result: { result: [{ profile_id: 'a' }, { error: 400, error_text: 'Invalid request' }] } });
  });

  it('is completed at once with a duration of 0, and unknown once its time to live has passed', () => {
    const { store, tick } = clocked({ durationMs: 0, ttlMs: 5000 });
    store.create('t', []);
    expect(statusOf(store, 't')!.data.status).toBe('completed');
    tick(5000);
    expect(statusOf(store, 't')).toBeDefined();
    tick(1);
    expect(statusOf(store, 't')).toBeUndefined();
    expect(store.size).toBe(0);
  });

  it('with a time to live of 0 is completed for the millisecond it completes in, then unknown', () => {
    const { store, tick } = clocked({ durationMs: 1000, ttlMs: 0 });
    store.create('t', [{ profile_id: 'x' }]);
    tick(999);
    expect(statusOf(store, 't')!.data.status).toBe('in_progress');
    tick(1);
    expect(statusOf(store, 't')!.data).toEqual({ status: 'completed', progress: 100, result: { result: [{ profile_id: 'x' }] } });
    tick(1);
    expect(statusOf(store, 't')).toBeUndefined();
    const instant = clocked({ durationMs: 0, ttlMs: 0 });
    instant.store.create('now', []);
    expect(statusOf(instant.store, 'now')!.data.status).toBe('completed');
  });

  it('stays as it is when the same batch queues it again (same task id)', () => {
    const { store, tick } = clocked({ durationMs: 1000 });
    store.create('t', [{ profile_id: 'a' }]);
    tick(1000);
    store.create('t', [{ profile_id: 'b' }]);
    expect(statusOf(store, 't')!.data).toMatchObject({ status: 'completed', result: { result: [{ profile_id: 'a' }] } });
  });

  it('is unknown for ids the store never kept: odd, empty, huge, or an object key', () => {
    const { store } = clocked();
    store.create('t', []);
    for (const id of ['', 'T', 't ', '__proto__', 'constructor', 'x'.repeat(1_000_000), '\u0000', '😀']) expect(store.status(id)).toBeUndefined();
  });

  it("answers the contract's example task id with its example (docs samples run against the mock)", () => {
    const { store } = clocked();
    expect(statusOf(store, 'ecd371a8-2229-48bb-bc3e-de7d39cd3051')).toMatchObject({ error: 0, data: { status: 'completed', progress: 100 } });
  });
});

describe('the store is bounded', () => {
  it(`keeps at most ${TASK_DEFAULTS.maxTasks} tasks by default: of 10,001 the oldest is dropped`, () => {
    const { store } = clocked();
    for (let i = 0; i <= TASK_DEFAULTS.maxTasks; i++) store.create(`t${i}`, [{ profile_id: String(i) }]);
    expect(store.size).toBe(TASK_DEFAULTS.maxTasks);
    expect(store.status('t0')).toBeUndefined();
    expect(store.status('t1')).toBeDefined();
    expect(store.status(`t${TASK_DEFAULTS.maxTasks}`)).toBeDefined();
  });

  it('drops the oldest tasks first when a cap is reached, tasks or result items', () => {
    const { store, tick } = clocked({ maxTasks: 3, maxProfiles: 10 });
    for (const id of ['a', 'b', 'c', 'd']) {
      store.create(id, [{}]);
      tick(1);
    }
    expect(store.records().map((r) => r.id)).toEqual(['b', 'c', 'd']);
    store.create('big', Array.from({ length: 9 }, () => ({})));
    expect(store.records().map((r) => r.id)).toEqual(['d', 'big']);
    expect(store.profileCount).toBe(10);
    // One batch larger than the cap is still kept, alone.
    store.create('huge', Array.from({ length: 11 }, () => ({})));
    expect(store.records().map((r) => r.id)).toEqual(['huge']);
  });

  it('expires the oldest first, and the expired ones leave the store (not only the answers)', () => {
    const { store, tick } = clocked({ durationMs: 0, ttlMs: 100 });
    for (let i = 0; i < 1000; i++) {
      store.create(`t${i}`, [{}]);
      tick(1);
    }
    tick(50);
    // t0 to t999 were created 1,050 ms to 51 ms ago: t0 to t949 are more than 100 ms old
    // (t950's last millisecond is now).
    store.create('next', []);
    expect(store.size).toBe(51);
    expect(store.records()[0]!.id).toBe('t950');
    expect(store.profileCount).toBe(50);
  });

  it('takes the tasks another process hands over, except expired, duplicate or malformed ones', () => {
    const { store } = clocked({ ttlMs: 10 });
    const record: TaskRecord = { id: 'x', createdAt: 1_000_000, durationMs: 5, results: [{ profile_id: 'p' }] };
    expect(store.add(record)).toBe(true);
    expect(store.add(record)).toBe(false);
    expect(store.add({ ...record, id: 'old', createdAt: 0 })).toBe(false);
    for (const bad of [null, 'x', { id: 1 }, { ...record, id: 'y', results: 'no' }, { ...record, id: 'z', durationMs: -1 }]) expect(store.add(bad)).toBe(false);
    expect(store.records().map((r) => r.id)).toEqual(['x']);
  });

  it('stays within its byte bound when every result echoes a huge profile_id (matching=profile_id)', () => {
    const maxBytes = 4 * 2 ** 20;
    const { store, tick } = clocked({ durationMs: 0, maxBytes });
    const big = 'x'.repeat(300 * 1024);
    const ids: string[] = [];
    for (let i = 0; i < 48; i++) {
      const request = { workflow_id: 1, matching: 'profile_id', data: [{ data: { profile_id: `${i}`.padStart(8, '0') + big } }] };
      ids.push((answerWithTasks('importAndStartBatchTask', request, store) as { task_id: string }).task_id);
      tick(1);
      const held = store.records().reduce((sum, record) => sum + Buffer.byteLength(JSON.stringify(record)), 0);
      expect(held).toBeLessThanOrEqual(maxBytes);
      expect(store.byteCount).toBe(held);
    }
    // Oldest first: the newest tasks are the ones kept, and they still answer in full.
    expect(store.size).toBe(13);
    expect(store.records().map((r) => r.id)).toEqual(ids.slice(-13));
    expect(statusOf(store, ids.at(-1)!)!.data.result!.result).toEqual([{ profile_id: '00000047' + big }]);
    expect(statusOf(store, ids[0]!)).toBeUndefined();
    // One task larger than the bound is kept, alone (as a batch over the profile limit is).
    store.create('huge', [{ profile_id: 'y'.repeat(maxBytes) }]);
    expect(store.records().map((r) => r.id)).toEqual(['huge']);
    expect(TASK_DEFAULTS.maxBytes).toBe(64 * 2 ** 20);
  });

  it('refuses caps and durations that are not whole numbers', () => {
    for (const options of [{ maxBytes: 0 }, { maxTasks: 0 }, { maxProfiles: 1.5 }, { durationMs: -1 }, { ttlMs: Number.NaN }]) expect(() => new TaskStore(options)).toThrow(RangeError);
  });
});

describe('answerWithTasks', () => {
  it("queues the synchronous answer's results, value for value, with the same per-item refusals", () => {
    const { store } = clocked({ durationMs: 0 });
    const request = batch(Array.from({ length: 200 }, (_, i) => `p${i}@example.com`));
    const refuses = (id: string) => id.endsWith('a');
    const queued = answerWithTasks('importAndStartBatchTask', request, store, refuses) as { task_id: string };
    const sync = answerFor('importAndStartBatch', request, refuses) as { result: object[] };
    const done = answerWithTasks('getTaskStatus', { ...request, task_id: queued.task_id }, store) as Status;
    expect(done.data.result!.result).toEqual(sync.result);
    const refused = sync.result.filter((item) => 'error' in item).length;
    expect(refused).toBeGreaterThan(0);
    expect(refused).toBeLessThan(200);
    expect(answerWithTasks('getTaskStatus', { ...request, task_id: 12 }, store)).toBeUndefined();
  });
});

describe('pnpm dev hand-over (TaskKeeper and shareTasksWithParent, over real IPC)', () => {
  const children: ChildProcess[] = [];
  afterEach(() => {
    for (const child of children.splice(0)) child.kill();
  });

  // A stand-in for a mock process: a store shared with its parent, driven by messages.
  const script = fileURLToPath(new URL('./support/task-child.mjs', import.meta.url));
  function child(): ChildProcess {
    const started = fork(script, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    children.push(started);
    return started;
  }
  const ask = (c: ChildProcess, message: object) =>
    new Promise<unknown>((resolve) => {
      const on = (answer: { reply?: unknown }) => {
        if (answer && 'reply' in answer) {
          c.off('message', on);
          resolve(answer.reply);
        }
      };
      c.on('message', on);
      c.send(message);
    });

  it('hands the tasks of a process to the next one, and a task the retiring one queues late reaches the new one', async () => {
    const keeper = new TaskKeeper();
    const first = child();
    await keeper.handOver(first);
    await ask(first, { create: 't1' });
    const second = child();
    await keeper.handOver(second);
    expect(await ask(second, { ids: true })).toEqual(['t1']);
    await ask(first, { create: 't2' });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await ask(second, { ids: true })).toEqual(['t1', 't2']);
    first.kill('SIGKILL');
    const third = child();
    await keeper.handOver(third);
    expect(await ask(third, { ids: true })).toEqual(['t1', 't2']);
    expect(keeper.size).toBe(2);
  }, 60_000);

  it('hands over in messages of bounded size, however many bytes the tasks hold', async () => {
    // 40 tasks of ~100 KiB: one message held them all (4 MiB); 70 of 8 MiB made a message
    // longer than V8's longest string, and the new process never got its tasks.
    const keeper = new TaskKeeper({ chunkBytes: 256 * 1024 });
    const first = child();
    await keeper.handOver(first);
    for (let i = 0; i < 40; i++) await ask(first, { create: `t${i}`, pad: 100 * 1024 });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(keeper.size).toBe(40);
    const second = child();
    await keeper.handOver(second);
    expect(await ask(second, { ids: true })).toEqual(Array.from({ length: 40 }, (_, i) => `t${i}`));
    const sizes = (await ask(second, { handed: true })) as number[];
    expect(sizes.length).toBeGreaterThan(10);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(256 * 1024);
  }, 60_000);

  it('kills a process that does not take the tasks in time, so it never serves without them', async () => {
    const keeper = new TaskKeeper();
    const deaf = fork(script, ['--deaf'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    children.push(deaf);
    const exited = new Promise((resolve) => deaf.once('exit', (code, signal) => resolve(signal ?? code)));
    await expect(keeper.handOver(deaf, 500)).rejects.toThrow(/did not take/);
    expect(await Promise.race([exited, new Promise((resolve) => setTimeout(() => resolve('still running'), 5_000))])).toBe('SIGTERM');
  }, 30_000);
});

describe('handed-over tasks that expire before older ones (review4 #14)', () => {
  it('leave the store once expired, whatever was kept before them', () => {
    const { store, tick } = clocked({ durationMs: 1000, ttlMs: 0 });
    store.create('own', []);
    expect(store.add({ id: 'handed', createdAt: 1_000_000, durationMs: 10, results: [{ a: 1 }] })).toBe(true);
    store.create('own-2', []);
    tick(100);
    expect(store.records().map((task) => task.id)).toEqual(['own', 'own-2']);
    expect(store.size).toBe(2);
    expect(store.profileCount).toBe(0);
    // In order again: the sweep goes on from the oldest, and expires the rest.
    tick(1000);
    expect(store.records()).toEqual([]);
  });
});
