import { spawn } from 'node:child_process';
import { validateHeaderValue } from 'node:http';
import { fileURLToPath } from 'node:url';
import { responseXml } from '@altcraft-api/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningMock } from '../src/http.js';
import { startMock } from '../src/server.js';
import { asciiJson, warningHeaders } from '../src/warnings.js';
import { within } from './support/deadline.js';
import { send } from './support/http.js';
import { randomTexts } from './support/random-text.js';

const PATH = '/api/v1.1/workflows/import_and_start_batch';
const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

const body = (emails: string[], extra: object = {}) => JSON.stringify({ token: 't', workflow_id: 12, ...extra, data: emails.map((email) => ({ data: { email } })) });
const warningsOf = (headers: Record<string, unknown>) => JSON.parse(String(headers['x-altcraft-mock-warnings'])) as { pointer: string; message: string }[];

describe('warnings (the advice tier), by default', () => {
  const logged: string[] = [];
  let mock: RunningMock;
  beforeAll(async () => {
    mock = await startMock({ port: 0, strict: false, log: (line) => logged.push(line) });
    await mock.prismReady;
  });
  afterAll(() => mock.close());
  const post = (text: string, contentType = 'application/json') => send(mock.url + PATH, { headers: { 'Content-Type': contentType }, body: text });

  it('accept the body (200, no error_debug), list the warnings in the headers, and log them', async () => {
    const answer = await post(body(['a@example.com', 'not-an-email']));
    expect(answer.status).toBe(200);
    const envelope = JSON.parse(answer.body);
    expect(envelope).toMatchObject({ error: 0, error_text: 'Successful operation' });
    expect(envelope).not.toHaveProperty('error_debug');
    expect(envelope.result).toHaveLength(2);
    expect(warningsOf(answer.headers)).toEqual([{ pointer: '/data/1/data/email', message: expect.any(String) }]);
    expect(answer.headers['x-altcraft-mock-warning-count']).toBe('1');
    expect(logged.at(-1)).toMatch(/valid, 1 warning\(s\): \/data\/1\/data\/email: /);
  });

  it('say nothing about a body without warnings', async () => {
    const answer = await post(body(['a@example.com']));
    expect(answer.status).toBe(200);
    expect(answer.headers['x-altcraft-mock-warnings']).toBeUndefined();
    expect(answer.headers['x-altcraft-mock-warning-count']).toBeUndefined();
  });

  it('come with an XML answer too', async () => {
    const answer = await post('<xml><token>t</token><workflow_id>12</workflow_id><data><email>nope</email></data></xml>', 'application/xml');
    expect(answer.status).toBe(200);
    expect(responseXml('importAndStartBatch', 200).decode(answer.body)).toMatchObject({ error: 0 });
    expect(warningsOf(answer.headers).map((w) => w.pointer)).toEqual(['/data/0/data/email']);
  });

  it('list the first 10 and count them all, past the validator cap', async () => {
    const answer = await post(body(Array.from({ length: 150 }, (_, i) => `bad-${i}`)));
    expect(answer.status).toBe(200);
    expect(warningsOf(answer.headers).map((w) => w.pointer)).toEqual(Array.from({ length: 10 }, (_, i) => `/data/${i}/data/email`));
    expect(answer.headers['x-altcraft-mock-warning-count']).toBe('150');
    expect(logged.at(-1)).toContain('and 140 more');
  });

  it('include more than 10,000 profiles in one request (a recommendation, not a limit)', async () => {
    const answer = await post(body(Array.from({ length: 10_001 }, (_, i) => `p${i}@example.com`)));
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body).result).toHaveLength(10_001);
    expect(warningsOf(answer.headers).map((w) => w.pointer)).toContain('/data');
  }, 60_000);

  it('go along with a Prefer example', async () => {
    const answer = await send(mock.url + PATH, { headers: { 'Content-Type': 'application/json', Prefer: 'code=200' }, body: body(['nope']) });
    expect(answer.status).toBe(200);
    expect(answer.headers['x-altcraft-mock-warning-count']).toBe('1');
  });
});

describe('the warning headers', () => {
  it('are ASCII JSON (other characters as \\u escapes), with every text clipped', () => {
    const headers = warningHeaders([{ pointer: '/data/0/data/имя', message: `x\u007f${'é'.repeat(1_000_000)}` }], 1);
    const text = headers['X-Altcraft-Mock-Warnings']!;
    expect(text).toMatch(/^[\x20-\x7e]+$/);
    expect(text.length).toBeLessThan(2_000);
    const [warning] = JSON.parse(text);
    expect(warning.pointer).toBe('/data/0/data/имя');
    expect(warning.message).toBe(`x\u007f${'é'.repeat(198)}...`);
    expect(headers['X-Altcraft-Mock-Warning-Count']).toBe('1');
  });
});

describe('strict mode', () => {
  it('startMock({ strict: true }) refuses a body with warnings as violations are refused', async () => {
    const mock = await startMock({ port: 0, strict: true, log: () => undefined });
    try {
      const answer = await send(mock.url + PATH, { headers: { 'Content-Type': 'application/json' }, body: body(['a@example.com', 'not-an-email']) });
      expect(answer.status).toBe(400);
      expect(JSON.parse(answer.body)).toMatchObject({ error: 400, error_text: 'Invalid request', error_debug: expect.stringMatching(/^\/data\/1\/data\/email: /) });
      expect(answer.headers['x-altcraft-mock-warnings']).toBeUndefined();
    } finally {
      await mock.close();
    }
  });

  /** Runs the CLI with `args` and `env`, sends one body with a warning, and returns the status. */
  async function statusFromCli(args: string[], env: Record<string, string>): Promise<number> {
    const child = spawn(process.execPath, [cli, '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'ignore'], env: { ...process.env, ...env } });
    try {
      const port = await within(
        120_000,
        'the CLI starting',
        new Promise<string>((resolve, reject) => {
          let out = '';
          child.stdout!.on('data', (chunk) => {
            out += chunk;
            const match = /http:\/\/127\.0\.0\.1:(\d+)/.exec(out);
            if (match) resolve(match[1]!);
          });
          child.once('exit', (code) => reject(new Error(`the CLI exited with ${code}`)));
        }),
      );
      const answer = await send(`http://127.0.0.1:${port}${PATH}`, { headers: { 'Content-Type': 'application/json' }, body: body(['not-an-email']) });
      return answer.status;
    } finally {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
  }

  it('the CLI accepts by default, and refuses with --strict or MOCK_STRICT=1', async () => {
    expect(await statusFromCli([], { MOCK_STRICT: '' })).toBe(200);
    expect(await statusFromCli(['--strict'], { MOCK_STRICT: '' })).toBe(400);
    expect(await statusFromCli([], { MOCK_STRICT: '1' })).toBe(400);
  }, 420_000);
});

describe('the ASCII JSON of header values', () => {
  const randomText = randomTexts(0x9e3779b9);

  it('is printable ASCII that Node sends as a header, and JSON.parse reads back exactly what was encoded', () => {
    for (let i = 0; i < 2000; i++) {
      const value = { pointer: randomText(), list: [randomText(), randomText()], message: randomText() };
      const encoded = asciiJson(value);
      expect(encoded).toMatch(/^[\x20-\x7e]*$/);
      expect(() => validateHeaderValue('x-test', encoded)).not.toThrow();
      expect(JSON.parse(encoded)).toEqual(value);
      expect(JSON.parse(encoded).pointer === value.pointer).toBe(true);
    }
  });
});
