// Hostile servers and hostile configuration (issue 15, items 1-4 and 14): no token leaves for
// another origin, no token piece reaches an error, an outcome or a log line, and nothing is sent
// with a token or a base URL that cannot be sent.
import { execFileSync } from 'node:child_process';
import { Console } from 'node:console';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { inspect } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { createAltcraftClient } from '../src/client.js';
import { AltcraftApiError, AltcraftConfigError, AltcraftNetworkError, AltcraftRedirectError, AltcraftResponseError } from '../src/errors.js';
import { importProfiles, type ProfileOutcome } from '../src/import-profiles.js';
import type { ImportAndStartBatchRequest } from '../src/types.js';
import { answer, startServer, type TestServer } from './support/server.js';
import { failure } from './support/failure.js';

const TOKEN = 'tok-SECRET-5f19953a-k3yM4t3r14l';
const request: ImportAndStartBatchRequest = { workflow_id: 12, data: [{ data: { email: 'a@example.com' } }] };

const servers: TestServer[] = [];
async function serve(handler: Parameters<typeof startServer>[0]): Promise<TestServer> {
  const server = await startServer(handler);
  servers.push(server);
  return server;
}
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

/** Whether `text` holds the token, or any 8+ character piece of it, in any letter case. */
function leaksToken(text: string): boolean {
  const lower = text.toLowerCase();
  const token = TOKEN.toLowerCase();
  for (let i = 0; i + 8 <= token.length; i++) if (lower.includes(token.slice(i, i + 8))) return true;
  return false;
}

/** Every way an error ends up as text: message, String, JSON, stack, inspect, console.error lines. */
function renderings(value: unknown): string {
  const error = value as Error;
  const logged: string[] = [];
  const sink = new Writable({ write: (chunk, _encoding, done) => (logged.push(String(chunk)), done()) });
  const logger = new Console({ stdout: sink, stderr: sink });
  logger.error(value);
  logger.error('failed: %s %o', value, value);
  return [String(error?.message), String(value), JSON.stringify(value) ?? '', String(error?.stack), inspect(value, { depth: 10, showHidden: true }), ...logged].join('\n');
}

function* profiles(count: number) {
  for (let i = 0; i < count; i++) yield { email: `p${i}@example.com` };
}

describe('redirects are never followed', () => {
  const cases = [301, 302, 303, 307, 308].flatMap((status) => (['body', 'bearer'] as const).map((auth) => [status, auth] as const));

  it.each(cases)('HTTP %i (%s auth): an error naming the Location, nothing sent to the other origin', async (status, auth) => {
    const other = await serve((_req, res) => answer(res, 200, { error: 0, error_text: 'ok', result: [{ profile_id: '6613c4754a5d12bd6cc0915f' }] }));
    const location = `${other.baseUrl}/workflows/import_and_start_batch/${TOKEN.toUpperCase()}?token=${TOKEN}`;
    const api = await serve((_req, res) => {
      res.writeHead(status, { Location: location, 'Content-Type': 'text/plain' });
      res.end(`moved to ${location}`);
    });
    const client = createAltcraftClient({ baseUrl: api.baseUrl, token: TOKEN, auth });
    const error = (await failure(client.importAndStartBatch(request))) as AltcraftRedirectError;
    expect(error).toBeInstanceOf(AltcraftRedirectError);
    expect(error.status).toBe(status);
    expect(error.location).toContain(new URL(other.baseUrl).origin);
    expect(error.message).toContain(new URL(other.baseUrl).origin);
    expect(leaksToken(renderings(error))).toBe(false);
    expect(api.requests).toHaveLength(1);
    expect(other.requests).toHaveLength(0);
  });

  it.each(['body', 'bearer'] as const)('importProfiles settles the redirected profiles as failed (redirect, retryable) and stops (%s auth)', async (auth) => {
    const other = await serve((_req, res) => answer(res, 200, { error: 0, error_text: 'ok', result: [] }));
    const api = await serve((_req, res) => {
      res.writeHead(307, { Location: `${other.baseUrl}/workflows/import_and_start_batch` });
      res.end();
    });
    const outcomes: ProfileOutcome[] = [];
    const summary = await importProfiles(createAltcraftClient({ baseUrl: api.baseUrl, token: TOKEN, auth }), {
      workflow_id: 12,
      profiles: profiles(100),
      maxProfilesPerRequest: 10,
      concurrency: 1,
      onOutcome: (outcome) => void outcomes.push(outcome),
    });
    expect(other.requests).toHaveLength(0);
    expect(summary).toMatchObject({ imported: 0, failed: 10, requests: 1, stopped: { reason: 'redirect', error: { kind: 'redirect', retryable: true } } });
    expect(outcomes).toHaveLength(10);
    for (const outcome of outcomes) expect(outcome).toMatchObject({ status: 'failed', error: { kind: 'redirect', retryable: true, status: 307 } });
    expect(leaksToken(JSON.stringify(outcomes) + JSON.stringify(summary))).toBe(false);
  });
});

