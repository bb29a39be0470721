import { MAX_BODY_BYTES, MAX_PROFILES } from '@altcraft-api/contract';
import { afterEach, describe, expect, it } from 'vitest';
import { createAltcraftClient, type AltcraftClientOptions } from '../src/client.js';
import { importProfiles, type ImportProfilesOptions, type ImportSummary, type ProfileOutcome } from '../src/import-profiles.js';
import type { ProfileData } from '../src/types.js';
import { profileIdOf, startFaultServer, type Action, type FaultServer, type Received } from '@altcraft-api/mock';

let server: FaultServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function* profiles(count: number, extra: (i: number) => Record<string, unknown> = () => ({})): Generator<ProfileData> {
  for (let i = 0; i < count; i++) yield { email: `p${i}@example.com`, _fname: `Name ${i}`, ...extra(i) };
}

type Options = Partial<ImportProfilesOptions> & { client?: Partial<AltcraftClientOptions> };

async function run(count: number, scenario: (request: Received) => Action, options: Options = {}) {
  server = await startFaultServer(scenario);
  const client = createAltcraftClient({ baseUrl: server.baseUrl, token: 'abcdefghijklmnqrstuvwxyz', ...options.client });
  const outcomes: ProfileOutcome[] = [];
  const summary = await importProfiles(client, {
    workflow_id: 12,
    profiles: profiles(count),
    maxProfilesPerRequest: 10,
    retry: { baseDelayMs: 5, maxDelayMs: 50 },
    onOutcome: (outcome) => void outcomes.push(outcome),
    ...options,
  } as ImportProfilesOptions);
  return { summary, outcomes, byIndex: new Map(outcomes.map((o) => [o.index, o])) };
}

/** Every input index has exactly one outcome, and the summary adds up. */
function expectAccounted(outcomes: ProfileOutcome[], summary: ImportSummary, count: number, from = 0) {
  expect(outcomes.map((o) => o.index).sort((a, b) => a - b)).toEqual(Array.from({ length: count - from }, (_, i) => i + from));
  expect(summary.settled).toBe(count - from);
  expect(summary.imported + summary.queued + summary.failed + summary.unknown).toBe(count - from);
  for (const status of ['imported', 'queued', 'failed', 'unknown'] as const) {
    expect(summary[status], status).toBe(outcomes.filter((o) => o.status === status).length);
  }
}

/** No profile acknowledged with 200 twice, and a profile sent again was sent in the same body. */
function expectNoDoubleImport(received: Received[], acknowledged: string[]) {
  expect(new Set(acknowledged).size).toBe(acknowledged.length);
  const bodyOf = new Map<string, string>();
  for (const request of received) {
    const key = request.emails.join(',');
    for (const email of request.emails) {
      if (bodyOf.has(email)) expect(bodyOf.get(email), `${email} was retried in another batch`).toBe(key);
      bodyOf.set(email, key);
    }
  }
}

const firstAttemptFails = (failure: Action) => {
  const seen = new Set<string>();
  return (request: Received): Action => {
    const key = request.emails.join(',');
    if (seen.has(key)) return { answer: 'ok' };
    seen.add(key);
    return failure;
  };
};

