// End to end: the client against the mock (apps/mock: Prism, at log level warn, behind a front
// that speaks XML), started on a free port of 127.0.0.1 for this file and stopped after it, or
// the one already running at ALTCRAFT_MOCK_URL (as in .github/workflows/ci.yml).
import { startMock } from '@altcraft-api/mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAltcraftClient } from '../src/client.js';
import { AltcraftApiError } from '../src/errors.js';
import { importProfiles, type ProfileOutcome } from '../src/import-profiles.js';
import type { ImportAndStartBatchRequest, ProfileData } from '../src/types.js';

const TOKEN = 'abcdefghijklmnqrstuvwxyz';
const request: ImportAndStartBatchRequest = {
  workflow_id: 12,
  matching: 'custom',
  field_name: 'CRM_ID',
  skip_triggers: true,
  content: { promo: 'SPRING', amount: 10 },
  data: [
    { data: { _fname: 'Alina', email: 'alina@example.com', phones: '+79006574081', CRM_ID: '00066' } },
    { data: { _fname: 'Victor', email: 'victor@example.com', phones: ['+79000005422'], CRM_ID: '00076', vip: true } },
  ],
};

let mock: { baseUrl: string; close(): Promise<void> };
beforeAll(async () => {
  const running = process.env.ALTCRAFT_MOCK_URL;
  if (running) {
    mock = { baseUrl: running, close: async () => undefined };
    return;
  }
  const started = await startMock({ port: 0 });
  await started.prismReady;
  mock = started;
  // Prism starts in about 1 s idle; on two busy cores it has taken over 60 s, and the mock gives
  // it 180 s (apps/mock/src/prism.ts).
}, 200_000);
afterAll(() => mock?.close());

describe.each([['body'], ['bearer']] as const)('with %s auth', (auth) => {
  const client = () => createAltcraftClient({ baseUrl: mock.baseUrl, token: TOKEN, auth, validate: true });

  it('importAndStartBatch answers one profile id per profile, the same in JSON and XML', async () => {
    const json = await client().importAndStartBatch(request, { format: 'json' });
    const xml = await client().importAndStartBatch(request, { format: 'xml' });
    expect(json.result).toHaveLength(2);
    for (const item of json.result) expect(item.profile_id).toMatch(/^[0-9a-f]{24}$/);
    expect(xml).toEqual(json);
  });

  it('importAndStartBatchTask answers a task id, the same in JSON and XML', async () => {
    const json = await client().importAndStartBatchTask(request, { format: 'json' });
    const xml = await client().importAndStartBatchTask(request, { format: 'xml' });
    expect(json).toEqual({ error: 0, error_text: 'Successful operation', task_id: expect.stringMatching(/^[0-9a-f]{24}$/) });
    expect(xml).toEqual(json);
  });
});

describe.each([['json'], ['xml']] as const)('error paths in %s', (format) => {
  const failing = (prefer: string) => createAltcraftClient({ baseUrl: mock.baseUrl, token: TOKEN, headers: { Prefer: prefer } });

  it('Prefer: code=400 becomes AltcraftApiError 400', async () => {
    const error = await failing('code=400').importAndStartBatch(request, { format }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AltcraftApiError);
    expect(error).toMatchObject({ status: 400, code: 400, text: 'Invalid request' });
  });

  it('Prefer: code=401 becomes AltcraftApiError 401', async () => {
    const error = await failing('code=401').importAndStartBatchTask(request, { format }).catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 401, code: 401, text: 'API token required' });
  });

  it('a request the mock finds invalid comes back with the pointers in debug', async () => {
    const client = createAltcraftClient({ baseUrl: mock.baseUrl, token: TOKEN });
    // _status is an integer on the profile data page: a word there is a contract violation in JSON and XML alike.
    const invalid = { ...request, data: [{ data: { CRM_ID: '00066', _status: 'active' } }] } as unknown as ImportAndStartBatchRequest;
    const error = await client.importAndStartBatch(invalid, { format }).catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 400, code: 400, debug: expect.stringContaining('/data/0/data/_status: must be integer') });
  });
});

describe.each([['json'], ['xml']] as const)('importProfiles against the mock in %s', (format) => {
  it('isolates exactly the profiles the mock refuses (by the pointers of its error_debug), imports the rest', async () => {
    const bad = new Set([4, 17, 18]);
    // The bad ones carry a word for the integer _status: refused by the contract in JSON and XML alike.
    const profiles = Array.from({ length: 30 }, (_, i) => ({ email: `p${i}@example.com`, CRM_ID: String(i).padStart(5, '0'), ...(bad.has(i) ? { _status: 'active' } : {}) })) as unknown as ProfileData[];
    const outcomes: ProfileOutcome[] = [];
    const summary = await importProfiles(createAltcraftClient({ baseUrl: mock.baseUrl, token: TOKEN }), {
      workflow_id: 12,
      matching: 'custom',
      field_name: 'CRM_ID',
      format,
      profiles,
      concurrency: 1,
      onOutcome: (o) => void outcomes.push(o),
    });
    expect(summary).toMatchObject({ imported: 27, failed: 3, unknown: 0 });
    expect(summary.stopped).toBeUndefined();
    const failed = outcomes.filter((o) => o.status === 'failed');
    expect(failed.map((o) => o.index).sort((a, b) => a - b)).toEqual([4, 17, 18]);
    for (const outcome of failed) expect(outcome).toMatchObject({ error: { status: 400, retryable: false, debug: expect.stringContaining('/data/0/data/_status') } });
    // The batch, then [0..3], [4], [5..16], [17], [18], [19..29]: no halving.
    expect(summary.requests).toBe(7);
  });
});
