import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMock } from '../src/server.js';
import type { IncomingMessage } from 'node:http';
import { loadReplay, normalForm, Replay } from '../src/replay.js';
import { caseOf, type CaseFile } from '../src/record/case.js';
import { outsideBody } from '../src/request-url.js';
import { exchangeOf } from './support/exchange.js';
import type { RunningMock } from '../src/http.js';
import { send } from './support/http.js';
import { BATCH_PATH, batch, post, recordingProxy, startContrarian, TASK_PATH, tempDir } from './support/contrarian.js';

let dir: string;
let mock: RunningMock;
const replayLog: string[] = [];
// What was recorded: the case's answer by the exchange's name.
const recorded = new Map<string, { status: number; body: string; contentType: string | undefined }>();

const EXCHANGES: [string, string, Record<string, unknown>, boolean][] = [
  ['json', BATCH_PATH, batch(1), false],
  ['xml', BATCH_PATH, batch(1, { format: 'xml' }), true],
  ['task nested', TASK_PATH, batch(2), false],
  ['error envelope', BATCH_PATH, batch(3), false],
  ['xml answer', BATCH_PATH, batch(4), false],
  ['teapot', BATCH_PATH, batch(6), false],
];

beforeAll(async () => {
  const upstream = await startContrarian();
  dir = tempDir('replay');
  const { proxy } = await recordingProxy(upstream.url, dir);
  try {
    for (const [name, path, body, asXml] of EXCHANGES) await post(proxy.url, `${path}?case=${encodeURIComponent(name)}`, body, asXml);
  } finally {
    await proxy.close();
    await upstream.close();
  }
  for (const file of readdirSync(dir)) {
    const c = JSON.parse(readFileSync(join(dir, file), 'utf8'));
    recorded.set(c.query.case, { status: c.answer.status, body: c.answer.body, contentType: c.answer.headers['content-type'] });
  }
  // A case file whose operation would lead out of the directory if it were a path: skipped.
  const some = readdirSync(dir)[0]!;
  writeFileSync(join(dir, '0000000099-other.json'), JSON.stringify({ ...JSON.parse(readFileSync(join(dir, some), 'utf8')), operation: '../../../tmp/x' }));
  mock = await startMock({ port: 0, log: () => undefined, replay: loadReplay(dir, (line) => replayLog.push(line)) });
});

afterAll(() => mock?.close());

// Another token and other profile values of the same form: what a CI run sends.
const again = (body: Record<string, unknown>) => ({ ...body, token: 'another-token-for-ci-0000', data: [{ data: { email: 'brent@example.net', _fname: 'Brent' } }] });

describe('altcraft-mock --replay', () => {
  it('answers each recorded request with the recorded answer, byte for byte', async () => {
    for (const [name, path, body, asXml] of EXCHANGES) {
      const answer = await post(mock.url, path, again(body), asXml);
      const want = recorded.get(name)!;
      expect(answer.headers['x-altcraft-mock-source'], name).toBe('replay');
      expect(answer.status, name).toBe(want.status);
      expect(answer.headers['content-type'], name).toBe(want.contentType);
      expect(Buffer.from(answer.body).equals(Buffer.from(want.body)), name).toBe(true);
    }
  });

  it('answers as the mock does what matches no case, and says so', async () => {
    const other = await post(mock.url, BATCH_PATH, batch(9, { matching: 'phone', data: [{ data: { phone: '+79990000000' } }] }));
    expect(other.headers['x-altcraft-mock-source']).toBe('mock');
    expect(other.status).toBe(200);
    // A profile value of another form (one letter more) is another request.
    const longer = await post(mock.url, BATCH_PATH, { ...batch(1), data: [{ data: { email: 'alicia@example.com', _fname: 'Alice' } }] });
    expect(longer.headers['x-altcraft-mock-source']).toBe('mock');
    // The same body asking for XML in the query is another request.
    const [, , body] = EXCHANGES[0]!;
    expect((await post(mock.url, `${BATCH_PATH}?format=xml`, again(body))).headers['x-altcraft-mock-source']).toBe('mock');
  });

  it('skips the case file whose operation is not the contract\'s, saying why', () => {
    expect(replayLog).toContain('altcraft-mock: --replay: 0000000099-other.json: operation is not one of the contract');
    expect(replayLog.at(-1)).toMatch(/^altcraft-mock: --replay: 6 recorded answer\(s\) from /);
  });

  it('altcraft-mock --replay refuses a directory it cannot read, with exit 2', async () => {
    const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
    await expect(promisify(execFile)(process.execPath, [cli, '--port', '0', '--replay', join(dir, 'missing')])).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('ENOENT') });
  });

  it('answers as the mock does a body nested deeper than the stack', async () => {
    const deep = `{"token":"t","workflow_id":1,"data":[{"data":{"x":${'['.repeat(100_000)}${']'.repeat(100_000)}}}]}`;
    const answer = await send(mock.url + BATCH_PATH, { headers: { 'Content-Type': 'application/json' }, body: deep });
    expect(answer.headers['x-altcraft-mock-source']).toBe('mock');
    expect(answer.status).toBe(400);
  });

  it('compares bodies without their formatting, key order, token and profile values', () => {
    const a = normalForm('json', '{"token":"a","matching":"email","data":[{"data":{"email":"ann@x.io"}}]}', 'placeholders');
    const b = normalForm('json', '{ "data": [ { "data": { "email": "bob@y.ru" } } ], "matching": "email", "token": "zzz" }', 'placeholders');
    expect(a).toBe(b);
    expect(normalForm('json', '{"matching":"phone"}', 'placeholders')).not.toBe(normalForm('json', '{"matching":"email"}', 'placeholders'));
    expect(normalForm('xml', '<xml>\n  <token>a</token>\n  <matching>email</matching>\n</xml>', 'placeholders')).toBe(normalForm('xml', '<xml><token>b</token><matching>email</matching></xml>', 'placeholders'));
  });
});

