import { EventEmitter } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createRedactor } from '@altcraft-api/contract';
import { describe, expect, it } from 'vitest';
import { Journal, JOURNAL_MAX_BYTES, JOURNAL_MAX_DEPTH, noteAnswer, noteRequest, redact, REDACTED } from '../src/journal.js';

const here = dirname(fileURLToPath(import.meta.url));

/** A request and its answer as far as the journal looks at them. */
function exchange(url = '/api/v1.1/workflows/import_and_start_batch', headers: Record<string, string> = {}) {
  const req = { url, method: 'POST', headers } as unknown as IncomingMessage;
  const res = Object.assign(new EventEmitter(), { headersSent: false, statusCode: 200 }) as unknown as ServerResponse & EventEmitter;
  const answer = (status: number) => {
    Object.assign(res, { headersSent: true, statusCode: status });
    res.emit('finish');
    res.emit('close');
  };
  return { req, res, answer };
}

describe('Journal', () => {
  it('keeps the last N of 10,000 requests, in order, with ids that go on', () => {
    const journal = new Journal(50);
    for (let i = 0; i < 10_000; i++) {
      const { req, res, answer } = exchange();
      journal.begin(req, res);
      noteRequest(res, 'json', { workflow_id: i, data: [] }, 40);
      answer(200);
      expect(journal.length).toBeLessThanOrEqual(50);
    }
    const { requests, total } = journal.list({ limit: 1000 });
    expect(total).toBe(50);
    expect(requests.map((r) => r.id)).toEqual(Array.from({ length: 50 }, (_, i) => 9951 + i));
    expect(requests.map((r) => r.workflow_id)).toEqual(Array.from({ length: 50 }, (_, i) => 9950 + i));
  });

  it('drops the oldest entries once the bodies it keeps pass its byte budget', () => {
    const journal = new Journal(1000, 10_000);
    for (let i = 0; i < 300; i++) {
      const { req, res, answer } = exchange();
      journal.begin(req, res);
      noteRequest(res, 'json', { workflow_id: i }, 1_000);
      answer(200);
    }
    expect(journal.length).toBe(10);
    expect(journal.list().requests[0]!.workflow_id).toBe(290);
  });

  it('records a connection closed without an answer with status null', () => {
    const journal = new Journal(5);
    const { req, res } = exchange();
    journal.begin(req, res);
    res.emit('close');
    expect(journal.list().requests[0]).toMatchObject({ status: null, body: null, operation: 'importAndStartBatch' });
  });

  it('keeps no token: the body field, the bearer token and ?token=, wherever a string carries them', () => {
    const journal = new Journal(5);
    const secrets = { body: 'body-token-123456', bearer: 'bearer-token-abcdef', query: 'query-token-XYZ789' };
    const { req, res, answer } = exchange(`/api/v1.1/workflows/import_and_start_batch?token=${secrets.query}&x=1`, { authorization: `Bearer ${secrets.bearer}` });
    journal.begin(req, res);
    const body = {
      token: secrets.body,
      workflow_id: 3,
      data: [{ data: { email: 'a@example.com', note: `mine: ${secrets.body}`, [`key-${secrets.bearer}`]: secrets.query, nested: [[{ deep: secrets.bearer }]] } }],
    };
    noteRequest(res, 'json', body, 300);
    noteAnswer(res, { error: 400, error_text: 'Invalid request', error_debug: `/data/0/data/x: "${secrets.query}" is not allowed` });
    answer(400);
    const text = JSON.stringify(journal.list());
    for (const secret of Object.values(secrets)) expect(text).not.toContain(secret);
    const entry = journal.list().requests[0]!;
    expect(entry.body).toEqual({
      workflow_id: 3,
      data: [{ data: { email: 'a@example.com', note: `mine: ${REDACTED}`, [`key-${REDACTED}`]: REDACTED, nested: [[{ deep: REDACTED }]] } }],
    });
    expect(entry.path).toBe('/api/v1.1/workflows/import_and_start_batch');
  });

  it('takes a short token out only where a whole string is the token', () => {
    const value = redact({ token: 't', a: 't', b: 'text' }, ['t'], true);
    expect(value).toEqual({ a: REDACTED, b: 'text' });
  });

  it('leaves any JSON value as JSON.parse(JSON.stringify()) makes it when there is nothing to take out', () => {
    const values = [null, 0, 'x', [], {}, { a: [1, 'b', null, { c: true }], 'd e': { f: [[[]]] } }, [{ email: 'ü@example.com', phones: ['+1'] }]];
    for (const value of values) expect(redact(structuredClone(value), ['absent-secret'])).toEqual(JSON.parse(JSON.stringify(value)));
  });

  it('cuts nesting deeper than it keeps, without a recursion that a 100,000-deep body would overflow', () => {
    let deep: unknown = 'bottom';
    for (let i = 0; i < 100_000; i++) deep = [deep];
    const copy = redact({ data: deep }, []) as { data: unknown };
    let depth = 1;
    let at: unknown = copy.data;
    while (Array.isArray(at)) {
      at = at[0];
      depth++;
    }
    expect(depth).toBe(JOURNAL_MAX_DEPTH);
    expect(at).toMatch(/^\[nested deeper than/);
    expect(() => JSON.stringify(copy)).not.toThrow();
  });

  it('lists the profiles of answered requests per workflow with the ids answered', () => {
    const journal = new Journal(10);
    const send = (workflowId: number, emails: string[], status: number) => {
      const { req, res, answer } = exchange();
      journal.begin(req, res);
      noteRequest(res, 'json', { token: 'x', workflow_id: workflowId, data: emails.map((email) => ({ data: { email } })) }, 100);
      noteAnswer(res, status === 200 ? { error: 0, result: emails.map((e) => ({ profile_id: `id-${e}` })) } : { error: status });
      answer(status);
    };
    send(12, ['a@x.io', 'b@x.io'], 200);
    send(13, ['c@x.io'], 200);
    send(12, ['d@x.io'], 400);
    send(12, ['e@x.io'], 200);
    expect(journal.profiles(12).map((p) => [p.request_id, p.index, p.profile_id, p.fields.email])).toEqual([
      [1, 0, 'id-a@x.io', 'a@x.io'],
      [1, 1, 'id-b@x.io', 'b@x.io'],
      [4, 0, 'id-e@x.io', 'e@x.io'],
    ]);
    expect(journal.profiles().length).toBe(4);
  });
});

describe('the answer kept in an entry', () => {
  it('is redacted in a copy: what the mock keeps and shares with an answer (a task\'s results) is not changed', () => {
    const journal = new Journal(5);
    const secret = 'shared-secret-123';
    const results = [{ profile_id: secret }];
    const { req, res, answer } = exchange('/api/v1.1/workflows/import_and_start_batch', { authorization: `Bearer ${secret}` });
    journal.begin(req, res);
    noteAnswer(res, { error: 0, data: { result: { result: results } } });
    answer(200);
    expect(journal.list().requests[0]!.answer).toEqual({ error: 0, data: { result: { result: [{ profile_id: REDACTED }] } } });
    expect(results[0]!.profile_id).toBe(secret);
  });
});

describe('the journal byte budget counts what it keeps', () => {
  // In a child process on the built journal with --expose-gc: in the test worker the heap also
  // holds what the runner keeps, and JSON.stringify takes its slow path (chai's Object.prototype
  // getters), so the figures would not be the mock's.
  const script = `
    import { EventEmitter } from 'node:events';
    import { Journal, noteAnswer, noteRequest } from ${JSON.stringify(pathToFileURL(join(here, '../dist/journal.js')).href)};
    const heap = () => { gc(); gc(); return process.memoryUsage().heapUsed; };
    const journal = new Journal();
    const text = '{"token":"tok-123456789","workflow_id":1,"data":[' + '{},'.repeat(Math.floor((10 * 2 ** 20) / 3) - 40) + '{}]}';
    JSON.parse(text);
    const before = heap();
    for (let i = 0; i < 8; i++) {
      const res = Object.assign(new EventEmitter(), { headersSent: false, statusCode: 200 });
      journal.begin({ url: '/api/v1.1/workflows/import_and_start_batch', method: 'POST', headers: {} }, res);
      noteRequest(res, 'json', JSON.parse(text), text.length);
      noteAnswer(res, { error: 400, error_text: 'Invalid request', error_debug: '/data/0/data: is required' });
      Object.assign(res, { headersSent: true, statusCode: 400 });
      res.emit('finish');
      res.emit('close');
    }
    const growth = heap() - before;
    const last = journal.list().requests.at(-1);
    console.log(JSON.stringify({ growth, length: journal.length, data: last.body.data.length }));
  `;

  it('8 bodies of 10 MiB of empty objects (25x their text once parsed) keep the heap growth under twice the budget', () => {
    const run = spawnSync(process.execPath, ['--expose-gc', '--max-old-space-size=4096', '--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    const { growth, length, data } = JSON.parse(run.stdout) as { growth: number; length: number; data: number };
    expect(length).toBeGreaterThanOrEqual(5);
    expect(growth / JOURNAL_MAX_BYTES, `${(growth / 2 ** 20).toFixed(0)} MiB for ${length} entries`).toBeLessThan(2);
    expect(data).toBe(Math.floor((10 * 2 ** 20) / 3) - 39);
  }, 120_000);

  it('answers count: small requests with 200 KB answers are dropped by the budget, not only by the entry count', () => {
    const journal = new Journal(1000, 2 ** 20);
    const result = Array.from({ length: 5000 }, (_, i) => ({ profile_id: `id-${i}-padding-padding` }));
    for (let i = 0; i < 50; i++) {
      const { req, res, answer } = exchange();
      journal.begin(req, res);
      noteRequest(res, 'json', { workflow_id: i, data: [{ data: { email: 'a@x.io' } }] }, 60);
      noteAnswer(res, { error: 0, result });
      answer(200);
    }
    const kept = JSON.stringify(journal.list()).length;
    expect(journal.length).toBeLessThan(10);
    expect(kept).toBeLessThan(2 ** 20);
    expect(journal.list().requests.at(-1)!.workflow_id).toBe(49);
  });
});

describe('tokens the journal takes out (the contract redactor for 8 characters and more)', () => {
  const keep = (body: Record<string, unknown>, headers: Record<string, string> = {}, url?: string) => {
    const journal = new Journal(5);
    const { req, res, answer } = exchange(url, headers);
    journal.begin(req, res);
    noteRequest(res, 'json', body, 100);
    noteAnswer(res, { error: 0, result: [{ profile_id: 'id-1' }] });
    answer(200);
    return journal;
  };

  it('a token sent as a number is learnt: its digits leave numbers and texts', () => {
    const journal = keep({ token: 98765432101, workflow_id: 6, data: [{ data: { n: '98765432101', m: 98765432101, note: 'call 98765432101 now' } }] });
    const text = JSON.stringify(journal.list());
    expect(text).not.toContain('98765432101');
    expect(journal.list().requests[0]!.body).toEqual({ workflow_id: 6, data: [{ data: { n: REDACTED, m: REDACTED, note: `call ${REDACTED} now` } }] });
  });

  it('a token spelled like a field the journal reads renames no key: /__mock/profiles still has the profile', () => {
    for (const token of ['data', 'workflow_id', 'result', 'profile_id']) {
      const journal = keep({ token, workflow_id: 2, data: [{ data: { email: 'a@x.io', other: token } }] });
      expect(journal.profiles(2).map((p) => [p.profile_id, p.fields.email, p.fields.other]), token).toEqual([['id-1', 'a@x.io', REDACTED]]);
    }
  });

  it('a token of 8 characters or more leaves texts in any letter case and escaped form, as the contract redactor has it (differential)', () => {
    const token = 'Sup3r-S3cret/Tok';
    const oracle = createRedactor(token);
    const texts = [`x ${token} y`, `x ${token.toUpperCase()} y`, `piece ${token.slice(3, 12)} only`, `url ${encodeURIComponent(token)}`, 'nothing here', token.slice(0, 7)];
    const journal = keep({ token, workflow_id: 1, data: texts.map((note) => ({ data: { note } })) });
    const notes = (journal.list().requests[0]!.body as { data: { data: { note: string } }[] }).data.map((d) => d.data.note);
    expect(notes).toEqual(texts.map(oracle));
    expect(notes.slice(0, 4).every((note) => note.includes(REDACTED))).toBe(true);
  });

  it('a token under 8 characters leaves a whole value equal to it; from 6 characters also an exact occurrence in a text; under 6 not inside texts', () => {
    const bearer = (token: string, note: string) => (keep({ workflow_id: 7, data: [{ data: { note, whole: token } }] }, { authorization: `Bearer ${token}` }).list().requests[0]!.body as { data: { data: Record<string, string> }[] }).data[0]!.data;
    expect(bearer('k9zq7x', 'k9zq7x@x.io')).toEqual({ note: `${REDACTED}@x.io`, whole: REDACTED });
    expect(bearer('k9z', 'k9z@x.io')).toEqual({ note: 'k9z@x.io', whole: REDACTED });
  });
});
