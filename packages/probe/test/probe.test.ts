import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MAX_BODY_BYTES, validateRequest } from '@altcraft-api/contract';
import { startMock, type RunningMock } from '@altcraft-api/mock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { redactor, runProbe } from '../src/probe.js';
import { QUESTIONS } from '../src/questions.js';
import { startFakePlatform, type FakePlatform } from './support/fake-platform.js';

const TOKEN = 'probe-test-token-6f2c9a';

let fake: FakePlatform | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

describe('against the mock', () => {
  let mock: RunningMock;
  // Prism starts behind the mock: up to 15 s on a loaded two-core machine.
  beforeAll(async () => {
    mock = await startMock({ port: 0 });
  }, 60_000);
  afterAll(() => mock?.close());

  it('every answer agrees with what the contract assumes', async () => {
    const report = await runProbe({ upstream: mock.baseUrl, workflowId: 12, token: TOKEN });
    expect(report.stopped).toBeUndefined();
    expect(report.rows.map((row) => row.id)).toEqual(QUESTIONS.map((q) => q.id));
    for (const row of report.rows) expect({ id: row.id, agree: row.agree, answer: row.answer }).toEqual({ id: row.id, agree: true, answer: row.answer });
    expect(report).toMatchObject({ agree: QUESTIONS.length, disagree: 0, unsettled: 0 });
  }, 60_000);
});