describe('replay keys (review1 #1, #10)', () => {
  const taskCase = (taskId: string): CaseFile => ({
    altcraftCase: 1, recordedAt: '2026-01-01T00:00:00.000Z', values: 'placeholders', operation: 'getTaskStatus', method: 'POST', path: '/api/v1.1/tasks/status', query: {},
    request: { format: 'json', headers: {}, headerNames: [], body: JSON.stringify({ task_id: taskId }), bytes: 10 },
    answer: { status: 200, statusText: 'OK', complete: true, format: 'json', headers: { 'content-type': 'application/json' }, headerNames: [], body: '{"error":0,"data":{"status":"completed"}}', bytes: 10 },
    timing: { upstreamHeadersMs: 0, totalMs: 0 }, verdict: { request: { violations: [], warnings: [] }, answer: { violations: [], warnings: [] } },
  });

  it('answers a task status only for the task it was recorded for', () => {
    const replay = new Replay([{ file: '0000000001-getTaskStatus.json', case: taskCase('task-AAAA-1111') }]);
    expect(normalForm('json', '{"task_id":"task-AAAA-1111"}', 'placeholders')).not.toBe(normalForm('json', '{"task_id":"task-BBBB-2222"}', 'placeholders'));
    expect(replay.match('getTaskStatus', 'json', Buffer.from('{"task_id":"task-BBBB-2222"}'))).toBeUndefined();
    expect(replay.match('getTaskStatus', 'json', Buffer.from('{"task_id":"task-AAAA-1111"}'))?.file).toBe('0000000001-getTaskStatus.json');
  });

  it('reads a repeated ?format= the way the mock does, the first one', () => {
    const body = JSON.stringify({ workflow_id: 1, matching: 'email', data: [] });
    const url = '/api/v1.1/workflows/import_and_start_batch?format=xml&format=json';
    const xmlAnswer = '<?xml version="1.0"?><response><error>0</error><result></result></response>';
    const file = caseOf(exchangeOf(body, xmlAnswer, { url, status: 200, answerHeaders: new Headers({ 'content-type': 'application/xml' }), answerFormat: 'xml' }), 'placeholders');
    expect(file.query.format).toBe(outsideBody({ url, headers: {} } as IncomingMessage).format);
    const replay = new Replay([{ file: 'c.json', case: file }]);
    expect(replay.match('importAndStartBatch', 'json', Buffer.from(body), outsideBody({ url: '/x?format=json', headers: {} } as IncomingMessage).format)).toBeUndefined();
    expect(replay.match('importAndStartBatch', 'json', Buffer.from(body), outsideBody({ url, headers: {} } as IncomingMessage).format)?.file).toBe('c.json');
  });
});

describe('hostile case files under --replay (review1 #11)', () => {
  it('refuses at load, one line each, an answer that cannot be sent again', () => {
    const dir = tempDir('hostile-replay');
    const verdict = { violations: [], warnings: [] };
    const variants: [number, Record<string, string>][] = [
      [200, { 'content-type': 'application/json\r\nSet-Cookie: session=evil' }],
      [101, { 'content-type': 'application/json' }],
      [204, { 'content-type': 'application/json' }],
      [304, { 'content-type': 'application/json' }],
      [200, { 'content-type': 'application/json; x=\u0416' }],
      [99, {}],
      [200, { 'content-type': 'application/json' }],
    ];
    variants.forEach(([status, headers], i) =>
      writeFileSync(
        join(dir, `000000000${i + 1}-importAndStartBatch.json`),
        JSON.stringify({
          altcraftCase: 1, recordedAt: '2026-01-01T00:00:00.000Z', values: 'kept', operation: 'importAndStartBatch', method: 'POST', path: '/api/v1.1/workflows/import_and_start_batch', query: {},
          request: { format: 'json', headers: {}, headerNames: [], body: JSON.stringify({ workflow_id: i + 1, data: [] }), bytes: 1 },
          answer: { status, statusText: 'OK', complete: true, format: 'json', headers, headerNames: [], body: '{"error":0,"result":[]}', bytes: 1 },
          timing: {}, verdict: { request: verdict, answer: verdict },
        }),
      ),
    );
    const lines: string[] = [];
    const replay = loadReplay(dir, (line) => lines.push(line));
    expect(replay.size).toBe(1);
    expect(lines).toHaveLength(variants.length);
    for (let i = 1; i < variants.length; i++) expect(lines.filter((line) => line.includes(`000000000${i}-`))).toHaveLength(1);
    expect(lines.join('\n')).not.toMatch(/evil|\r/);
  });
});