describe('importProfiles', () => {
  it.each(['json', 'xml'] as const)('imports every profile in %s, in batches, with each profile id', async (format) => {
    const { summary, outcomes, byIndex } = await run(25, () => ({ answer: 'ok' }), { format });
    expectAccounted(outcomes, summary, 25);
    expect(server!.received.map((r) => r.body.data.length).sort((a, b) => b - a)).toEqual([10, 10, 5]);
    expect(server!.received.every((r) => r.format === format)).toBe(true);
    expect(byIndex.get(7)).toEqual({ index: 7, status: 'imported', profileId: profileIdOf('p7@example.com') });
    expect(summary).toMatchObject({ imported: 25, requests: 3, retries: 0, checkpoint: 25 });
    expect(summary.bytesSent).toBe(server!.received.reduce((sum, r) => sum + r.bytes, 0));
    expect(server!.received[0]!.body).toMatchObject({ workflow_id: 12, token: 'abcdefghijklmnqrstuvwxyz' });
  });

  it('reads an async iterable lazily', async () => {
    let read = 0;
    async function* slowly() {
      for (const profile of profiles(30)) {
        read++;
        yield profile;
      }
    }
    const { summary } = await run(0, () => ({ answer: 'ok' }), { profiles: slowly(), concurrency: 1 });
    expect(read).toBe(30);
    expect(summary.imported).toBe(30);
  });

  it('fails a batch whose 500s outlast the attempts', async () => {
    const { summary, byIndex } = await run(10, () => ({ answer: 'status', status: 500, body: { error: 500, error_text: 'Internal server error' } }), {
      retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 5 },
    });
    expect(summary).toMatchObject({ failed: 10, requests: 3, retries: 2 });
    expect(byIndex.get(0)).toMatchObject({ status: 'failed', error: { kind: 'api', status: 500, retryable: true } });
  });

  it('retries 500s with the same profiles, and imports each once', async () => {
    const { summary, outcomes } = await run(25, firstAttemptFails({ answer: 'status', status: 500, body: { error: 500, error_text: 'Internal server error' } }));
    expectAccounted(outcomes, summary, 25);
    expect(summary).toMatchObject({ imported: 25, requests: 6, retries: 3 });
    expectNoDoubleImport(server!.received, server!.acknowledged());
  });

  it('waits as long as Retry-After says on 429', async () => {
    const arrivals: number[] = [];
    const { summary } = await run(5, (request) => {
      arrivals.push(performance.now());
      return request.number === 0 ? { answer: 'status', status: 429, body: { error: 429, error_text: 'Too many requests' }, headers: { 'Retry-After': '1' } } : { answer: 'ok' };
    }, { retry: { baseDelayMs: 5, maxDelayMs: 5_000 } });
    expect(summary).toMatchObject({ imported: 5, retries: 1 });
    expect(arrivals[1]! - arrivals[0]!).toBeGreaterThanOrEqual(950);
  });

  it('a 200 whose error is not 0 is retried when temporary', async () => {
    const { summary } = await run(15, firstAttemptFails({ answer: 'status', status: 200, body: { error: 503, error_text: 'Service unavailable' } }));
    expect(summary).toMatchObject({ imported: 15, retries: 2 });
    expectNoDoubleImport(server!.received, server!.acknowledged());
  });

  it('retries connections refused before sending', async () => {
    let calls = 0;
    const refusingFetch: typeof fetch = async (input, init) => {
      if (++calls <= 2) throw new TypeError('fetch failed', { cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) });
      return fetch(input, init);
    };
    const { summary, outcomes } = await run(10, () => ({ answer: 'ok' }), { client: { fetch: refusingFetch } });
    expectAccounted(outcomes, summary, 10);
    expect(summary).toMatchObject({ imported: 10, requests: 3, retries: 2 });
    expect(server!.received).toHaveLength(1);
  });

  describe('a request whose fate is unknown', () => {
    const resetFirst = firstAttemptFails({ answer: 'reset' });

    it('is not retried by default: its profiles are unknown', async () => {
      const { summary, outcomes, byIndex } = await run(25, (request) => (request.number === 1 ? { answer: 'reset' } : { answer: 'ok' }), { concurrency: 1 });
      expectAccounted(outcomes, summary, 25);
      expect(summary).toMatchObject({ imported: 15, unknown: 10, retries: 0 });
      expect(byIndex.get(12)).toMatchObject({ status: 'unknown', error: { kind: 'network' } });
    });

    it('is retried with retryAmbiguous: true', async () => {
      const { summary } = await run(25, resetFirst, { retryAmbiguous: true });
      expect(summary).toMatchObject({ imported: 25, unknown: 0, retries: 3 });
    });

    it('stays unknown when retryAmbiguous runs out of attempts', async () => {
      const { summary } = await run(10, () => ({ answer: 'reset' }), { retryAmbiguous: true, retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 5 } });
      expect(summary).toMatchObject({ unknown: 10, requests: 2, retries: 1 });
    });

    it('covers answers slower than the timeout', async () => {
      // Far apart, so that on a loaded machine the prompt answer still beats the timeout.
      const { summary, byIndex } = await run(20, (request) => (request.number === 0 ? { answer: 'delay', ms: 6000, then: { answer: 'ok' } } : { answer: 'ok' }), {
        concurrency: 1,
        client: { timeoutMs: 2000 },
      });
      expect(summary).toMatchObject({ imported: 10, unknown: 10 });
      expect(byIndex.get(0)).toMatchObject({ status: 'unknown', error: { kind: 'timeout' } });
    });
  });

  it('isolates the invalid profiles of a refused batch, imports the rest, and reports each with the server debug', async () => {
    const bad = new Set(['p3@example.com', 'p14@example.com']);
    const { summary, outcomes, byIndex } = await run(
      20,
      (request) => {
        const position = request.emails.findIndex((email) => bad.has(email));
        if (position < 0) return { answer: 'ok' };
        return { answer: 'status', status: 400, body: { error: 400, error_text: 'Invalid request', error_debug: `/data/${position}/data/email: rejected` } };
      },
      { maxProfilesPerRequest: 20 },
    );
    expectAccounted(outcomes, summary, 20);
    expect(summary).toMatchObject({ imported: 18, failed: 2 });
    expect(byIndex.get(3)).toMatchObject({ status: 'failed', error: { status: 400, debug: '/data/0/data/email: rejected' } });
    expect(byIndex.get(14)).toMatchObject({ status: 'failed' });
    expect(summary.requests).toBeLessThanOrEqual(1 + 2 * 2 * Math.ceil(Math.log2(20)));
    expect(new Set(server!.acknowledged()).size).toBe(18);
  });

  it('reports profiles the platform refused one by one in the result', async () => {
    const { summary, byIndex } = await run(3, () => ({
      answer: 'results',
      results: [{ profile_id: profileIdOf('p0@example.com') }, { error: 400, error_text: 'Invalid subscription' }, { profile_id: profileIdOf('p2@example.com') }],
    }));
    expect(summary).toMatchObject({ imported: 2, failed: 1 });
    expect(byIndex.get(1)).toEqual({ index: 1, status: 'failed', error: { kind: 'item', message: 'Invalid subscription', code: 400, retryable: false } });
  });

  it('redacts a piece of the token in a profile id, and only there (ids are redacted one by one only when their join holds a piece)', async () => {
    const token = 'abcdefghijklmnqrstuvwxyz';
    // The second and third ids end and start with the halves of a piece, either side of the join: neither is a piece of the token.
    const results = [{ profile_id: `x${token.slice(2, 12)}y` }, { profile_id: 'id-efgh' }, { profile_id: 'ijkl-id' }, { profile_id: 'plain' }];
    const { byIndex } = await run(4, () => ({ answer: 'results', results }));
    expect([0, 1, 2, 3].map((i) => (byIndex.get(i) as { profileId: string }).profileId)).toEqual(['x[redacted]y', 'id-efgh', 'ijkl-id', 'plain']);
  });

  it('sends profiles given encoded (one by one or in runs) exactly as it sends the profiles themselves', async () => {
    const items = [...profiles(25)].map((profile) => Buffer.from(JSON.stringify({ data: profile })));
    const plain = await run(25, () => ({ answer: 'ok' }));
    const sentPlain = server!.received.map((request) => request.body);
    await server!.close();
    const encoded = await run(25, () => ({ answer: 'ok' }), { profiles: undefined, encodedProfiles: [items[0]!, items.slice(1, 12), ...items.slice(12)] } as Options);
    expectAccounted(encoded.outcomes, encoded.summary, 25);
    expect(encoded.summary).toMatchObject({ imported: 25, requests: plain.summary.requests, bytesSent: plain.summary.bytesSent });
    expect(server!.received.map((request) => request.body)).toEqual(sentPlain);
  });

  it('counts the same outcomes without onOutcome (imported, refused one by one, without a profile_id)', async () => {
    const results = [{ profile_id: profileIdOf('p0@example.com') }, { error: 400, error_text: 'Invalid subscription' }, {}, { error: 0, profile_id: profileIdOf('p3@example.com') }];
    const { summary } = await run(4, () => ({ answer: 'results', results }), { onOutcome: undefined });
    expect(summary).toMatchObject({ settled: 4, imported: 2, failed: 1, unknown: 1, checkpoint: 4 });
  });

  it('marks a batch unknown when the answer has another number of results', async () => {
    const { summary } = await run(3, () => ({ answer: 'results', results: [{ profile_id: profileIdOf('p0@example.com') }] }));
    expect(summary).toMatchObject({ unknown: 3 });
  });

  it('stops when the platform refuses the token, and says so', async () => {
    const { summary, outcomes } = await run(50, () => ({ answer: 'status', status: 401, body: { error: 401, error_text: 'Unauthorized' } }), { concurrency: 1 });
    expect(summary.stopped).toMatchObject({ reason: 'refused', error: { status: 401, retryable: true } });
    expect(summary).toMatchObject({ failed: 10, requests: 1, checkpoint: 10 });
    expect(outcomes).toHaveLength(10);
  });

  it('queues batches with the task operation (waitForTasks: false): each outcome carries its batch task_id', async () => {
    server = await startFaultServer((request) => ({ answer: 'status', status: 200, body: { error: 0, error_text: 'ok', task_id: `task-${request.number}` } }));
    const client = createAltcraftClient({ baseUrl: server.baseUrl, token: 'abcdefghijklmnqrstuvwxyz' });
    const outcomes: ProfileOutcome[] = [];
    const summary = await importProfiles(client, { workflow_id: 1, operation: 'task', waitForTasks: false, profiles: profiles(15), maxProfilesPerRequest: 10, concurrency: 1, onOutcome: (o) => void outcomes.push(o) });
    expectAccounted(outcomes, summary, 15);
    expect(summary.queued).toBe(15);
    expect(outcomes.find((o) => o.index === 12)).toEqual({ index: 12, status: 'queued', taskId: 'task-1' });
    expect(server.received[0]!.body.data).toHaveLength(10);
  });

  it('reports progress after each batch', async () => {
    const seen: number[] = [];
    await run(25, () => ({ answer: 'ok' }), { concurrency: 1, onProgress: (p) => seen.push(p.settled) });
    expect(seen).toEqual([10, 20, 25]);
  });

  it('refuses options beyond the platform limits', async () => {
    const client = createAltcraftClient({ baseUrl: 'http://127.0.0.1:1/api/v1.1', token: 'abcdefghijklmnqrstuvwxyz' });
    await expect(importProfiles(client, { workflow_id: 1, profiles: [], maxProfilesPerRequest: 10_001 })).rejects.toThrow(RangeError);
    await expect(importProfiles(client, { workflow_id: 1, profiles: [], maxBodyBytes: MAX_BODY_BYTES + 1 })).rejects.toThrow(RangeError);
  });
});