describe('no piece of the token in what the server sends back', () => {
  const echoes = [TOKEN, TOKEN.toUpperCase(), TOKEN.slice(3, 23), TOKEN.slice(-9).toLowerCase()];

  it.each(echoes)('per-item error_text %s is redacted in the outcome', async (echo) => {
    const api = await serve((_req, res) =>
      answer(res, 200, { error: 0, error_text: 'ok', result: [{ profile_id: '6613c4754a5d12bd6cc0915f' }, { error: 400, error_text: `bad token ${echo} here` }] }),
    );
    const outcomes: ProfileOutcome[] = [];
    await importProfiles(createAltcraftClient({ baseUrl: api.baseUrl, token: TOKEN }), { workflow_id: 12, profiles: profiles(2), onOutcome: (o) => void outcomes.push(o) });
    expect(outcomes[1]).toMatchObject({ status: 'failed', error: { kind: 'item', message: expect.stringContaining('[redacted]') } });
    expect(leaksToken(JSON.stringify(outcomes))).toBe(false);
  });

  it.each(echoes)('an error envelope echoing %s, and a reason phrase, are redacted', async (echo) => {
    const api = await serve((_req, res) => {
      res.writeHead(500, `Broken ${echo}`, { 'Content-Type': 'application/json', 'X-Request-Id': `r-${echo}` });
      res.end(JSON.stringify({ error: 500, error_debug: `token=${echo}` }));
    });
    const error = await failure(createAltcraftClient({ baseUrl: api.baseUrl, token: TOKEN, auth: 'bearer' }).importAndStartBatch(request));
    expect(error).toBeInstanceOf(AltcraftApiError);
    expect(error).toMatchObject({ status: 500, debug: expect.stringContaining('[redacted]') });
    expect(leaksToken(renderings(error))).toBe(false);
  });

  it('a non-JSON 200 is not quoted into the message', async () => {
    // Seven characters of the token: below what redaction can recognise, so it must not be quoted at all.
    const body = `${TOKEN.slice(4, 11)} is not json`;
    const api = await serve((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(body);
    });
    const error = (await failure(createAltcraftClient({ baseUrl: api.baseUrl, token: TOKEN }).importAndStartBatch(request))) as AltcraftResponseError;
    expect(error).toBeInstanceOf(AltcraftResponseError);
    expect(error.message).toContain(`the answer is not JSON (${Buffer.byteLength(body)} bytes)`);
    expect(renderings(error)).not.toContain(TOKEN.slice(4, 11));
  });

  it('a non-XML 200 to an XML request is not quoted either', async () => {
    const body = `<xml><error>0</error><${TOKEN.slice(4, 11)}`;
    const api = await serve((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/xml' });
      res.end(body);
    });
    const error = await failure(createAltcraftClient({ baseUrl: api.baseUrl, token: TOKEN }).importAndStartBatch(request, { format: 'xml' }));
    expect(error).toBeInstanceOf(AltcraftResponseError);
    expect(renderings(error)).not.toContain(TOKEN.slice(4, 11));
  });
});

