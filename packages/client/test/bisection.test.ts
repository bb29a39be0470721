// A refused batch (issue 15 item 13, issue 16): split only when a profile is to blame, isolate
// exactly the bad profiles, and fail a request-level refusal once.
import { profileIdOf, startFaultServer, type Action, type FaultServer, type Received } from '@altcraft-api/mock';
import { afterEach, describe, expect, it } from 'vitest';
import { createAltcraftClient } from '../src/client.js';
import { importProfiles, type ImportProfilesOptions, type ProfileOutcome } from '../src/import-profiles.js';
import { namedProfiles, splitBudget } from '../src/policy.js';

let server: FaultServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function* profiles(count: number) {
  for (let i = 0; i < count; i++) yield { email: `p${i}@example.com`, _fname: `Name ${i}` };
}

async function run(count: number, scenario: (request: Received) => Action, options: Partial<ImportProfilesOptions> = {}) {
  server = await startFaultServer(scenario);
  const outcomes: ProfileOutcome[] = [];
  const summary = await importProfiles(createAltcraftClient({ baseUrl: server.baseUrl, token: 'abcdefghijklmnqrstuvwxyz' }), {
    workflow_id: 12,
    profiles: profiles(count),
    retry: { baseDelayMs: 1, maxDelayMs: 5 },
    onOutcome: (outcome) => void outcomes.push(outcome),
    ...options,
  } as ImportProfilesOptions);
  return { summary, outcomes, byIndex: new Map(outcomes.map((o) => [o.index, o])) };
}

/** A platform that names each invalid profile of a body in error_debug, as the mock does. */
function namingBad(bad: Set<string>, separator = '; ') {
  return (request: Received): Action | undefined => {
    const named = request.emails.flatMap((email, position) => (bad.has(email) ? [`/data/${position}/data/email: rejected`] : []));
    if (named.length === 0) return undefined;
    return { answer: 'status', status: 400, body: { error: 400, error_text: 'Invalid request', error_debug: named.join(separator) } };
  };
}