describe('onSend', () => {
  it('is awaited before every request, retries and split parts included, with its contiguous range', async () => {
    const calls: { first: number; count: number }[] = [];
    let pendingWrites = 0;
    let seen = 0;
    const bad = 'p13@example.com';
    const { summary } = await run(
      25,
      (request) => {
        expect(pendingWrites, 'onSend finished before the request').toBe(0);
        if (request.number === 0) return { answer: 'status', status: 503, body: { error: 503, error_text: 'Unavailable' } };
        const position = request.emails.indexOf(bad);
        if (position >= 0) return { answer: 'status', status: 400, body: { error: 400, error_text: 'Invalid request', error_debug: `/data/${position}/data/email: rejected` } };
        return { answer: 'ok' };
      },
      {
        concurrency: 1,
        onSend: async (batch) => {
          pendingWrites++;
          await new Promise((resolve) => setTimeout(resolve, 5));
          calls.push(batch);
          seen++;
          pendingWrites--;
        },
      },
    );
    expect(summary).toMatchObject({ imported: 24, failed: 1 });
    expect(seen).toBe(server!.received.length);
    expect(calls).toEqual([
      { first: 0, count: 10 },
      { first: 0, count: 10 },
      { first: 10, count: 10 },
      { first: 10, count: 3 },
      { first: 13, count: 1 },
      { first: 14, count: 6 },
      { first: 20, count: 5 },
    ]);
    server!.received.forEach((request, n) => {
      const { first, count } = calls[n]!;
      expect(request.emails).toEqual(Array.from({ length: count }, (_, i) => `p${first + i}@example.com`));
    });
  });

  it('a failing onSend rejects the import before that request is sent', async () => {
    server = await startFaultServer();
    const outcomes: ProfileOutcome[] = [];
    const pending = importProfiles(createAltcraftClient({ baseUrl: server.baseUrl, token: 'abcdefghijklmnqrstuvwxyz' }), {
      workflow_id: 12,
      profiles: profiles(30),
      maxProfilesPerRequest: 10,
      concurrency: 1,
      onOutcome: (o) => void outcomes.push(o),
      onSend: (batch) => {
        if (batch.first === 10) throw new Error('disk full');
      },
    });
    await expect(pending).rejects.toThrow('disk full');
    expect(outcomes.map((o) => o.index)).toEqual(Array.from({ length: 10 }, (_, i) => i));
    expect(server.received).toHaveLength(1);
  });
});

