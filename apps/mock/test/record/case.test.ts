import { describe, expect, it } from 'vitest';
import { caseOf, type Exchange } from '../../src/record/case.js';
import { Replay } from '../../src/replay.js';
import { exchangeOf } from '../support/exchange.js';

const T = '0123456789abcdef0123456789abcdef';

describe('the contract\'s own words in a case (review4 #5)', () => {
  it('keeps violation pointers and messages, and the upstream\'s words the contract names a field with, whatever the profile values', () => {
    const body = { token: T, workflow_id: 1, format: 'json', data: [{ email: 'not-an-email', company: 'Data Error', note: 'must email' }] };
    const answer = { error: 400, error_text: 'Invalid data: email must be valid', error_debug: 'data[0].email' };
    const problems = [
      { location: ['request', 'body', 'data', '0', 'email'], severity: 'Error', message: 'must match format "email"' },
      { location: ['response', 'body', 'error_text'], severity: 'Warning', message: `token ${T} must be hidden` },
    ];
    const file = caseOf(exchangeOf(body, answer, { problems }), 'placeholders');
    expect(file.verdict.request.violations).toEqual([{ pointer: '/data/0/email', message: 'must match format "email"' }]);
    expect(file.verdict.answer.warnings).toEqual([{ pointer: '/error_text', message: 'token [redacted] must be hidden' }]);
    expect(JSON.parse(file.answer.body!).error_text).toMatch(/^Invalid data: email /);
    // A profile's own words still go: `company` is no field of the contract's.
    expect(JSON.stringify(file)).not.toMatch(/not-an-email/);
  });

  it('scrubs an answer pointer step that echoes a value, as the answer\'s key is', () => {
    const file = caseOf(
      exchangeOf({ token: T, workflow_id: 1, data: [{ email: 'zebediah@example.org' }] }, { error: 0, data: { 'zebediah@example.org': 1 } }, { problems: [{ location: ['response', 'body', 'data', 'zebediah@example.org'], severity: 'Error', message: 'unexpected' }] }),
      'placeholders',
    );
    expect(file.verdict.answer.violations[0]!.pointer).toBe('/data/xxxxxxxx@xxxxxxx.xxx');
    expect(JSON.parse(file.answer.body!).data).toHaveProperty('xxxxxxxx@xxxxxxx.xxx');
  });
});

describe('a task flow recorded with placeholders (review4 #6)', () => {
  const id = 'a1b2c3d4-0000-4000-8000-123456789abc';
  const at = (url: string, operation: Exchange['operation'], request: unknown, answer: unknown) => exchangeOf(request, answer, { url, operation, status: 200, statusText: 'OK' });
  const STATUS = ['queued', 'done'];
  // No 8 characters in common with the id: the id is no echo of the token.
  const TOKEN = 'Zq7RwX2mNp4VkT9sYb3HcL8dFg6JeU5a';

  it('replays to a client that follows the task the recorded answer named, to completion', () => {
    const cases = [
      at('/api/v1.1/workflows/import_and_start_batch', 'importAndStartBatch', { token: TOKEN, workflow_id: 1, format: 'json', data: [{ data: { email: 'alice@example.com' } }] }, { error: 0, error_text: 'Successful operation', data: { task_id: id } }),
      at('/api/v1.1/tasks/status', 'getTaskStatus', { token: TOKEN, task_id: id }, { error: 0, data: { task_id: id, status: 'done', progress: 100 } }),
    ].map((exchange, n) => ({ file: `${n}.json`, case: caseOf(exchange, 'placeholders') }));
    const replay = new Replay(cases);
    // The client: another token, a profile of the same form; it asks for the id the answer gave it.
    const other = 'another-token-for-ci-000000000000';
    const started = replay.match('importAndStartBatch', 'json', Buffer.from(JSON.stringify({ token: other, workflow_id: 1, format: 'json', data: [{ data: { email: 'brent@example.net' } }] })));
    expect(started).toBeDefined();
    const taskId = JSON.parse(started!.body.toString()).data.task_id;
    expect(taskId).toBe(id);
    const polled = replay.match('getTaskStatus', 'json', Buffer.from(JSON.stringify({ token: other, task_id: taskId })));
    expect(polled).toBeDefined();
    const status = JSON.parse(polled!.body.toString()).data;
    expect(STATUS).toContain(status.status);
    expect(status).toMatchObject({ task_id: id, status: 'done' });
  });
});
