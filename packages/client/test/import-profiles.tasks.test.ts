// importProfiles in task mode against a fake platform with tasks (support/task-platform.ts):
// each queued batch is followed to its end and each profile settled once from the task's result.
import { afterEach, describe, expect, it } from 'vitest';
import { createAltcraftClient } from '../src/client.js';
import { importProfiles, type ImportProfilesOptions, type ProfileOutcome } from '../src/import-profiles.js';
import { startTaskPlatform, type TaskPlatform, type TaskPlatformOptions } from './support/task-platform.js';

const TOKEN = 'tok-SECRET-5f19953a-k3yM4t3r14l';
let platform: TaskPlatform | undefined;
afterEach(async () => {
  await platform?.close();
  platform = undefined;
});

async function run(emails: string[], platformOptions: TaskPlatformOptions, options: Partial<ImportProfilesOptions> = {}) {
  platform = await startTaskPlatform(platformOptions);
  const outcomes: ProfileOutcome[] = [];
  const summary = await importProfiles(createAltcraftClient({ baseUrl: platform.baseUrl, token: TOKEN }), {
    workflow_id: 12,
    operation: 'task',
    profiles: emails.map((email) => ({ email })),
    maxProfilesPerRequest: 10,
    concurrency: 3,
    taskPollInterval: 20,
    onOutcome: (outcome) => void outcomes.push(outcome),
    ...options,
  } as ImportProfilesOptions);
  // Each input profile settled exactly once.
  expect(outcomes.map((o) => o.index).sort((a, b) => a - b)).toEqual(emails.map((_, index) => index));
  return { summary, outcomes, byIndex: (index: number) => outcomes.find((o) => o.index === index)! };
}

const emailsOf = (count: number, mark: (i: number) => string = () => 'p') => Array.from({ length: count }, (_, i) => `${mark(i)}${i}@example.com`);