describe('nothing can be sent', () => {
  const refused = () => Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) });

  it('every attempt refused: the batch fails as not sent (retryable) and the run stops with the reason', async () => {
    let calls = 0;
    const { summary, outcomes } = await run(100, () => ({ answer: 'ok' }), {
      concurrency: 1,
      retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 5 },
      client: {
        fetch: async () => {
          calls++;
          throw refused();
        },
      },
    });
    expect(calls).toBe(3);
    expect(outcomes).toHaveLength(10);
    for (const outcome of outcomes) expect(outcome).toMatchObject({ status: 'failed', error: { kind: 'network', retryable: true } });
    expect(summary).toMatchObject({ failed: 10, unknown: 0, stopped: { reason: 'unreachable', error: { kind: 'network', message: expect.stringContaining('ECONNREFUSED') } } });
  });

  it('a real refused port: failed, not unknown', async () => {
    server = await startFaultServer();
    const { baseUrl } = server;
    await server.close();
    server = undefined;
    const outcomes: ProfileOutcome[] = [];
    const summary = await importProfiles(createAltcraftClient({ baseUrl, token: 'abcdefghijklmnqrstuvwxyz' }), {
      workflow_id: 12,
      profiles: profiles(50),
      maxProfilesPerRequest: 10,
      retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 5 },
      onOutcome: (o) => void outcomes.push(o),
    });
    expect(summary.unknown).toBe(0);
    expect(summary.stopped?.reason).toBe('unreachable');
    expect(outcomes.length).toBeLessThan(50);
    expect(outcomes.every((o) => o.status === 'failed' && o.error.retryable)).toBe(true);
  });
});