describe('bisection', () => {
  it('5 invalid profiles in 30,000, with 500s and 429s interleaved: exactly those 5 fail, every other profile is imported once', async () => {
    const badIndexes = [17, 4_321, 12_000, 12_001, 29_999];
    const bad = new Set(badIndexes.map((i) => `p${i}@example.com`));
    const refuse = namingBad(bad);
    const seen = new Map<string, number>();
    const { summary, outcomes } = await run(
      30_000,
      (request) => {
        // Each body is first answered 500, then 429, then the truth: retries interleave with splits.
        const key = `${request.emails[0]}-${request.emails.length}`;
        const attempt = seen.get(key) ?? 0;
        seen.set(key, attempt + 1);
        if (attempt === 0 && request.number % 2 === 0) return { answer: 'status', status: 500, body: { error: 500, error_text: 'Internal server error' } };
        if (attempt <= 1 && request.number % 3 === 0) return { answer: 'status', status: 429, body: { error: 429, error_text: 'Too many requests' }, headers: { 'Retry-After': '0' } };
        return refuse(request) ?? { answer: 'ok' };
      },
      { concurrency: 2 },
    );
    expect(outcomes).toHaveLength(30_000);
    const failed = outcomes.filter((o) => o.status === 'failed');
    expect(failed.map((o) => o.index).sort((a, b) => a - b)).toEqual(badIndexes);
    for (const outcome of failed) expect(outcome).toMatchObject({ error: { kind: 'api', status: 400, retryable: false, debug: '/data/0/data/email: rejected' } });
    expect(summary).toMatchObject({ imported: 29_995, failed: 5, unknown: 0 });
    const acknowledged = server!.acknowledged();
    expect(acknowledged).toHaveLength(29_995);
    expect(new Set(acknowledged).size).toBe(29_995);
    // The named profiles are cut out of their batch at once: no halving.
    expect(summary.requests - summary.retries).toBeLessThanOrEqual(3 + 3 * badIndexes.length);
  }, 120_000);

  it('random 500s, 429s, 503s in a 200 and resets around 5 marked profiles: one outcome each, no double import, the marked never imported', async () => {
    const marked = [3, 9_999, 10_000, 15_555, 19_998];
    const bad = new Set(marked.map((i) => `p${i}@example.com`));
    const refuse = namingBad(bad);
    let seed = 42;
    const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
    const { summary, outcomes } = await run(
      20_000,
      (request) => {
        const roll = random();
        if (roll < 0.15) return { answer: 'status', status: 500, body: { error: 500, error_text: 'Internal server error' } };
        if (roll < 0.25) return { answer: 'status', status: 429, body: { error: 429, error_text: 'Too many requests' }, headers: { 'Retry-After': '0' } };
        if (roll < 0.3) return { answer: 'status', status: 200, body: { error: 503, error_text: 'Service unavailable' } };
        if (roll < 0.35) return { answer: 'reset' };
        return refuse(request) ?? { answer: 'ok' };
      },
      { maxProfilesPerRequest: 2_000, concurrency: 3, retry: { maxAttempts: 12, baseDelayMs: 1, maxDelayMs: 5 } },
    );
    expect(outcomes.map((o) => o.index).sort((a, b) => a - b)).toEqual(Array.from({ length: 20_000 }, (_, i) => i));
    expect(summary.imported + summary.failed + summary.unknown).toBe(20_000);
    const acknowledged = server!.acknowledged();
    expect(new Set(acknowledged).size).toBe(acknowledged.length);
    expect(summary.imported).toBe(acknowledged.length);
    for (const email of bad) expect(acknowledged).not.toContain(email);
    // Every failure is a marked profile refused for itself; resets leave their batch unknown.
    for (const outcome of outcomes.filter((o) => o.status === 'failed')) {
      expect(marked).toContain(outcome.index);
      expect(outcome).toMatchObject({ error: { status: 400, retryable: false } });
    }
    for (const outcome of outcomes.filter((o) => o.status === 'unknown')) expect(outcome).toMatchObject({ error: { kind: 'network', retryable: false } });
  }, 120_000);

  it.each(['json', 'xml'] as const)('splits around the profiles that error_debug names, in %s', async (format) => {
    const bad = new Set(['p3@example.com', 'p14@example.com']);
    const refuse = namingBad(bad);
    const { summary, byIndex } = await run(20, (request) => refuse(request) ?? { answer: 'ok' }, { format, maxProfilesPerRequest: 20, concurrency: 1 });
    expect(summary).toMatchObject({ imported: 18, failed: 2 });
    expect(byIndex.get(3)).toMatchObject({ status: 'failed', error: { status: 400, debug: '/data/0/data/email: rejected', retryable: false } });
    expect(byIndex.get(14)).toMatchObject({ status: 'failed', error: { retryable: false } });
    expect(byIndex.get(4)).toEqual({ index: 4, status: 'imported', profileId: profileIdOf('p4@example.com') });
    // The batch, then [0..2], [3], [4..13], [14], [15..19].
    expect(server!.received.map((r) => r.emails.length)).toEqual([20, 3, 1, 10, 1, 5]);
    expect(server!.received.every((r) => r.format === format)).toBe(true);
    expect(new Set(server!.acknowledged()).size).toBe(18);
  });

  it('halves blindly only when a size problem is to blame (body too large), within the budget', async () => {
    // A platform whose body limit is lower than ours: bodies of more than 5 profiles are too large.
    const { summary, outcomes } = await run(
      40,
      (request) =>
        request.emails.length > 5 ? { answer: 'status', status: 400, body: { error: 400, error_text: 'Invalid request', error_debug: 'http: request body too large' } } : { answer: 'ok' },
      { maxProfilesPerRequest: 40, concurrency: 1 },
    );
    expect(outcomes).toHaveLength(40);
    expect(summary).toMatchObject({ imported: 40, failed: 0 });
    expect(server!.received.filter((r) => r.emails.length > 5).map((r) => r.emails.length)).toEqual([40, 20, 10, 10, 20, 10, 10]);
  });

  it('a request-level 400 (a request field named) is one request, not 65, and stops the run', async () => {
    const { summary, outcomes } = await run(
      5_000,
      () => ({ answer: 'status', status: 400, body: { error: 400, error_text: 'Invalid request', error_debug: '/workflow_id: must be >= 1' } }),
      { maxProfilesPerRequest: 1_000, concurrency: 1 },
    );
    expect(summary.requests).toBe(1);
    expect(server!.received).toHaveLength(1);
    expect(summary).toMatchObject({ failed: 1_000, stopped: { reason: 'invalid-request', error: { status: 400, retryable: true } } });
    expect(outcomes.every((o) => o.status === 'failed' && o.error.retryable)).toBe(true);
  });

  it('a 400 that names no profile (a bad token, say) is one request too', async () => {
    const { summary } = await run(5_000, () => ({ answer: 'status', status: 400, body: { error: 400, error_text: 'Invalid token' } }), {
      maxProfilesPerRequest: 1_000,
      concurrency: 1,
    });
    expect(server!.received).toHaveLength(1);
    expect(summary).toMatchObject({ failed: 1_000, stopped: { reason: 'invalid-request' } });
  });

  it('with concurrency, the batches in flight when a request-level 400 comes are failed once each', async () => {
    const { summary } = await run(
      5_000,
      () => ({ answer: 'delay', ms: 50, then: { answer: 'status', status: 400, body: { error: 400, error_text: 'Invalid request', error_debug: '/matching: unknown' } } }),
      { maxProfilesPerRequest: 1_000, concurrency: 3 },
    );
    expect(server!.received.length).toBeLessThanOrEqual(3);
    expect(summary.requests).toBe(server!.received.length);
    expect(summary.stopped).toMatchObject({ reason: 'invalid-request' });
  });

  it('the split budget grows as 2·k·log2(n)', () => {
    expect(splitBudget(10_000)).toBe(2 * 16 * 14);
    expect(splitBudget(2)).toBe(2 * 16);
    expect(splitBudget(1)).toBe(0);
  });

  it('when the budget is spent, what is left fails as retryable (not refused for itself)', async () => {
    const { summary, outcomes } = await run(
      16,
      () => ({ answer: 'status', status: 400, body: { error: 400, error_text: 'Invalid request', error_debug: 'http: request body too large' } }),
      { maxProfilesPerRequest: 16, maxSplitRequests: 2, concurrency: 1 },
    );
    expect(summary).toMatchObject({ failed: 16, requests: 3 });
    expect(outcomes.every((o) => o.status === 'failed' && o.error.retryable)).toBe(true);
  });
});

describe('namedProfiles reads the pointers of an error_debug', () => {
  it.each([
    ['/data/12/data/email: does not look like one', 20, [12], false],
    ['/data/0/data/CRM_ID: is required; /data/7/data/phones/1: too long; and more', 10, [0, 7], false],
    ["field '/data/3/data/_bdate' is invalid", 10, [3], false],
    ['/data/12/data/email: x', 5, [], true],
    ['/data: must NOT have more than 10000 items', 20_000, [], true],
    ['/workflow_id: must be >= 1', 10, [], true],
    ['/: must be an object', 10, [], false],
    ['http: request body too large', 10, [], false],
    [undefined, 10, [], false],
  ] as const)('%s (%i profiles)', (debug, count, named, other) => {
    expect(namedProfiles(debug, count)).toEqual({ named, other });
  });
});
