// Durations checked before they reach a timer: a 30-day wait that gave up after 1 ms (timer
// overflow), Infinity thrown from deep inside, a poll interval of 0 or NaN spinning on the
// status endpoint. A fake fetch counts the requests; nothing is listened on.
import { describe, expect, it } from 'vitest';
import { createAltcraftClient } from '../src/client.js';
import { MAX_TIMER_MS, checkMs } from '../src/durations.js';
import { importProfiles } from '../src/import-profiles.js';

const TOKEN = 'tok-SECRET-5f19953a-k3yM4t3r14l';
function counting() {
  const seen = { requests: 0 };
  const fetch = async () => {
    seen.requests++;
    return new Response(JSON.stringify({ error: 0, error_text: '', data: { status: 'in_progress' } }), { status: 200, headers: { 'content-type': 'application/json' } });
  };
  return { seen, client: createAltcraftClient({ baseUrl: 'http://127.0.0.1:9/api/v1.1', token: TOKEN, fetch }) };
}

describe('checkMs', () => {
  it('takes finite milliseconds in range and names the setting otherwise', () => {
    expect(checkMs('w', 'x', 1, 1)).toBe(1);
    expect(checkMs('w', 'x', MAX_TIMER_MS, 1)).toBe(MAX_TIMER_MS);
    for (const bad of [0, -1, NaN, Infinity, -Infinity, MAX_TIMER_MS + 1, 30 * 86_400_000, '100' as unknown as number]) {
      expect(() => checkMs('w', 'x', bad, 1), String(bad)).toThrow(new RangeError(`w: x must be a number of milliseconds from 1 to 2147483647, got ${String(bad)}`));
    }
  });
});

describe('waitForTask', () => {
  it('refuses a time limit a timer cannot hold, before any request (it gave up after ~1 ms)', async () => {
    const { seen, client } = counting();
    for (const timeoutMs of [30 * 86_400_000, Infinity, NaN, 0, -5]) {
      await expect(client.waitForTask('T1', { timeoutMs, pollInterval: 50 }), String(timeoutMs)).rejects.toThrow(/waitForTask: timeoutMs must be a number of milliseconds from 1 to 2147483647/);
    }
    expect(seen.requests).toBe(0);
  });

  it('refuses a poll interval under 10 ms, NaN or negative, before any request (it asked ~700 times a second)', async () => {
    const { seen, client } = counting();
    for (const pollInterval of [0, 9, NaN, -1, Infinity]) {
      await expect(client.waitForTask('T1', { timeoutMs: 200, pollInterval }), String(pollInterval)).rejects.toThrow(/waitForTask: pollInterval must be a number of milliseconds from 10 to/);
    }
    expect(seen.requests).toBe(0);
  });

  it('a time limit near the top of the range waits (no overflow): stopped by the caller, not timed out', async () => {
    const { seen, client } = counting();
    const error = await client.waitForTask('T1', { timeoutMs: MAX_TIMER_MS, pollInterval: 10, signal: AbortSignal.timeout(300) }).catch((e: unknown) => e);
    expect((error as Error).name).not.toBe('AltcraftTaskTimeoutError');
    expect(seen.requests).toBeGreaterThan(1);
  });
});

describe('importProfiles and createAltcraftClient', () => {
  it('importProfiles refuses taskTimeoutMs and taskPollInterval out of range before sending', async () => {
    const { seen, client } = counting();
    const run = (options: Record<string, number>) => importProfiles(client, { workflow_id: 1, operation: 'task', profiles: [{ email: 'a@b.io' }], ...options });
    await expect(run({ taskTimeoutMs: 2 ** 31 })).rejects.toThrow(/importProfiles: taskTimeoutMs must be a number of milliseconds from 1 to 2147483647, got 2147483648/);
    await expect(run({ taskPollInterval: 0 })).rejects.toThrow(/importProfiles: taskPollInterval must be a number of milliseconds from 10 to 2147483647, got 0/);
    expect(seen.requests).toBe(0);
  });

  it('createAltcraftClient refuses a request time limit a timer cannot hold', () => {
    for (const timeoutMs of [2 ** 31, Infinity, 0, NaN]) {
      expect(() => createAltcraftClient({ baseUrl: 'http://127.0.0.1:9/api/v1.1', token: TOKEN, timeoutMs }), String(timeoutMs)).toThrow(/createAltcraftClient: timeoutMs must be/);
    }
  });
});