describe('against a fake that does the opposite of the contract', () => {
  it('every question but the baseline disagrees', async () => {
    fake = await startFakePlatform();
    const report = await runProbe({ upstream: fake.origin, workflowId: 12, token: TOKEN });
    const [baseline, ...rest] = report.rows;
    expect(baseline).toMatchObject({ id: 'baseline', agree: true });
    expect(rest).toHaveLength(QUESTIONS.length - 1);
    for (const row of rest) expect({ id: row.id, agree: row.agree, answer: row.answer }).toEqual({ id: row.id, agree: false, answer: row.answer });
    expect(report).toMatchObject({ agree: 1, disagree: QUESTIONS.length - 1, unsettled: 0 });
  }, 60_000);

  it('sends every request with skip_triggers, the given workflow and probe+N profiles only', async () => {
    fake = await startFakePlatform();
    await runProbe({ upstream: fake.baseUrl, workflowId: 4711, token: TOKEN });
    // The task question's status request carries no profile, only its task's id.
    const status = fake.received.filter((r) => r.url === '/api/v1.1/tasks/status');
    expect(status.map((r) => [r.question, r.body])).toEqual([['task-status', { token: TOKEN, task_id: `fake-task-${QUESTIONS.findIndex((q) => q.id === 'task-status') + 1}`, format: 'json' }]]);
    const batches = fake.received.filter((r) => !status.includes(r));
    expect(batches.map((r) => r.question)).toEqual(QUESTIONS.map((q) => q.id));
    const queuesTask = new Set(['task-status', 'task-id-form']);
    batches.forEach((request, index) => {
      expect(request.url).toBe(queuesTask.has(request.question!) ? '/api/v1.1/workflows/import_and_start_batch_task' : '/api/v1.1/workflows/import_and_start_batch');
      expect(request.body).toMatchObject({ workflow_id: 4711, skip_triggers: true });
      const emails = new Set((request.body!.data as { data: { email: string } }[]).map((item) => item.data.email));
      // The order question adds the baseline's profile as the second item.
      expect([...emails]).toEqual(request.question === 'result-order' ? [`probe+${index + 1}@example.invalid`, 'probe+1@example.invalid'] : [`probe+${index + 1}@example.invalid`]);
    });
  }, 60_000);

  it('asks each question as the contract needs it asked', async () => {
    fake = await startFakePlatform();
    await runProbe({ upstream: fake.baseUrl, workflowId: 12, token: TOKEN });
    const by = (id: string) => fake!.received.find((r) => r.question === id)!;
    expect(by('bearer').headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(by('bearer').body).not.toHaveProperty('token');
    expect(by('baseline').headers.authorization).toBeUndefined();
    expect(by('baseline').body).toMatchObject({ token: TOKEN, format: 'json' });
    expect((by('profiles-over-limit').body!.data as unknown[]).length).toBe(10_001);
    expect(by('xml-answer-encoding').headers['content-type']).toMatch(/^application\/xml/);
    expect(by('xml-answer-encoding').body).not.toHaveProperty('format');
    expect(by('body-over-limit').bytes).toBe(MAX_BODY_BYTES + 1);
    // The padding is whitespace: the same small request the contract accepts.
    expect(validateRequest(by('body-over-limit').body).valid).toBe(true);
    expect(by('attach-flie_key').body!.attach).toEqual([expect.objectContaining({ flie_key: 'probe-file-key' })]);
    expect(by('matching-custom_sub').body).toMatchObject({ matching: 'custom_sub', field_name: 'email' });
    const n = QUESTIONS.findIndex((q) => q.id === 'matching-with-custom-request') + 1;
    expect(by('matching-with-custom-request').body).toMatchObject({ matching: 'email', custom_request: { email: `probe+${n}@example.invalid` } });
    expect(by('no-token').body).not.toHaveProperty('token');
    expect(by('no-token').headers.authorization).toBeUndefined();
    expect((by('result-order').body!.data as { data: { email: string } }[]).map((item) => item.data.email)).toEqual([
      `probe+${QUESTIONS.findIndex((q) => q.id === 'result-order') + 1}@example.invalid`,
      'probe+1@example.invalid',
    ]);
  }, 60_000);

  it('stops after the baseline when the installation refuses it', async () => {
    fake = await startFakePlatform(() => ({ status: 403, body: { error: 403, error_text: 'Forbidden' } }));
    const report = await runProbe({ upstream: fake.baseUrl, workflowId: 12, token: TOKEN });
    expect(report.rows).toHaveLength(1);
    expect(report.stopped).toMatch(/baseline request was not accepted \(rejected \(HTTP 403, error 403 "Forbidden"\)\)/);
    expect(fake.received).toHaveLength(1);
  });

  it('counts a per-profile error of a 200 answer as a rejection', async () => {
    fake = await startFakePlatform((r) =>
      r.question === 'baseline'
        ? { status: 200, body: { error: 0, error_text: 'Successful operation', result: [{ profile_id: 'x' }] } }
        : { status: 200, body: { error: 0, error_text: 'Successful operation', result: [{ error: 5, error_text: 'invalid field _regurl' }] } },
    );
    const report = await runProbe({ upstream: fake.baseUrl, workflowId: 12, token: TOKEN, only: ['attach-file_key'] });
    expect(report.rows[1]).toMatchObject({ agree: false, answer: 'rejected for the profile (HTTP 200, result[0]: error 5 "invalid field _regurl")' });
  });
});

describe('the task answer\'s form (spec/DECISIONS.md row 32)', () => {
  const taskAnswer = (body: Record<string, unknown>, encoding?: 'xml') => (r: { question?: string }) =>
    r.question === 'task-id-form' ? { status: 200, body: { error: 0, error_text: 'Successful operation', ...body }, ...(encoding ? { encoding } : {}) } : { status: 200, body: { error: 0, error_text: 'ok', result: [{ profile_id: 'x' }] } };

  it.each([
    ['nested in data (JSON)', { data: { task_id: 'ecd371a8-2229-48bb-bc3e-de7d39cd3051' } }, undefined, '`data.task_id`'],
    ['at the top (JSON)', { task_id: 't-1' }, undefined, '`task_id` at the top'],
    ['at the top (XML)', { task_id: '00123' }, 'xml' as const, '`task_id` at the top'],
  ])('%s: agrees, and the answer says which form came', async (_name, body, encoding, form) => {
    fake = await startFakePlatform(taskAnswer(body, encoding));
    // The upstream may name the synchronous endpoint itself: the task question still goes to _task.
    const report = await runProbe({ upstream: `${fake.baseUrl}/workflows/import_and_start_batch`, workflowId: 12, token: TOKEN, only: ['task-id-form'] });
    expect(report.rows[1]).toMatchObject({ id: 'task-id-form', agree: true, answer: expect.stringContaining(form) });
    expect(report.rows[1]!.assumes).toBe('`task_id` at the top or `data.task_id` (the contract accepts both)');
    expect(fake.received.map((r) => r.url)).toEqual(['/api/v1.1/workflows/import_and_start_batch', '/api/v1.1/workflows/import_and_start_batch_task']);
  });

  it('a refusal leaves it unsettled', async () => {
    fake = await startFakePlatform((r) => (r.question === 'task-id-form' ? { status: 403, body: { error: 403, error_text: 'Forbidden' } } : { status: 200, body: { error: 0, error_text: 'ok', result: [{ profile_id: 'x' }] } }));
    const report = await runProbe({ upstream: fake.origin, workflowId: 12, token: TOKEN, only: ['task-id-form'] });
    expect(report.rows[1]).toMatchObject({ agree: null });
  });
});

describe('the token', () => {
  it('never follows a redirect, so the token never reaches another origin', async () => {
    let elsewhere = 0;
    const other = createServer((_, res) => {
      elsewhere++;
      res.end('{}');
    });
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    const otherUrl = `http://127.0.0.1:${(other.address() as AddressInfo).port}/steal`;
    try {
      fake = await startFakePlatform(() => ({ status: 307, body: {}, headers: { Location: otherUrl } }));
      const report = await runProbe({ upstream: fake.baseUrl, workflowId: 12, token: TOKEN });
      expect(report.rows[0]).toMatchObject({ agree: null, answer: `HTTP 307 redirect to ${otherUrl} (not followed)` });
      expect(report.stopped).toBeDefined();
      expect(elsewhere).toBe(0);
    } finally {
      other.closeAllConnections();
      await new Promise((resolve) => other.close(resolve));
    }
  });

  it('is redacted from answers that echo it, in every form', async () => {
    const hostile = `a"b<c&d/${TOKEN}`;
    fake = await startFakePlatform((r) => ({
      status: 400,
      body: { error: 400, error_text: `bad token ${hostile}`, error_debug: `${JSON.stringify(hostile)} ${encodeURIComponent(hostile)} ${String(r.body?.token)}` },
    }));
    const report = await runProbe({ upstream: fake.baseUrl, workflowId: 12, token: hostile });
    const printed = JSON.stringify(report);
    expect(printed).toContain('[redacted]');
    for (const form of [hostile, JSON.stringify(hostile).slice(1, -1), encodeURIComponent(hostile), TOKEN]) expect(printed).not.toContain(form);
  });

  it('is redacted before a long text is clipped, so no part of it shows', async () => {
    fake = await startFakePlatform(() => ({ status: 400, body: { error: 400, error_text: `${'x'.repeat(190)}${TOKEN}${'y'.repeat(100)}` } }));
    const report = await runProbe({ upstream: fake.baseUrl, workflowId: 12, token: TOKEN });
    expect(report.rows[0]!.answer).toContain('…');
    expect(JSON.stringify(report)).not.toContain(TOKEN.slice(0, 8));
  });

  it('redactor replaces every form, and pieces of the token a server cut short', () => {
    expect(redactor('a/b')('x a/b y a%2Fb z')).toBe('x [redacted] y [redacted] z');
    expect(redactor(TOKEN)(`cut ${TOKEN.slice(0, 9)}… ${TOKEN.toUpperCase()}`)).not.toMatch(new RegExp(`${TOKEN.slice(0, 8)}|${TOKEN.slice(0, 8).toUpperCase()}`));
  });

  it('is redacted from a task result before it is clipped (the first part of the token does not show)', async () => {
    fake = await startFakePlatform((r) =>
      r.url.endsWith('/tasks/status')
        ? { status: 200, body: { error: 0, data: { status: 'completed', progress: 100, result: { echo: `${'x'.repeat(381)}${TOKEN}` } } } }
        : r.url.endsWith('_task')
          ? { status: 200, body: { error: 0, task_id: 'T-1' } }
          : { status: 200, body: { error: 0, result: [{ profile_id: 'abcdefghijklmnqrstuvwxyz' }] } },
    );
    const report = await runProbe({ upstream: fake.baseUrl, workflowId: 12, token: TOKEN, only: ['task-status'], taskPollMs: 10 });
    expect(report.rows.find((row) => row.id === 'task-status')?.answer).toContain('xxx');
    expect(JSON.stringify(report)).not.toContain(TOKEN.slice(0, 10));
  });
});

describe('an installation that does not answer', () => {
  it('leaves the question unsettled and says why', async () => {
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const report = await runProbe({ upstream: `http://127.0.0.1:${(silent.address() as AddressInfo).port}`, workflowId: 12, token: TOKEN, timeoutMs: 1_000 });
      expect(report.rows[0]).toMatchObject({ agree: null, answer: 'no answer (no answer within 1 s)' });
      expect(report).toMatchObject({ unsettled: 1 });
    } finally {
      silent.closeAllConnections();
      await new Promise((resolve) => silent.close(resolve));
    }
  });
});

describe('an answer that is not the API envelope', () => {
  it('says something in front of the platform answered', async () => {
    const proxy = createServer((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(413, { 'Content-Type': 'text/html' }).end('<html><body>413 Request Entity Too Large</body></html>'));
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    try {
      const report = await runProbe({ upstream: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`, workflowId: 12, token: TOKEN });
      expect(report.rows[0]).toMatchObject({ agree: false, answer: "rejected (HTTP 413, not the API's envelope: perhaps a proxy in front of the platform)" });
    } finally {
      proxy.closeAllConnections();
      await new Promise((resolve) => proxy.close(resolve));
    }
  });

  it('leaves an acceptance question open when a 2xx carries no envelope', async () => {
    fake = await startFakePlatform((r) =>
      r.question === 'baseline' ? { status: 200, body: { error: 0, result: [{ profile_id: 'x' }] } } : { status: 200, body: {}, headers: { 'Content-Type': 'text/plain' } },
    );
    const report = await runProbe({ upstream: fake.baseUrl, workflowId: 12, token: TOKEN, only: ['unknown-field'] });
    expect(report.rows[1]).toMatchObject({ agree: null, answer: "answered (HTTP 200, not the API's envelope: perhaps a proxy in front of the platform)" });
  });
});
