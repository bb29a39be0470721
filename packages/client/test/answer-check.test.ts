// The client holds an answer to the contract tier of its schema only (spec/DECISIONS.md row 37):
// an answer the pages allow, however odd by our advice (an empty or non-hex profile_id, a field
// the pages do not list, an empty task_id), settles its profiles as the platform said, and the
// oddities reach `onWarnings`; a batch is `unknown` only when the answer breaks the contract.
import type { Violation } from '@altcraft-api/contract';
import { afterEach, describe, expect, it } from 'vitest';
import { createAltcraftClient } from '../src/client.js';
import { importProfiles, type ProfileOutcome } from '../src/import-profiles.js';
import { answer, startServer, type TestServer } from './support/server.js';

const TOKEN = 'abcdefghijklmnqrstuvwxyz';
const ID = '6613c4754a5d12bd6cc0915f';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

type Warned = { warnings: Violation[]; context: { operation: string; truncated: boolean; answer?: boolean } };

async function run(operation: 'sync' | 'task', odd: (count: number) => unknown, waitForTasks = false) {
  let number = 0;
  server = await startServer((req, res) => {
    const count = (JSON.parse(req.body) as { data: unknown[] }).data.length;
    if (number++ === 1) return answer(res, 200, odd(count));
    if (operation === 'task') return answer(res, 200, { error: 0, error_text: 'ok', task_id: `t${number}` });
    return answer(res, 200, { error: 0, error_text: 'ok', result: Array.from({ length: count }, () => ({ profile_id: ID })) });
  });
  const warned: Warned[] = [];
  const outcomes: ProfileOutcome[] = [];
  const client = createAltcraftClient({ baseUrl: server.baseUrl, token: TOKEN, onWarnings: (warnings, context) => void warned.push({ warnings, context }) });
  const summary = await importProfiles(client, {
    workflow_id: 12,
    operation,
    profiles: Array.from({ length: 30 }, (_, i) => ({ email: `p${i}@example.com` })),
    maxProfilesPerRequest: 10,
    concurrency: 1,
    waitForTasks,
    onOutcome: (o) => void outcomes.push(o),
  });
  return { summary, outcomes, warned };
}

describe('an answer the contract allows but advice finds odd', () => {
  it('empty profile_ids: the batch is imported as the platform said, and the oddity is a warning', async () => {
    const { summary, outcomes, warned } = await run('sync', (count) => ({ error: 0, error_text: 'ok', result: Array.from({ length: count }, () => ({ profile_id: '' })) }));
    expect(summary).toMatchObject({ imported: 30, unknown: 0 });
    expect(outcomes.find((o) => o.index === 10)).toMatchObject({ status: 'imported', profileId: '' });
    expect(warned).toHaveLength(1);
    expect(warned[0]!.context).toEqual({ operation: 'importAndStartBatch', truncated: false, answer: true });
    expect(warned[0]!.warnings[0]).toEqual({ pointer: '/result/0/profile_id', message: expect.stringMatching(/24 hexadecimal digits/) });
  });

  it('fields the pages do not list (data: null, a per-item status), and ids of another form: imported, with warnings', async () => {
    const { summary, warned } = await run('sync', (count) => ({
      error: 0,
      error_text: 'Successful operation',
      data: null,
      result: Array.from({ length: count }, (_, i) => ({ profile_id: `abcdefghijklmnqrstuvwx${i}`, status: 'new' })),
    }));
    expect(summary).toMatchObject({ imported: 30, unknown: 0 });
    const pointers = warned.flatMap((w) => w.warnings.map((v) => v.pointer));
    expect(pointers).toContain('/data');
    expect(pointers).toContain('/result/0/status');
    expect(pointers).toContain('/result/0/profile_id');
  });

  it('an empty task_id: queued, with a warning', async () => {
    const { summary, warned } = await run('task', () => ({ error: 0, error_text: 'ok', task_id: '' }));
    expect(summary).toMatchObject({ queued: 30, unknown: 0 });
    expect(warned[0]!.warnings).toEqual([{ pointer: '/task_id', message: expect.stringMatching(/^is not 1 to 64/) }]);
  });

  it('an empty task_id, followed: its batch is unknown (no task can be asked about by it), the others are not sent again', async () => {
    let sent = 0;
    server = await startServer((req, res) => {
      const body = JSON.parse(req.body) as { data?: unknown[]; task_id?: string };
      if (body.task_id !== undefined) return answer(res, 200, { error: 0, error_text: 'ok', data: { status: 'completed', result: { total: 10, errors: [] } } });
      return answer(res, 200, { error: 0, error_text: 'ok', task_id: sent++ === 1 ? '' : `t${sent}` });
    });
    const client = createAltcraftClient({ baseUrl: server.baseUrl, token: TOKEN });
    const profiles = Array.from({ length: 30 }, (_, i) => ({ email: `p${i}@example.com` }));
    const summary = await importProfiles(client, { workflow_id: 12, operation: 'task', profiles, maxProfilesPerRequest: 10, concurrency: 1, taskPollInterval: 10 });
    expect(summary).toMatchObject({ imported: 20, unknown: 10 });
    expect(sent).toBe(3);
  });

  it('hostile: a warning that would quote the token (a field named after it) is redacted', async () => {
    const { summary, warned } = await run('sync', (count) => ({ error: 0, error_text: 'ok', [TOKEN]: 1, result: Array.from({ length: count }, () => ({ profile_id: ID })) }));
    expect(summary).toMatchObject({ imported: 30 });
    expect(JSON.stringify(warned)).not.toContain(TOKEN);
    expect(warned[0]!.warnings).toHaveLength(1);
  });

  it('without onWarnings nothing is computed for advice and the batch is still imported', async () => {
    let number = 0;
    server = await startServer((req, res) => {
      const count = (JSON.parse(req.body) as { data: unknown[] }).data.length;
      answer(res, 200, { error: 0, error_text: 'ok', extra: number++, result: Array.from({ length: count }, () => ({ profile_id: '' })) });
    });
    const result = await createAltcraftClient({ baseUrl: server.baseUrl, token: TOKEN }).importAndStartBatch({ workflow_id: 12, data: [{ data: { email: 'a@example.com' } }] });
    expect(result).toMatchObject({ error: 0, result: [{ profile_id: '' }] });
  });
});
