import { execFile } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildReport, renderText, type Report } from '../../src/report/report.js';
import { shortJson } from '../../src/report/bodies.js';
import { BATCH_PATH, batch, post, recordingProxy, startContrarian, TASK_PATH, tempDir } from '../support/contrarian.js';

const CLI = fileURLToPath(new URL('../../dist/report/cli.js', import.meta.url));
const run = promisify(execFile);

let upstream: Awaited<ReturnType<typeof startContrarian>>;
let dir: string;
let report: Report;
// The case file of each exchange, by its name.
const fileOf = new Map<string, string>();

beforeAll(async () => {
  upstream = await startContrarian();
  dir = tempDir('report');
  const { proxy } = await recordingProxy(upstream.url, dir);
  const exchanges: [string, string, Record<string, unknown>, boolean][] = [
    ['extra fields', BATCH_PATH, batch(1), false],
    ['extra fields xml', BATCH_PATH, batch(1), true],
    ['nested task id', TASK_PATH, batch(2), false],
    ['nested task id xml', TASK_PATH, batch(2, { format: 'xml' }), true],
    ['200 error envelope', BATCH_PATH, batch(3), false],
    ['xml to json', BATCH_PATH, batch(4), false],
    ['unknown code', BATCH_PATH, batch(5), false],
    ['teapot', BATCH_PATH, batch(6), false],
    ['rate limited', BATCH_PATH, batch(7), false],
    ['xml without format', BATCH_PATH, batch(8), true],
    // The platform takes what the contract refuses (no such matching mode) and what its advice warns about.
    ['refused but accepted', BATCH_PATH, batch(9, { matching: 'by_guess' }), false],
    ['advice broken', BATCH_PATH, batch(9, { custom_request: { _city: 'Moscow' } }), false],
    ['matching page mode', BATCH_PATH, batch(9, { matching: 'email_sub' }), false],
    ['result no list', BATCH_PATH, batch(10), false],
    ['format in the query', `${BATCH_PATH}?format=xml`, batch(9), false],
  ];
  try {
    // Each exchange says its name in the query, which the case file keeps.
    for (const [name, path, body, asXml] of exchanges) await post(proxy.url, `${path}${path.includes('?') ? '&' : '?'}case=${encodeURIComponent(name)}`, body, asXml);
  } finally {
    await proxy.close();
  }
  for (const file of readdirSync(dir)) fileOf.set(JSON.parse(readFileSync(join(dir, file), 'utf8')).query.case, file);
  report = buildReport(dir);
});

afterAll(() => upstream.close());

/** The findings of one kind, with the case names that show them. */
const named = (kind: string) =>
  report.findings
    .filter((f) => f.kind === kind)
    .map((f) => ({ title: f.title, cases: f.cases.map((file) => [...fileOf].find(([, name]) => name === file)?.[0]).sort() }));

describe('contract:report against a contrarian upstream (JSON and XML)', () => {
  it('reads every case the proxy wrote, and skips none', () => {
    expect(report.errors).toEqual([]);
    expect(report.cases).toBe(fileOf.size);
  });

  it('puts what the contract refuses first: the accepted request and the answer', () => {
    expect(report.findings[0]!.severity).toBe('contract-wrong');
    expect(named('request-violation')).toEqual([{ title: expect.stringContaining('/matching'), cases: ['refused but accepted'] }]);
    expect(named('answer-violation')).toEqual([{ title: 'a 200 answer the contract refuses: /result must be array', cases: ['result no list'] }]);
  });

  it('names advice that accepted traffic breaks, in requests and answers', () => {
    expect(named('request-advice').flatMap((f) => f.cases)).toContain('advice broken');
    const answers = named('answer-advice');
    expect(answers.find((f) => f.title.includes('/data '))?.cases).toEqual(['extra fields', 'extra fields xml']);
    expect(answers.find((f) => f.title.includes('/result/*/extra_flag'))?.cases).toEqual(['extra fields', 'extra fields xml']);
  });

  it('names every undeclared field, shape, status, header and error code', () => {
    const fields = named('answer-field');
    expect(fields).toEqual(
      expect.arrayContaining([
        { title: 'answer field /data of importAndStartBatch, not declared', cases: ['extra fields', 'extra fields xml'] },
      ]),
    );
    // XML has no arrays of its own: one <result> reads as an object.
    expect(fields.filter((f) => f.title.includes('/extra_flag')).flatMap((f) => f.cases).sort()).toEqual(['extra fields', 'extra fields xml']);
    expect(named('answer-shape')).toEqual(
      expect.arrayContaining([
        { title: 'HTTP 200 carrying an error envelope (error 13)', cases: ['200 error envelope'] },
        { title: 'the task answer nests task_id as data.task_id', cases: ['nested task id', 'nested task id xml'] },
      ]),
    );
    expect(named('answer-format')).toEqual(
      expect.arrayContaining([
        { title: 'a JSON request answered in XML', cases: ['xml to json'] },
        { title: 'an XML request answered in JSON', cases: ['xml without format'] },
      ]),
    );
    expect(named('refused-valid')).toEqual([{ title: 'the platform refused (400, error 1042) a request the contract accepts: Limit of scenario runs', cases: ['unknown code'] }]);
    expect(named('status')).toEqual([{ title: 'importAndStartBatch answered HTTP 418, a status the contract does not declare', cases: ['teapot'] }]);
    expect(named('header').map((f) => f.title).sort()).toEqual(['answer header x-quota-remaining, not declared', 'answer header x-ratelimit-limit, not declared']);
    expect(named('error-code').map((f) => f.title).sort()).toEqual(['error code 1042, not declared', 'error code 13, not declared', 'error code 418, not declared']);
  });

  it('says what the traffic shows for the open DECISIONS rows it touches', () => {
    const row = (n: number) => report.decisions.find((d) => d.rows.includes(n));
    expect(row(4)?.answers).toEqual([{ label: 'matching and custom_request', shows: 'accepted', cases: [fileOf.get('advice broken')] }]);
    expect(row(5)?.answers.map((a) => `${a.label}: ${a.shows}`)).toEqual(['matching email_sub: accepted']);
    // Two upstream answers to XML requests without format, one in each encoding: not settled.
    expect(row(8)?.answers.map((a) => `${a.shows}: ${a.cases.map((file) => [...fileOf].find(([, f]) => f === file)?.[0]).join()}`).sort()).toEqual(['answered in JSON: xml without format', 'answered in XML: extra fields xml']);
    expect(row(8)?.settled).toBe(false);
    expect(row(16)?.answers.map((a) => a.shows)).toEqual(['Retry-After sent; also x-ratelimit-limit']);
    expect(row(32)?.answers.map((a) => `${a.shows}: ${a.cases.length}`)).toEqual(['data.task_id: 2']);
    expect(row(34)?.answers.map((a) => `${a.label}: ${a.shows}`)).toEqual(['format=xml in the query, a JSON body without format: answered in JSON']);
    const text = renderText(report);
    expect(text.indexOf('The contract refuses')).toBeLessThan(text.indexOf('Advice that accepted'));
    expect(text.indexOf('Advice that accepted')).toBeLessThan(text.indexOf('does not declare'));
    expect(text).toContain('row 8 and 23');
  });
});