describe('a token that cannot be sent is refused before anything is sent', () => {
  const bad = [
    ['empty', ''],
    ['newline', `${TOKEN}\n`],
    ['NUL', `${TOKEN.slice(0, 10)}\0${TOKEN.slice(10)}`],
    ['carriage return', `${TOKEN}\r\nX-Evil: 1`],
    ['DEL', `${TOKEN}\x7f`],
  ] as const;
  const cases = bad.flatMap(([name, token]) => (['body', 'bearer'] as const).map((auth) => [name, auth, token] as const));

  it.each(cases)('%s (%s auth)', async (_name, auth, token) => {
    const api = await serve((_req, res) => answer(res, 200, { error: 0, error_text: 'ok', result: [{}] }));
    let error: unknown;
    try {
      await createAltcraftClient({ baseUrl: api.baseUrl, token, auth }).importAndStartBatch(request);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(AltcraftConfigError);
    expect(error).toMatchObject({ option: 'token', mayHaveReachedServer: false, message: expect.stringMatching(/token/) });
    expect((error as Error).cause).toBeUndefined();
    if (token !== '') expect(leaksToken(renderings(error))).toBe(false);
    expect(api.requests).toHaveLength(0);
  });

  it('a bearer token outside printable ASCII is refused; in the body it is sent', async () => {
    const api = await serve((_req, res) => answer(res, 200, { error: 0, error_text: 'ok', result: [{ profile_id: '6613c4754a5d12bd6cc0915f' }] }));
    const token = `${TOKEN}-ключ`;
    expect(() => createAltcraftClient({ baseUrl: api.baseUrl, token, auth: 'bearer' })).toThrow(AltcraftConfigError);
    await createAltcraftClient({ baseUrl: api.baseUrl, token }).importAndStartBatch(request);
    expect(JSON.parse(api.requests[0]!.body)).toMatchObject({ token });
  });
});

describe('the base URL is checked up front', () => {
  it.each([
    'example.com/api/v1.1',
    'localhost:4010/api/v1.1',
    'ftp://example.com/api/v1.1',
    'file:///api/v1.1',
    'http://',
    'https://example.com/api/v1.1?x=1',
    'https://user:secret@example.com/api/v1.1',
    'https://example.com',
  ])('%s is refused with a clear error', (baseUrl) => {
    let error: unknown;
    try {
      createAltcraftClient({ baseUrl, token: TOKEN });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(AltcraftConfigError);
    expect(error).toMatchObject({ option: 'baseUrl', mayHaveReachedServer: false });
    expect(renderings(error)).not.toContain('secret');
  });

  it('http and https API roots are accepted', () => {
    expect(() => createAltcraftClient({ baseUrl: 'http://127.0.0.1:4010/api/v1.1', token: TOKEN })).not.toThrow();
    expect(() => createAltcraftClient({ baseUrl: 'https://example.com/api/v1.1/', token: TOKEN })).not.toThrow();
  });
});

describe('a failure before any byte was sent is "not sent"', () => {
  it.each(['ENOTFOUND', 'EAI_AGAIN', 'ECONNREFUSED', 'UND_ERR_CONNECT_TIMEOUT', 'CERT_HAS_EXPIRED', 'ERR_TLS_CERT_ALTNAME_INVALID'])('%s was not sent', async (code) => {
    const failing: typeof fetch = async () => {
      throw new TypeError('fetch failed', { cause: Object.assign(new Error(`getaddrinfo ${code} api.example.invalid`), { code }) });
    };
    const error = await failure(createAltcraftClient({ baseUrl: 'https://api.example.invalid/api/v1.1', token: TOKEN, fetch: failing }).importAndStartBatch(request));
    expect(error).toBeInstanceOf(AltcraftNetworkError);
    expect(error).toMatchObject({ mayHaveReachedServer: false, causeCode: code });
  });

  it.each(['ECONNRESET', 'UND_ERR_SOCKET', 'EPIPE', undefined])('%s may have reached the server', async (code) => {
    const failing: typeof fetch = async () => {
      throw new TypeError('fetch failed', { cause: Object.assign(new Error('other side closed'), { code }) });
    };
    const error = await failure(createAltcraftClient({ baseUrl: 'https://api.example.invalid/api/v1.1', token: TOKEN, fetch: failing }).importAndStartBatch(request));
    expect(error).toMatchObject({ mayHaveReachedServer: true });
  });

  it('a TLS handshake that fails (plain HTTP server behind https://) was not sent', async () => {
    const api = await serve((_req, res) => answer(res, 200, {}));
    const error = await failure(createAltcraftClient({ baseUrl: api.baseUrl.replace('http:', 'https:'), token: TOKEN }).importAndStartBatch(request));
    expect(error).toBeInstanceOf(AltcraftNetworkError);
    expect(error).toMatchObject({ mayHaveReachedServer: false });
    expect(api.requests).toHaveLength(0);
  });

  it('an untrusted certificate was not sent', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'altcraft-tls-'));
    try {
      execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=localhost', '-days', '1', '-keyout', join(dir, 'k.pem'), '-out', join(dir, 'c.pem')], { stdio: 'ignore' });
      let requests = 0;
      const server = createHttpsServer({ key: readFileSync(join(dir, 'k.pem')), cert: readFileSync(join(dir, 'c.pem')) }, (_req, res) => {
        requests++;
        res.end('{}');
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      try {
        const { port } = server.address() as AddressInfo;
        const error = await failure(createAltcraftClient({ baseUrl: `https://127.0.0.1:${port}/api/v1.1`, token: TOKEN }).importAndStartBatch(request));
        expect(error).toBeInstanceOf(AltcraftNetworkError);
        expect(error).toMatchObject({ mayHaveReachedServer: false });
        expect(requests).toBe(0);
      } finally {
        server.closeAllConnections();
        await new Promise((resolve) => server.close(resolve));
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);
});