describe('importProfiles (task mode) follows each task to its end', () => {
  it('some profiles fail in the result, one batch never finishes: imported, failed, unknown with the task id', async () => {
    const emails = emailsOf(60, (i) => (i === 7 || i === 44 ? 'bad-' : i === 25 ? 'stuck-' : 'p'));
    const { summary, outcomes, byIndex } = await run(emails, { durationMs: 150 }, { taskTimeoutMs: 1_500, taskConcurrency: 2 });
    expect(summary).toMatchObject({ imported: 48, failed: 2, unknown: 10, queued: 0, inTasks: 0, settled: 60, checkpoint: 60 });
    // Values against the fake's own record: each imported profile carries the id its task gave it.
    for (const outcome of outcomes.filter((o) => o.status === 'imported')) {
      expect(outcome).toMatchObject({ profileId: `id-${emails[outcome.index]}` });
      const task = [...platform!.tasks.values()].find((t) => t.emails.includes(emails[outcome.index]!))!;
      expect((outcome as { taskId?: string }).taskId).toBe(task.id);
    }
    expect(byIndex(7)).toMatchObject({ status: 'failed', error: { kind: 'item', code: 13, message: 'Invalid email at 7', retryable: false } });
    expect(byIndex(44)).toMatchObject({ status: 'failed', error: { kind: 'item', message: 'Invalid email at 4' } });
    const stuckTask = [...platform!.tasks.values()].find((t) => t.emails.includes(emails[25]!))!;
    for (let index = 20; index < 30; index++) {
      expect(byIndex(index)).toMatchObject({ status: 'unknown', error: { kind: 'timeout', taskId: stuckTask.id, taskStatus: 'in_progress', retryable: false } });
    }
    expect(platform!.tasks.size).toBe(6);
    expect([...platform!.queuedCount.values()].every((n) => n === 1)).toBe(true);
    expect(platform!.maxStatusInFlight).toBeLessThanOrEqual(2);
    expect(platform!.maxStatusInFlight).toBeGreaterThan(1);
  });

  it('status requests that fail with 500, 429 (Retry-After) and resets are asked again', async () => {
    let statusNumber = 0;
    const fault: TaskPlatformOptions['fault'] = ({ kind }) => {
      if (kind !== 'status') return 'ok';
      const n = statusNumber++;
      return n % 4 === 0 ? { status: 500 } : n % 4 === 1 ? { status: 429, retryAfter: 0 } : n % 4 === 2 ? 'reset' : 'ok';
    };
    const { summary } = await run(emailsOf(30), { durationMs: 100, fault }, { taskTimeoutMs: 20_000 });
    expect(summary).toMatchObject({ imported: 30, unknown: 0, failed: 0 });
    expect(platform!.tasks.size).toBe(3);
  });

  it('reads the task id nested in data as well', async () => {
    const { summary } = await run(emailsOf(12), { idAt: 'nested', durationMs: 50 });
    expect(summary).toMatchObject({ imported: 12 });
  });

  it('imported only on evidence: counts with total and no errors, else unknown with the raw status', async () => {
    for (const errors of [[]]) {
      const counted = await run(emailsOf(10), { durationMs: 30, resultOf: (emails) => ({ total: emails.length, errors }) });
      expect(counted.summary).toMatchObject({ imported: 10 });
      expect(counted.byIndex(3)).toEqual({ index: 3, status: 'imported', taskId: 'task-1' });
      await platform!.close();
    }
    for (const resultOf of [
      (emails: string[]) => ({ total: emails.length }),
      (emails: string[]) => ({ total: emails.length, errors: [{ error: 1 }] }),
      (emails: string[]) => ({ total: emails.length + 1, errors: [] }),
      (emails: string[]) => ({ result: emails.slice(1).map(() => ({ profile_id: 'x' })) }),
      () => undefined,
    ]) {
      const { summary, byIndex } = await run(emailsOf(10), { durationMs: 30, resultOf });
      expect(summary).toMatchObject({ unknown: 10 });
      expect(byIndex(0)).toMatchObject({ status: 'unknown', error: { kind: 'task', taskId: 'task-1', taskStatus: 'completed', retryable: false } });
      await platform!.close();
    }
    // `errors` a count, not the list the page shows: the answer breaks the contract, and asking
    // again would get the same answer, so the profiles are unknown at once.
    const miscounted = await run(emailsOf(10), { durationMs: 30, resultOf: (emails) => ({ total: emails.length, errors: 0 }) });
    expect(miscounted.summary).toMatchObject({ unknown: 10 });
    expect(JSON.stringify(miscounted.byIndex(0))).toMatch(/breaks the contract/);
    await platform!.close();
    platform = undefined;
  });

  it('waitForTasks: false keeps the profiles queued, and no status is asked', async () => {
    const { summary, byIndex } = await run(emailsOf(15), {}, { waitForTasks: false });
    expect(summary).toMatchObject({ queued: 15 });
    expect(byIndex(12)).toEqual({ index: 12, status: 'queued', taskId: 'task-2' });
    expect(platform!.statusRequests).toBe(0);
  });

  it('onTaskQueued is awaited before the task is followed; the signal makes the batch unknown, the stop signal leaves it queued', async () => {
    const abort = new AbortController();
    const queuedTasks: { first: number; count: number; taskId: string }[] = [];
    const aborted = await run(emailsOf(20, (i) => (i === 0 ? 'stuck-' : 'p')), { durationMs: 30 }, {
      signal: abort.signal,
      onTaskQueued: (task) => void queuedTasks.push(task),
      onProgress: (progress) => {
        if (progress.imported === 10) abort.abort();
      },
    });
    expect(queuedTasks).toEqual([{ first: 0, count: 10, taskId: 'task-1' }, { first: 10, count: 10, taskId: 'task-2' }]);
    expect(aborted.byIndex(0)).toMatchObject({ status: 'unknown', error: { kind: 'aborted', taskId: 'task-1' } });
    await platform!.close();
    const stop = new AbortController();
    const stopped = await run(emailsOf(20, (i) => (i === 0 ? 'stuck-' : 'p')), { durationMs: 30 }, {
      stopSignal: stop.signal,
      onProgress: (progress) => {
        if (progress.imported === 10) stop.abort();
      },
    });
    expect(stopped.summary).toMatchObject({ imported: 10, queued: 10 });
    expect(stopped.byIndex(0)).toEqual({ index: 0, status: 'queued', taskId: 'task-1' });
  });

  it('hostile: a task result echoing the token in profile ids and error texts puts no piece of it in any outcome', async () => {
    const leaks = (text: string) => {
      for (let i = 0; i + 8 <= TOKEN.length; i++) if (text.toLowerCase().includes(TOKEN.slice(i, i + 8).toLowerCase())) return true;
      return false;
    };
    const resultOf = (emails: string[]) => ({
      result: emails.map((_, position) => (position % 2 ? { profile_id: `${TOKEN.slice(2, 20)}-${position}` } : { error: 1, error_text: `bad ${TOKEN.toUpperCase()}` })),
    });
    const { outcomes, summary } = await run(emailsOf(20), { durationMs: 30, resultOf });
    expect(summary).toMatchObject({ imported: 10, failed: 10 });
    expect(leaks(JSON.stringify(outcomes)), JSON.stringify(outcomes)).toBe(false);
  });
});

describe('a task id that holds a piece of the token', () => {
  it('is refused at queue time: its profiles unknown with a reason that shows no id, never recorded nor followed', async () => {
    const leaky = `t-${TOKEN.slice(4, 14)}-1`;
    for (const waitForTasks of [true, false]) {
      const recorded: string[] = [];
      const asked: string[] = [];
      const { summary, outcomes, byIndex } = await run(
        emailsOf(20),
        { durationMs: 50, idOf: (n) => (n === 1 ? leaky : `task-${n}`), fault: ({ kind, taskId }) => (kind === 'status' && taskId && asked.push(taskId), 'ok') },
        { concurrency: 1, waitForTasks, onTaskQueued: ({ taskId }) => void recorded.push(taskId) },
      );
      for (let index = 0; index < 10; index++) {
        expect(byIndex(index)).toEqual({ index, status: 'unknown', error: { kind: 'response', message: 'the answer queued the batch under a task id that holds a piece of the token: it is neither recorded nor followed (ask the platform for the batch\'s task)', retryable: false } });
      }
      expect(byIndex(10)).toMatchObject({ status: waitForTasks ? 'imported' : 'queued', taskId: 'task-2' });
      expect(summary).toMatchObject({ unknown: 10 });
      expect(recorded).toEqual(['task-2']);
      expect(asked.includes(leaky)).toBe(false);
      expect(JSON.stringify(outcomes)).not.toContain(TOKEN.slice(4, 14));
      await platform?.close();
      platform = undefined;
    }
  });
});
