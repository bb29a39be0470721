// End to end in task mode: the client against the mock that keeps tasks (apps/mock, tasks done
// after 300 ms), in JSON and XML: each profile queued, followed, and settled from the result.
import { TaskStore, startMock } from '@altcraft-api/mock';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createAltcraftClient } from '../src/client.js';
import { AltcraftApiError } from '../src/errors.js';
import { importProfiles, type ProfileOutcome } from '../src/import-profiles.js';
import { taskIdOf } from '../src/tasks.js';

const TOKEN = 'abcdefghijklmnqrstuvwxyz';
let mock: Awaited<ReturnType<typeof startMock>>;
beforeAll(async () => {
  mock = await startMock({ port: 0, tasks: new TaskStore({ durationMs: 300 }) });
  await mock.prismReady;
}, 200_000);
afterAll(() => mock?.close());

it.each(['json', 'xml'] as const)('%s: waitForTask sees the task through to completed, with one result per profile', async (format) => {
  const client = createAltcraftClient({ baseUrl: mock.baseUrl, token: TOKEN });
  const queued = await client.importAndStartBatchTask({ workflow_id: 12, data: [{ data: { email: 'a@example.com' } }, { data: { email: 'b@example.com' } }] }, { format });
  const seen: string[] = [];
  const final = await client.waitForTask(taskIdOf(queued)!, { format, pollInterval: 50, onStatus: (status) => seen.push(status.status) });
  expect(final.status).toBe('completed');
  expect((final.result as { result: unknown[] }).result).toHaveLength(2);
  // Every status seen is one the mock reports (how many depends on the machine's load).
  expect(seen.at(-1)).toBe('completed');
  expect(seen.every((status) => ['queued', 'in_progress', 'completed'].includes(status)), seen.join()).toBe(true);
});

it.each(['json', 'xml'] as const)('%s: importProfiles in task mode settles every profile imported from its task', async (format) => {
  const client = createAltcraftClient({ baseUrl: mock.baseUrl, token: TOKEN });
  const outcomes: ProfileOutcome[] = [];
  const summary = await importProfiles(client, {
    workflow_id: 12,
    operation: 'task',
    format,
    profiles: Array.from({ length: 25 }, (_, i) => ({ email: `p${i}@example.com` })),
    maxProfilesPerRequest: 10,
    taskPollInterval: 50,
    onOutcome: (outcome) => void outcomes.push(outcome),
  });
  expect(summary).toMatchObject({ imported: 25, settled: 25, queued: 0, unknown: 0 });
  expect(outcomes.every((o) => o.status === 'imported' && typeof o.profileId === 'string' && typeof o.taskId === 'string')).toBe(true);
  expect(new Set(outcomes.map((o) => (o as { taskId: string }).taskId)).size).toBe(3);
});

it('an unknown task id gets the documented error envelope: AltcraftApiError, not polled again', async () => {
  const client = createAltcraftClient({ baseUrl: mock.baseUrl, token: TOKEN });
  const error = await client.waitForTask('no-such-task', { pollInterval: 50 }).catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(AltcraftApiError);
  expect((error as AltcraftApiError).operation).toBe('getTaskStatus');
});
