import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { requestXml, responseXml, validateResponse, type OperationId } from '@altcraft-api/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routeOf, type RunningMock } from '../src/http.js';
import { startMock } from '../src/server.js';
import { send } from './support/http.js';

interface Case {
  description: string;
  method: string;
  path?: string;
  /** The request target sent verbatim instead of `path`, e.g. in absolute form `http://host/path`. */
  target?: string;
  contentType?: string;
  headers?: Record<string, string>;
  expect: {
    status: number;
    error: number;
    error_text: string;
    /** A regex the answer's error_debug matches; when absent, the answer has no error_debug. */
    error_debug?: string;
    format: 'json' | 'xml';
    /** For an accepted body: a regex matched against `${pointer}: ${message}` of some warning the mock reports. */
    warning?: string;
    /** Answer headers (lower-case names) and regexes their values match. */
    headers?: Record<string, string>;
  };
}

/** The warnings the mock reported in its headers, as `${pointer}: ${message}` lines. */
function warningsOf(headers: Record<string, string | string[] | undefined>): string[] {
  const list = headers['x-altcraft-mock-warnings'];
  if (list === undefined) return [];
  return (JSON.parse(String(list)) as { pointer: string; message: string }[]).map((w) => `${w.pointer}: ${w.message}`);
}

const corpusDir = fileURLToPath(new URL('./corpus/', import.meta.url));
const names = readdirSync(corpusDir).sort();
const SYNC_PATH = '/api/v1.1/workflows/import_and_start_batch';

async function bodyOf(dir: string): Promise<Buffer | undefined> {
  const generator = join(dir, 'body.mjs');
  if (existsSync(generator)) return Buffer.from((await import(pathToFileURL(generator).href)).default());
  const file = readdirSync(dir).find((name) => name.startsWith('body.'));
  return file ? readFileSync(join(dir, file)) : undefined;
}

let mock: RunningMock;
beforeAll(async () => {
  mock = await startMock({ port: 0 });
  // Some cases ask Prism for an example: its start (slow on a loaded machine) belongs to the hook.
  await mock.prismReady;
});
afterAll(() => mock.close());

describe('the bad-input corpus', () => {
  it('has at least 60 cases', () => expect(names.length).toBeGreaterThanOrEqual(60));

  it.each(names)('%s', async (name) => {
    const dir = join(corpusDir, name);
    const spec: Case = JSON.parse(readFileSync(join(dir, 'case.json'), 'utf8'));
    const headers: Record<string, string> = { ...spec.headers };
    if (spec.contentType) headers['Content-Type'] = spec.contentType;
    const answer = await send(mock.url + (spec.path ?? SYNC_PATH), { method: spec.method, headers, body: await bodyOf(dir), target: spec.target });

    expect(answer.status).toBeLessThan(500);
    expect(answer.status).toBe(spec.expect.status);
    expect(answer.headers['content-type']).toContain(spec.expect.format === 'xml' ? 'application/xml' : 'application/json');
    const operationId = routeOf(spec.path ?? SYNC_PATH).operationId ?? 'importAndStartBatch';
    const envelope = spec.expect.format === 'xml' ? responseXml(operationId, answer.status).decode(answer.body) : JSON.parse(answer.body);
    // The mock's own answer keeps the contract it checks requests against.
    expect(validateResponse(operationId, answer.status, envelope).violations).toEqual([]);
    // Its advice too, but for error_debug's length (a refusal may quote many pointers) and a
    // profile_id matched by profile_id, which the mock answers as the client sent it.
    const echoed = (pointer: string) => pointer === '/error_debug' || /^\/result\/\d+\/profile_id$/.test(pointer);
    expect(validateResponse(operationId, answer.status, envelope).warnings.filter((w) => !echoed(w.pointer))).toEqual([]);
    expect(envelope).toMatchObject({ error: spec.expect.error, error_text: spec.expect.error_text });
    if (spec.expect.error_debug === undefined) expect(envelope).not.toHaveProperty('error_debug');
    else expect(envelope.error_debug).toMatch(new RegExp(spec.expect.error_debug));
    for (const [name, pattern] of Object.entries(spec.expect.headers ?? {})) expect(String(answer.headers[name])).toMatch(new RegExp(pattern));
    if (spec.expect.warning !== undefined) {
      expect(answer.status).toBe(200);
      expect(warningsOf(answer.headers)).toContainEqual(expect.stringMatching(new RegExp(spec.expect.warning)));
    }
  });

  it('leaves the mock answering a valid request correctly', async () => {
    const answer = await send(mock.url + SYNC_PATH, {
      headers: { 'Content-Type': 'application/json', Authorization: 'Bearer abc' },
      body: JSON.stringify({ workflow_id: 12, matching: 'profile_id', data: [{ data: { profile_id: '5f19953a03e4227216278ba4' } }] }),
    });
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toEqual({ error: 0, error_text: 'Successful operation', result: [{ profile_id: '5f19953a03e4227216278ba4' }] });
  });
});

describe('answers to generated requests keep the answer schema', () => {
  const profiles = (count: number, matching: string) =>
    Array.from({ length: count }, (_, i) => ({ data: matching === 'phone' ? { phones: [`+7900${String(i).padStart(7, '0')}`] } : { email: `g${i}@example.com`, _fname: `N${i}` } }));
  const cases = [1, 3, 10_001].flatMap((count) =>
    ['email', 'phone'].flatMap((matching) =>
      (['json', 'xml'] as const).flatMap((format) =>
        (['importAndStartBatch', 'importAndStartBatchTask'] as OperationId[]).flatMap((operationId) =>
          ['', 'code=400', 'code=401', 'code=429'].map((prefer) => ({ count, matching, format, operationId, prefer })),
        ),
      ),
    ),
  );

  it.each(cases)('$count profiles by $matching, $format, $operationId, Prefer "$prefer"', async ({ count, matching, format, operationId, prefer }) => {
    const body = { token: 'abcdefghijklmnqrstuvwxyz', workflow_id: 12, matching, format, data: profiles(count, matching) };
    const answer = await send(mock.url + (operationId === 'importAndStartBatch' ? SYNC_PATH : `${SYNC_PATH}_task`), {
      headers: { 'Content-Type': `application/${format}`, ...(prefer ? { Prefer: prefer } : {}) },
      body: format === 'xml' ? requestXml.encode(body) : JSON.stringify(body),
    });
    expect(answer.status).toBe(prefer ? Number(prefer.slice(5)) : 200);
    const decoded = format === 'xml' ? responseXml(operationId, answer.status).decode(answer.body) : JSON.parse(answer.body);
    expect(validateResponse(operationId, answer.status, decoded).violations).toEqual([]);
    if (answer.status === 429) expect(Number(answer.headers['retry-after'])).toBeGreaterThanOrEqual(1);
  });
});
