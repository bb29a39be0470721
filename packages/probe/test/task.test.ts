// The task question against fake installations that answer it every way the contract leaves
// open: a result of another shape, a task that never finishes, a nested task_id, no task at all.
import { afterEach, describe, expect, it } from 'vitest';
import { taskStatusAnswer } from '../src/assumptions.js';
import { runProbe } from '../src/probe.js';
import { startFakePlatform, type FakePlatform, type Received, type Reply } from './support/fake-platform.js';

const TOKEN = 'probe-test-token-6f2c9a';
const OK = { error: 0, error_text: 'Successful operation' };

let fake: FakePlatform | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

const isStatus = (r: Received) => r.url.endsWith('/tasks/status');

/** A platform that accepts the baseline and queues the task; `status` answers each status request (numbered from 1). */
function platform(status: (poll: number, received: Received) => Reply, created: Reply['body'] = { ...OK, task_id: 'T-1' }): (r: Received) => Reply {
  let polls = 0;
  return (r) => {
    if (isStatus(r)) return status(++polls, r);
    if (r.url.endsWith('_task')) return { status: 200, body: created };
    return { status: 200, body: { ...OK, result: [{ profile_id: 'x' }] } };
  };
}

const ask = async (behave: (r: Received) => Reply, extra: Partial<Parameters<typeof runProbe>[0]> = {}) => {
  fake = await startFakePlatform(behave);
  const report = await runProbe({ upstream: fake.baseUrl, workflowId: 12, token: TOKEN, only: ['task-status'], taskPollMs: 20, ...extra });
  return report.rows.find((row) => row.id === 'task-status')!;
};

describe('the task-status question', () => {
  it("takes the finished values from the contract (the page's completed and success)", () => {
    expect(taskStatusAnswer()).toMatchObject({ kind: 'task', finished: ['completed', 'success'] });
  });

  it('agrees when the task finishes with one result item per profile, polling until it does', async () => {
    const row = await ask(
      platform((poll) => ({
        status: 200,
        body: poll < 3 ? { ...OK, data: { status: 'running', progress: 30 * poll } } : { ...OK, data: { status: 'success', progress: 100, result: { result: [{ profile_id: 'p1' }] } } },
      })),
    );
    expect(row).toMatchObject({ agree: true });
    expect(row.answer).toBe('task T-1: status "success", progress 100 after 3 status request(s); result holds {"result":[{"profile_id":"p1"}]}');
    expect(fake!.received.filter(isStatus).map((r) => r.body)).toEqual(Array(3).fill({ token: TOKEN, task_id: 'T-1', format: 'json' }));
  });

  it('disagrees, and says what the result holds, when it is shaped like an export result', async () => {
    const result = { errors: [], source_id: 1, total: 1, type: 'database', urls: ['/api/download/x.csv'] };
    const row = await ask(platform(() => ({ status: 200, body: { ...OK, data: { status: 'completed', progress: 100, result } } })));
    expect(row).toMatchObject({ agree: false });
    expect(row.answer).toContain(`result holds ${JSON.stringify(result)}`);
  });

  it('disagrees when the status request is refused for the task it just queued (read from data.task_id, as get_all nests it)', async () => {
    const row = await ask(platform(() => ({ status: 404, body: { error: 404, error_text: 'Not found' } }), { ...OK, data: { task_id: 'nested-7' } }));
    expect(row).toMatchObject({ agree: false, answer: 'task nested-7: the status request was rejected (HTTP 404, error 404 "Not found")' });
  });

  it('disagrees when a 200 carries no data.status', async () => {
    const row = await ask(platform(() => ({ status: 200, body: { ...OK, data: {} } })));
    expect(row).toMatchObject({ agree: false });
    expect(row.answer).toMatch(/without data\.status/);
  });

  it('stays open when the task never finishes within the wait, after several polls', async () => {
    const row = await ask(platform(() => ({ status: 200, body: { ...OK, data: { status: 'in_progress', progress: 50 } } })), { taskWaitMs: 300 });
    expect(row).toMatchObject({ agree: null });
    expect(row.answer).toMatch(/^task T-1: status "in_progress", progress 50 after \d+ status request\(s\), not finished/);
    expect(fake!.received.filter(isStatus).length).toBeGreaterThan(2);
  });

  it('stays open, without a status request, when no task was created', async () => {
    const row = await ask(platform(() => ({ status: 500, body: {} }), { error: 402, error_text: 'Tariff limit' }));
    expect(row).toMatchObject({ agree: null });
    expect(row.answer).toMatch(/^no task to follow: the _task request was rejected \(HTTP 200, error 402/);
    expect(fake!.received.filter(isStatus)).toEqual([]);
  });

  it('clips a hostile task id and status in its words, and keeps the token out', async () => {
    const huge = `${TOKEN}${'z'.repeat(100_000)}`;
    const row = await ask(platform(() => ({ status: 200, body: { ...OK, data: { status: `${TOKEN}${'s'.repeat(1000)}`, progress: 1 } } }), { ...OK, task_id: huge }), { taskWaitMs: 100 });
    expect(row.answer.length).toBeLessThan(300);
    expect(JSON.stringify(row)).not.toContain(TOKEN);
  });
});
