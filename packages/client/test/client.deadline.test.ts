// timeoutMs covers the whole call, decoding the answer included: an answer that arrives in
// time but takes past the deadline to decode is the documented AltcraftTimeoutError, not a
// result delivered late. (A decode is synchronous, so the abort timer cannot fire during it;
// the deadline is checked when it ends.) The codec is wrapped to take a set time, so the test
// does not depend on how fast this machine reads XML.
import { responseXml as realResponseXml } from '@altcraft-api/contract';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AltcraftTimeoutError, createAltcraftClient } from '../src/index.js';

let decodeMs = 0;
vi.mock('@altcraft-api/contract', async (importOriginal) => {
  const actual = await importOriginal<typeof import('@altcraft-api/contract')>();
  return {
    ...actual,
    responseXml: (...args: Parameters<typeof actual.responseXml>) => {
      const codec = actual.responseXml(...args);
      return {
        ...codec,
        decode: (xml: string) => {
          const until = performance.now() + decodeMs;
          while (performance.now() < until);
          return codec.decode(xml);
        },
      };
    },
  };
});

afterEach(() => void (decodeMs = 0));

const TOKEN = 'deadline-test-token-0123456789';
const success = { error: 0, error_text: 'Successful operation', task_id: 'abc123' };
const request = { workflow_id: 12, data: [{ data: { email: 'a@example.com' } }] };

/** A client whose fetch answers at once with the success envelope in XML. */
function client(timeoutMs: number) {
  const xml = realResponseXml('importAndStartBatchTask', 200).encode(success);
  const fetch = async () => new Response(xml, { status: 200, headers: { 'Content-Type': 'application/xml; charset=utf-8' } });
  return createAltcraftClient({ baseUrl: 'http://127.0.0.1:9/api/v1.1', token: TOKEN, timeoutMs, fetch });
}

describe('timeoutMs while the answer is decoded', () => {
  it('an answer decoded within the deadline is the result', async () => {
    decodeMs = 10;
    await expect(client(2_000).importAndStartBatchTask(request, { format: 'xml' })).resolves.toEqual(success);
  });

  it('an answer whose decode ends past the deadline is AltcraftTimeoutError', async () => {
    decodeMs = 600;
    const error = await client(200).importAndStartBatchTask(request, { format: 'xml' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AltcraftTimeoutError);
    expect((error as AltcraftTimeoutError).timeoutMs).toBe(200);
    expect(String((error as Error).message)).not.toContain(TOKEN);
  });
});