describe('limits: no request exceeds 10,000 profiles or 10,485,760 bytes', () => {
  it.each(['json', 'xml'] as const)('with small profiles (count-bound), %s', async (format) => {
    const { summary, outcomes } = await run(25_000, () => ({ answer: 'ok' }), { format, maxProfilesPerRequest: MAX_PROFILES });
    expectAccounted(outcomes, summary, 25_000);
    expect(server!.received.map((r) => r.body.data.length).sort((a, b) => b - a)).toEqual([10_000, 10_000, 5_000]);
    expect(Math.max(...server!.received.map((r) => r.bytes))).toBeLessThanOrEqual(MAX_BODY_BYTES);
  }, 60_000);

  it.each(['json', 'xml'] as const)('with large profiles (byte-bound), %s', async (format) => {
    const big = (i: number) => ({ notes: `${'é'.repeat(100_000 + (i % 7) * 5_000)}` });
    server = await startFaultServer();
    const client = createAltcraftClient({ baseUrl: server.baseUrl, token: 'abcdefghijklmnqrstuvwxyz' });
    const outcomes: ProfileOutcome[] = [];
    const summary = await importProfiles(client, { workflow_id: 12, format, profiles: profiles(120, big), onOutcome: (o) => void outcomes.push(o) });
    expectAccounted(outcomes, summary, 120);
    expect(summary.imported).toBe(120);
    expect(server.received.length).toBeGreaterThan(2);
    for (const request of server.received) expect(request.bytes).toBeLessThanOrEqual(MAX_BODY_BYTES);
    // Bodies are filled close to the limit, not cut short.
    expect(Math.max(...server.received.map((r) => r.bytes))).toBeGreaterThan(MAX_BODY_BYTES * 0.9);
  }, 60_000);

  it('a profile too large to send alone fails locally and is never sent', async () => {
    const huge = (i: number) => (i === 1 ? { notes: 'x'.repeat(MAX_BODY_BYTES) } : {});
    server = await startFaultServer();
    const client = createAltcraftClient({ baseUrl: server.baseUrl, token: 'abcdefghijklmnqrstuvwxyz' });
    const outcomes: ProfileOutcome[] = [];
    const summary = await importProfiles(client, { workflow_id: 12, profiles: profiles(3, huge), onOutcome: (o) => void outcomes.push(o) });
    expectAccounted(outcomes, summary, 3);
    expect(outcomes.find((o) => o.index === 1)).toMatchObject({ status: 'failed', error: { kind: 'local', message: expect.stringContaining('over the 10485760-byte limit') } });
    expect(server.received.flatMap((r) => r.emails)).toEqual(['p0@example.com', 'p2@example.com']);
    // A batch is a contiguous range of input indexes: the unsendable profile cuts it.
    expect(server.received.map((r) => r.emails.length)).toEqual([1, 1]);
  }, 30_000);
});

