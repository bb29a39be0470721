import { afterAll, describe, expect, it } from 'vitest';
import { document } from '@altcraft-api/contract';
import { FaultInjector, FaultSpecError, parseFaults } from '../src/faults.js';
import { startMock } from '../src/server.js';
import type { RunningMock } from '../src/http.js';
import { within } from './support/deadline.js';
import { send, type RawAnswer } from './support/http.js';

const PATH = '/workflows/import_and_start_batch';
const SPEC = '500:0.2,429:0.2@2s,reset:0.1,latency:0.2@30ms';

const running: RunningMock[] = [];
afterAll(() => Promise.all(running.map((mock) => mock.close())));

async function mockWith(spec: string, seed: number): Promise<RunningMock> {
  const mock = await startMock({ port: 0, log: () => undefined, faults: { rules: parseFaults(spec), seed } });
  running.push(mock);
  return mock;
}

const body = (i: number) => JSON.stringify({ workflow_id: 1, token: 't', data: [{ data: { email: `user${i}@example.com` } }] });

/** What each request got: a status, or `reset` for a connection closed without an answer. */
async function outcomes(mock: RunningMock, bodies: string[]): Promise<(number | 'reset')[]> {
  const seen: (number | 'reset')[] = [];
  for (const text of bodies) {
    const answer = await within(20_000, 'the mock answering', send(mock.baseUrl + PATH, { headers: { 'Content-Type': 'application/json' }, body: text })).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ECONNRESET' || /socket hang up/.test(error.message)) return 'reset' as const;
      throw error;
    });
    seen.push(answer === 'reset' ? 'reset' : (answer as RawAnswer).status);
  }
  return seen;
}

describe('--faults specs', () => {
  it('reads rates, shapes and waits', () => {
    expect(parseFaults('500:0.05,429:0.05@2s,reset:0.01,latency:200ms')).toEqual([
      { kind: 'status', status: 500, rate: 0.05 },
      { kind: 'status', status: 429, rate: 0.05, retryAfterMs: 2000 },
      { kind: 'reset', rate: 0.01 },
      { kind: 'latency', rate: 1, ms: 200 },
    ]);
    expect(parseFaults('503:10%@500ms,latency:0.5@1s')).toEqual([
      { kind: 'status', status: 503, rate: 0.1, retryAfterMs: 500 },
      { kind: 'latency', rate: 0.5, ms: 1000 },
    ]);
    expect(parseFaults('')).toEqual([]);
    // Per-item refusals do not count towards the rates of whole answers.
    expect(parseFaults('item:25%,500:0.9')).toEqual([
      { kind: 'item', rate: 0.25 },
      { kind: 'status', status: 500, rate: 0.9 },
    ]);
    expect(parseFaults('latency:2147483647ms,429:0.1@86400s')).toEqual([
      { kind: 'latency', rate: 1, ms: 2147483647 },
      { kind: 'status', status: 429, rate: 0.1, retryAfterMs: 86_400_000 },
    ]);
  });

  it.each([
    ['700:0.1', /unknown kind "700"/],
    ['500:2', /not a rate/],
    ['500', /expected KIND:RATE/],
    ['latency:fast', /not a duration/],
    ['500:0.6,reset:0.5', /add up to 1\.1/],
    ['reset:0.1@2s', /reset takes no @/],
    ['item:0.1@2s', /item takes no @/],
    ['item:1.5', /not a rate/],
    // Node fires a timer longer than 2^31 - 1 ms after 1 ms: refused, not silently shortened.
    ['latency:3000000s', /"3000000s" is longer than the limit of 2147483647ms/],
    ['latency:0.5@2147483648ms', /longer than the limit of 2147483647ms/],
    // Retry-After is at most 86,400 s in the contract, and 0 is no wait a client can honour.
    ['429:0.1@86401s', /longer than the limit of 86400000ms \(86400s\)/],
    ['429:0.1@0s', /must be more than 0/],
    ['503:0.1@0ms', /must be more than 0/],
  ])('refuses %s saying why', (spec, why) => {
    expect(() => parseFaults(spec)).toThrow(FaultSpecError);
    expect(() => parseFaults(spec)).toThrow(why);
  });
});

describe('a fault plan built in code', () => {
  it.each([
    [{ kind: 'latency', rate: 1, ms: 3_000_000_000 }, /latency 3000000000 ms is outside 0-2147483647 ms/],
    [{ kind: 'status', status: 429, rate: 1, retryAfterMs: 0 }, /Retry-After 0 ms is outside 1-86400000 ms/],
  ] as const)('refuses %j, which parseFaults would refuse too', (rule, why) => {
    expect(() => new FaultInjector({ rules: [rule], seed: 1 })).toThrow(why);
  });
});

describe('altcraft-mock --faults --seed', () => {
  it('gives the same faults to the same requests for the same seed, and other faults for another seed', async () => {
    const bodies = Array.from({ length: 30 }, (_, i) => body(i));
    const [first, again, other] = await Promise.all([mockWith(SPEC, 7), mockWith(SPEC, 7), mockWith(SPEC, 8)]);
    const a = await outcomes(first!, bodies);
    const b = await outcomes(again!, bodies);
    const c = await outcomes(other!, bodies);
    expect(b).toEqual(a);
    expect(c).not.toEqual(a);
    // Every shape shows up in 30 draws at these rates (fixed by the seed, so this cannot flake).
    expect(new Set(a)).toEqual(new Set([200, 500, 429, 'reset']));
    // A retry (the same bytes again) draws anew: the same request sent until it passes gets through.
    const retried = await outcomes(first!, Array.from({ length: 20 }, () => bodies[a.indexOf(500)]!));
    expect(retried).toContain(200);
  }, 120_000);

  it('answers injected statuses in the API envelope, in the request encoding, with Retry-After for a wait', async () => {
    const mock = await mockWith('429:1@2s', 1);
    const json = await within(20_000, 'the mock answering', send(mock.baseUrl + PATH, { headers: { 'Content-Type': 'application/json' }, body: body(1) }));
    expect(json.status).toBe(429);
    expect(json.headers['retry-after']).toBe('2');
    expect(JSON.parse(json.body)).toMatchObject({ error: 429, error_text: 'Too many requests', error_debug: expect.stringContaining('--faults') });
    const xml = await within(20_000, 'the mock answering', send(mock.baseUrl + PATH, { headers: { 'Content-Type': 'application/xml' }, body: '<xml><workflow_id>1</workflow_id><token>t</token><data><data><email>a@example.com</email></data></data></xml>' }));
    expect(xml.status).toBe(429);
    expect(xml.headers['content-type']).toMatch(/^application\/xml/);
    expect(xml.body).toContain('<error>429</error>');
  }, 60_000);
});

describe('GET /health', () => {
  it('answers 200 with the contract version once Prism is up, whatever the faults', async () => {
    const mock = await mockWith('500:1', 1);
    await within(60_000, 'Prism starting', mock.prismReady);
    const answer = await within(20_000, 'the mock answering', send(`${mock.url}/health`, { method: 'GET' }));
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toMatchObject({ status: 'ready', contract: { version: document.info.version } });
  }, 90_000);
});