describe('contract:report on files that are not cases', () => {
  it('names each bad file in one line and reports the rest', async () => {
    const bad = tempDir('report-bad');
    const good = readdirSync(dir).find((name) => name.endsWith('.json'))!;
    const text = readFileSync(join(dir, good), 'utf8');
    writeFileSync(join(bad, good), text);
    writeFileSync(join(bad, '0000000002-importAndStartBatch.json'), text.slice(0, text.length / 2));
    writeFileSync(join(bad, '0000000003-other.json'), JSON.stringify({ ...JSON.parse(text), operation: '../../etc/passwd' }));
    writeFileSync(join(bad, '0000000004-other.json'), '[]');
    writeFileSync(join(bad, '.tmp-0000000005-other.json'), '{');
    const deep = JSON.parse(text);
    deep.answer = { ...deep.answer, format: 'json', body: '{"a":'.repeat(200_000) + '0' + '}'.repeat(200_000) };
    writeFileSync(join(bad, '0000000006-importAndStartBatch.json'), JSON.stringify(deep));
    const { stdout, stderr } = await run(process.execPath, [CLI, bad, '--json']);
    const lines = stderr.trim().split('\n');
    expect(lines).toEqual([
      expect.stringMatching(/^contract:report: 0000000002-importAndStartBatch\.json: not JSON \(truncated\?\): /),
      'contract:report: 0000000003-other.json: operation is not one of the contract',
      'contract:report: 0000000004-other.json: not a JSON object',
      'contract:report: 0000000006-importAndStartBatch.json: cannot be analysed: its answer nests too deeply',
    ]);
    expect(JSON.parse(stdout).cases).toBe(2);
  });

  it('refuses a directory it cannot read with exit code 2', async () => {
    await expect(run(process.execPath, [CLI, join(dir, 'missing')])).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('cannot be read: ENOENT') });
  });
});

describe('contract:report on hostile cases (review1 #12)', () => {
  it('reports the rest when one case nests too deeply anywhere, one line per bad case', () => {
    const bad = tempDir('report-hostile');
    const verdict = { violations: [], warnings: [] };
    const caseWith = (request: object, answer: object) =>
      JSON.stringify({
        altcraftCase: 1, recordedAt: '2026-01-01T00:00:00.000Z', values: 'kept', operation: 'importAndStartBatch', method: 'POST', path: '/api/v1.1/workflows/import_and_start_batch', query: {},
        request: { format: 'json', headers: {}, headerNames: [], body: JSON.stringify({ workflow_id: 1, data: [] }), bytes: 1, ...request },
        answer: { status: 200, statusText: 'OK', complete: true, format: 'json', headers: {}, headerNames: [], body: '{"error":0,"error_text":"ok","result":[]}', bytes: 1, ...answer },
        timing: {}, verdict: { request: verdict, answer: verdict },
      });
    const N = 200_000;
    writeFileSync(join(bad, '0000000001-importAndStartBatch.json'), caseWith({}, {}));
    writeFileSync(join(bad, '0000000002-importAndStartBatch.json'), caseWith({ body: `{"workflow_id":1,"data":[{"x":${'['.repeat(N)}${']'.repeat(N)}}]}` }, {}));
    writeFileSync(join(bad, '0000000003-importAndStartBatch.json'), caseWith({}, { status: 400, body: `{"error":${'['.repeat(N)}${']'.repeat(N)}}` }));
    writeFileSync(join(bad, '0000000004-importAndStartBatch.json'), caseWith({ headers: { ['__proto__']: 'x' }, headerNames: ['__proto__', 'constructor'] }, { headerNames: ['__proto__', 'constructor', 'hasOwnProperty'] }));
    const report = buildReport(bad);
    expect(report.cases).toBe(4);
    expect(renderText(report)).toContain('4 case(s)');
    for (const { file } of report.errors) expect(['0000000002-importAndStartBatch.json', '0000000003-importAndStartBatch.json']).toContain(file);
    expect(shortJson(JSON.parse(`[${'['.repeat(N)}${']'.repeat(N)}]`))).toMatch(/nested over/);
  });
});