describe('resume', () => {
  it('the checkpoint is a low watermark: an early batch that settles last holds it back', async () => {
    // Batch 0 answers late; batches 1 and 2 settle first (3 s is far longer than two prompt
    // answers take even on a loaded machine). A high-water mark would claim 30.
    const seen: number[] = [];
    const { summary } = await run(30, (request) => (request.emails[0] === 'p0@example.com' ? { answer: 'delay', ms: 3000, then: { answer: 'ok' } } : { answer: 'ok' }), {
      concurrency: 2,
      onProgress: (p) => seen.push(p.checkpoint),
    });
    expect(summary).toMatchObject({ imported: 30, checkpoint: 30 });
    expect(seen).toEqual([0, 0, 30]);
  });

  it('a run stopped midway and resumed from its checkpoint imports each profile once', async () => {
    server = await startFaultServer();
    const client = createAltcraftClient({ baseUrl: server.baseUrl, token: 'abcdefghijklmnqrstuvwxyz' });
    const controller = new AbortController();
    const first: ProfileOutcome[] = [];
    const interrupted = await importProfiles(client, {
      workflow_id: 12,
      profiles: profiles(100),
      maxProfilesPerRequest: 10,
      concurrency: 1,
      signal: controller.signal,
      onOutcome: (outcome) => {
        first.push(outcome);
        if (first.length === 35) controller.abort();
      },
    });
    expect(interrupted.stopped).toEqual({ reason: 'aborted' });
    expect(interrupted.checkpoint).toBe(40);

    const second: ProfileOutcome[] = [];
    const resumed = await importProfiles(client, {
      workflow_id: 12,
      profiles: profiles(100),
      maxProfilesPerRequest: 10,
      checkpoint: interrupted.checkpoint,
      onOutcome: (outcome) => void second.push(outcome),
    });
    expectAccounted(second, resumed, 100, 40);
    const all = [...first, ...second].map((o) => o.index).sort((a, b) => a - b);
    expect(all).toEqual(Array.from({ length: 100 }, (_, i) => i));
    const acknowledged = server.acknowledged();
    expect(acknowledged).toHaveLength(100);
    expect(new Set(acknowledged).size).toBe(100);
  });
});
