import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMock, type TestMock } from '../src/testing.js';

let mock: TestMock;
beforeAll(async () => {
  mock = await startMock({ journalSize: 1500, log: () => undefined });
});
afterAll(() => mock?.stop());

const send = (workflowId: number, emails: string[], operation = 'import_and_start_batch') =>
  fetch(`${mock.baseUrl}/workflows/${operation}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: 'Bearer test-token-1234' },
    body: JSON.stringify({ workflow_id: workflowId, data: emails.map((email) => ({ data: { email } })) }),
  }).then(async (answer) => ({ status: answer.status, body: (await answer.json()) as { result?: { profile_id: string }[] } }));

describe('startMock from @altcraft-api/mock/testing', () => {
  it('serves on a free port of 127.0.0.1 and reads the journal as typed functions', async () => {
    expect(mock.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(mock.baseUrl).toBe(`${mock.url}/api/v1.1`);
    await mock.reset();
    const answer = await send(12, ['a@example.com', 'b@example.com', 'c@example.com']);
    await send(13, ['d@example.com'], 'import_and_start_batch_task');
    const profiles = await mock.profiles(12);
    expect(profiles.map((p) => [p.fields.email, p.profile_id])).toEqual(answer.body.result!.map((r, i) => [`${'abc'[i]}@example.com`, r.profile_id]));
    expect((await mock.requests({ operation: 'importAndStartBatchTask' })).map((r) => r.workflow_id)).toEqual([13]);
    expect((await mock.requests({ workflowId: 12 })).length).toBe(1);
    expect(await mock.requests({ since: new Date(Date.now() + 60_000) })).toEqual([]);
    for (const since of [new Date(NaN), 'yesterday', NaN as unknown as Date]) {
      await expect(mock.requests({ since }), String(since)).rejects.toThrow(/^requests: since must be a valid date \(a Date or an ISO 8601 date-time\), not /);
    }
    await mock.reset();
    expect(await mock.requests()).toEqual([]);
    expect(await mock.profiles()).toEqual([]);
  });

  it('returns every page of the journal', async () => {
    await mock.reset();
    for (let i = 0; i < 1100; i += 50) await Promise.all(Array.from({ length: 50 }, (_, j) => send(i + j, ['x@example.com'])));
    const all = await mock.requests();
    expect(all.length).toBe(1100);
    expect(new Set(all.map((r) => r.id)).size).toBe(1100);
  }, 60_000);

  it('stops once, however often stop() is called, and frees its port', async () => {
    const other = await startMock({ log: () => undefined });
    await Promise.all([other.stop(), other.stop()]);
    await expect(fetch(`${other.url}/health`)).rejects.toThrow();
  });
});
