import { Console } from 'node:console';
import { Writable } from 'node:stream';
import { inspect } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { createAltcraftClient, type AltcraftClient } from '../src/client.js';
import { AltcraftApiError, AltcraftNetworkError, AltcraftResponseError, AltcraftTimeoutError, AltcraftValidationError } from '../src/errors.js';
import type { ImportAndStartBatchRequest } from '../src/types.js';
import { answer, startServer, type TestServer } from './support/server.js';

const TOKEN = 'tok-SECRET-5f19953a';
const request: ImportAndStartBatchRequest = { workflow_id: 12, data: [{ data: { email: 'a@example.com' } }] };

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** Every way an error or a client can end up as text: message, String, JSON, stack, inspect, a log line. */
function renderings(value: unknown) {
  const logged: string[] = [];
  const sink = new Writable({ write: (chunk, _encoding, done) => (logged.push(String(chunk)), done()) });
  const logger = new Console({ stdout: sink, stderr: sink });
  logger.log(value);
  logger.error('import failed: %s', value);
  logger.error('import failed: %o', value);
  const error = value as Error;
  return {
    message: String(error?.message),
    string: String(value),
    json: JSON.stringify(value) ?? '',
    stack: String(error?.stack),
    inspect: inspect(value, { depth: 10, showHidden: true }),
    log: logged.join(''),
  };
}

function expectNoToken(value: unknown) {
  const rendered = renderings(value);
  expect(rendered.log.length, 'the log line was captured').toBeGreaterThan(20);
  for (const [how, text] of Object.entries(rendered)) {
    expect(text, how).not.toContain(TOKEN);
  }
}

// The default timeout everywhere but in the timeout test: a loaded machine must not turn an
// expected answer into a timeout (whose error would pass the redaction checks vacuously).
async function failureOf(call: (client: AltcraftClient) => Promise<unknown>, baseUrl: string, auth: 'body' | 'bearer' = 'body', timeoutMs?: number) {
  try {
    await call(createAltcraftClient({ baseUrl, token: TOKEN, auth, timeoutMs, validate: true }));
  } catch (error) {
    return error;
  }
  throw new Error('expected a failure');
}

describe('the token never shows', () => {
  it('in the client object itself', () => {
    expectNoToken(createAltcraftClient({ baseUrl: 'http://127.0.0.1:1/api/v1.1', token: TOKEN }));
  });

  it.each(['body', 'bearer'] as const)('in an API error, even when the server echoes the token (%s auth)', async (auth) => {
    server = await startServer((_req, res) =>
      answer(res, 401, { error: 401, error_text: `token ${TOKEN} is not valid`, error_debug: `got Authorization: Bearer ${TOKEN}` }),
    );
    const error = await failureOf((client) => client.importAndStartBatch(request), server.baseUrl, auth);
    expect(error).toBeInstanceOf(AltcraftApiError);
    expect(error).toMatchObject({ status: 401, text: 'token [redacted] is not valid', debug: 'got Authorization: Bearer [redacted]' });
    expectNoToken(error);
  });

  it('in a non-envelope error page that echoes it', async () => {
    server = await startServer((req, res) => {
      res.writeHead(500, { 'Content-Type': 'text/plain' });
      res.end(`crashed on body ${req.body}`);
    });
    const error = await failureOf((client) => client.importAndStartBatch(request), server.baseUrl);
    expect(error).toBeInstanceOf(AltcraftApiError);
    expect(error).toMatchObject({ status: 500, debug: expect.stringContaining('[redacted]') });
    expectNoToken(error);
  });

  it('in a long error page that echoes it where the debug text is cut', async () => {
    server = await startServer((_req, res) => {
      res.writeHead(502, { 'Content-Type': 'text/html' });
      res.end(`${'x'.repeat(490)}${TOKEN}${'y'.repeat(100)}`);
    });
    const error = await failureOf((client) => client.importAndStartBatch(request), server.baseUrl);
    expect(error).toBeInstanceOf(AltcraftApiError);
    expect((error as AltcraftApiError).debug).toMatch(/^x+/);
    expect(String((error as AltcraftApiError).debug)).not.toContain(TOKEN.slice(0, 10));
  });

  it('in an unreadable answer that echoes it', async () => {
    server = await startServer((_req, res) => answer(res, 200, `{"token": "${TOKEN}"`));
    const error = await failureOf((client) => client.importAndStartBatch(request), server.baseUrl);
    expect(error).toBeInstanceOf(AltcraftResponseError);
    expectNoToken(error);
  });

  it('in a timeout', async () => {
    server = await startServer(() => undefined);
    const error = await failureOf((client) => client.importAndStartBatchTask(request), server.baseUrl, 'bearer', 200);
    expect(error).toBeInstanceOf(AltcraftTimeoutError);
    expectNoToken(error);
  });

  it('in a network error', async () => {
    server = await startServer((_req, res) => res.socket!.destroy());
    const error = await failureOf((client) => client.importAndStartBatch(request), server.baseUrl);
    expect(error).toBeInstanceOf(AltcraftNetworkError);
    expectNoToken(error);
  });

  it('in a validation error about the token itself', async () => {
    const error = await failureOf(
      (client) => client.importAndStartBatch({ ...request, matching: TOKEN } as unknown as ImportAndStartBatchRequest),
      'http://127.0.0.1:1/api/v1.1',
    );
    expect(error).toBeInstanceOf(AltcraftValidationError);
    expectNoToken(error);
  });
});
