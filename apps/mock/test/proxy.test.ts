import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, request as httpRequest, type Server, type ServerResponse } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_BODY_BYTES, requestXml, responseXml, validateRequest, validateResponse } from '@altcraft-api/contract';
import { refusedBaseUrl } from '../src/faults.js';
import { notJson, startProxy } from '../src/proxy.js';
import type { RunningMock } from '../src/http.js';
import { send } from './support/http.js';
import { randomTexts } from './support/random-text.js';
import { within } from './support/deadline.js';

const PATH = '/api/v1.1/workflows/import_and_start_batch';
const OK_JSON = JSON.stringify({ error: 0, error_text: 'Successful operation', result: [{ profile_id: '6613c4754a5d12bd6cc0915f' }] });
const OK_XML = '<xml><error>0</error><error_text>Successful operation</error_text><result><profile_id>6613c4754a5d12bd6cc0915f</profile_id></result></xml>';
// A valid answer whose <error_text> carries attributes up to 10 MiB: slow to read by construction.
const SLOW_XML_ANSWER = OK_XML.replace('<error_text>', `<error_text${Array.from({ length: 900_000 }, (_, i) => ` a${i}="v"`).join('')}>`);

const STATUS_JSON = JSON.stringify({ error: 0, error_text: 'Successful operation', data: { status: 'in_progress', progress: 40 } });
const STATUS_XML = '<xml><error>0</error><error_text>Successful operation</error_text><data><status>in_progress</status><progress>40</progress></data></xml>';

// An answer with fields the contract does not know, named in Cyrillic and Latin-1.
const NON_ASCII_ANSWER = '{"error":0,"error_text":"Successful operation","result":[{"profile_id":"6613c4754a5d12bd6cc0915f","café":2}],"поле":1}';

let upstream: Server;
// A second origin an upstream redirect points at: it must never be reached through the proxy.
let elsewhere: Server;
let elsewhereUrl: string;
const elsewhereGot: string[] = [];
const received: string[] = [];
const reports: string[] = [];
let proxy: RunningMock;

beforeAll(async () => {
  // A stand-in for the platform: answers in the request's encoding, or breaks the contract on demand.
  upstream = createServer(async (req, res) => {
    let body = '';
    for await (const chunk of req) body += chunk;
    received.push(body);
    const redirect = /redirect-(30[12378])/.exec(body);
    if (redirect) {
      res.writeHead(Number(redirect[1]), { Location: `${elsewhereUrl}/api/v1.1/workflows/import_and_start_batch` }).end();
      return;
    }
    const xml = String(req.headers['content-type']).includes('xml');
    if (req.url?.endsWith('/tasks/status')) {
      res.writeHead(200, { 'Content-Type': xml ? 'application/xml' : 'application/json' });
      return void res.end(xml ? STATUS_XML : STATUS_JSON);
    }
    const broken = body.includes('broken-answer');
    res.writeHead(200, { 'Content-Type': xml ? 'application/xml' : 'application/json' });
    if (body.includes('non-ascii-answer')) return void res.end(NON_ASCII_ANSWER);
    if (body.includes('slow-answer')) return void res.end(SLOW_XML_ANSWER);
    res.end(broken ? (xml ? '<xml><error>0</error><error_text>ok</error_text></xml>' : '{"error":0,"error_text":"ok"}') : xml ? OK_XML : OK_JSON);
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  elsewhere = createServer(async (req, res) => {
    let body = '';
    for await (const chunk of req) body += chunk;
    elsewhereGot.push(`${req.method} ${req.headers.authorization ?? ''} ${body}`);
    res.writeHead(200, { 'Content-Type': 'application/json' }).end(OK_JSON);
  });
  await new Promise<void>((resolve) => elsewhere.listen(0, '127.0.0.1', resolve));
  elsewhereUrl = `http://127.0.0.1:${(elsewhere.address() as AddressInfo).port}`;
  const { port } = upstream.address() as AddressInfo;
  proxy = await startProxy({ port: 0, upstream: `http://127.0.0.1:${port}`, report: (line) => reports.push(line) });
  await proxy.prismReady;
});

afterAll(async () => {
  await proxy.close();
  await new Promise((resolve) => upstream.close(resolve));
  await new Promise((resolve) => elsewhere.close(resolve));
});

const violationsOf = (headers: Record<string, unknown>) => JSON.parse(String(headers['sl-violations'] ?? '[]')) as { location: string[]; message: string }[];
const post = (contentType: string, body: string) => send(proxy.url + PATH, { headers: { 'Content-Type': contentType, Authorization: 'Bearer t' }, body });

describe('proxy mode', () => {
  it('forwards a valid JSON request and its answer untouched, without violations', async () => {
    const body = JSON.stringify({ workflow_id: 12, data: [{ data: { email: 'a@example.com' } }] });
    const answer = await post('application/json', body);
    expect(answer.status).toBe(200);
    expect(answer.body).toBe(OK_JSON);
    expect(received.at(-1)).toBe(body);
    expect(violationsOf(answer.headers)).toEqual([]);
  });

  it('forwards a valid XML request without the violations Prism alone would report', async () => {
    const body = '<xml><workflow_id>12</workflow_id><data><email>a@example.com</email></data></xml>';
    const answer = await post('application/xml', body);
    expect(answer.status).toBe(200);
    expect(received.at(-1)).toBe(body);
    expect(answer.body).toBe(OK_XML);
    expect(violationsOf(answer.headers)).toEqual([]);
  });

  it('checks a task status request and its answer against the status operation, in JSON and XML (not the batch)', async () => {
    const url = proxy.url + '/api/v1.1/tasks/status';
    const json = await send(url, { headers: { 'Content-Type': 'application/json', Authorization: 'Bearer t' }, body: JSON.stringify({ task_id: '123' }) });
    expect([json.status, json.body]).toEqual([200, STATUS_JSON]);
    expect(violationsOf(json.headers)).toEqual([]);
    const xml = await send(url, { headers: { 'Content-Type': 'application/xml', Authorization: 'Bearer t' }, body: '<xml><task_id>123</task_id></xml>' });
    expect([xml.status, xml.body]).toEqual([200, STATUS_XML]);
    expect(violationsOf(xml.headers)).toEqual([]);
    const refused = await send(url, { headers: { 'Content-Type': 'application/json', Authorization: 'Bearer t' }, body: JSON.stringify({ task_id: 12 }) });
    expect(violationsOf(refused.headers).map((v) => v.location.join('.'))).toContain('request.body.task_id');
  });

  it('reports an invalid JSON request (Prism) and still forwards it', async () => {
    const reported = reports.length;
    const answer = await post('application/json', JSON.stringify({ workflow_id: 'twelve', data: [{ data: { email: 'a@example.com' } }] }));
    expect(answer.status).toBe(200);
    expect(violationsOf(answer.headers).some((v) => v.location.join('.').startsWith('request.body'))).toBe(true);
    expect(reports.length).toBe(reported + 1);
  });

  it('reports an invalid XML request at its pointer (the contract codec)', async () => {
    const answer = await post('application/xml', '<xml><workflow_id>twelve</workflow_id><data><email>a@example.com</email></data></xml>');
    expect(violationsOf(answer.headers)).toEqual([{ location: ['request', 'body', 'workflow_id'], severity: 'Error', code: 'contract', message: 'must be integer' }]);
    expect(reports.at(-1)).toContain('request.body.workflow_id: must be integer');
  });

  it('forwards a request sent with Expect: 100-continue (a hop-by-hop header, not passed on)', async () => {
    const body = JSON.stringify({ workflow_id: 12, data: [{ data: { email: 'a@example.com' } }] });
    const answer = await send(proxy.url + PATH, { headers: { 'Content-Type': 'application/json', Authorization: 'Bearer t', Expect: '100-continue' }, body });
    expect(answer.status).toBe(200);
    expect(answer.body).toBe(OK_JSON);
  });

  it('answers a body over 10 MiB as the platform does, without forwarding it', async () => {
    const before = received.length;
    const answer = await send(proxy.url + PATH, { headers: { 'Content-Type': 'application/json', Authorization: 'Bearer t' }, body: Buffer.alloc(10_485_761, 'x') });
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body)).toEqual({ error: 400, error_text: 'Invalid request', error_debug: 'http: request body too large' });
    expect(received.length).toBe(before);
    expect(reports.at(-1)).toContain('not forwarded');
  });

  it("lists the advice tier's warnings as Prism's Warning severity, and still forwards", async () => {
    const answer = await post('application/json', JSON.stringify({ workflow_id: 12, data: [{ data: { email: 'not-an-email' } }] }));
    expect(answer.status).toBe(200);
    expect(violationsOf(answer.headers)).toEqual([{ location: ['request', 'body', 'data', '0', 'data', 'email'], severity: 'Warning', code: 'advice', message: expect.any(String) }]);
  });

  it('reports an answer of the upstream that breaks the contract, in JSON and in XML', async () => {
    const json = await post('application/json', JSON.stringify({ workflow_id: 12, data: [{ data: { email: 'a@example.com', note: 'broken-answer' } }] }));
    expect(violationsOf(json.headers).some((v) => v.location[0] === 'response')).toBe(true);
    const xml = await post('application/xml', '<xml><workflow_id>12</workflow_id><data><note>broken-answer</note></data></xml>');
    expect(violationsOf(xml.headers)).toContainEqual({ location: ['response', 'body', 'result'], severity: 'Error', code: 'contract', message: 'is required' });
  });
});

describe('field names beyond ASCII (Cyrillic custom fields are ordinary on the platform)', () => {
  // Each must come back exactly from the header: JSON pointer escapes (~0, ~1) undone too.
  const NAMES = ['имя', 'café', 'a/b~c', 'quote" back\\slash', 'tab\there\u0001', '😀 astral', 'ключ/~1'];

  it('are listed in sl-violations as ASCII, each read back exactly; the exchange is answered once, never a 502', async () => {
    const before = received.length;
    const fields = Object.fromEntries(NAMES.map((name) => [name, 1]));
    const answer = await post('application/json', JSON.stringify({ workflow_id: 12, ...fields, data: [{ data: { email: 'a@example.com' } }] }));
    expect(answer.status, answer.body).toBe(200);
    expect(answer.body).toBe(OK_JSON);
    expect(received.length).toBe(before + 1);
    expect(String(answer.headers['sl-violations'])).toMatch(/^[\x20-\x7e]+$/);
    const locations = violationsOf(answer.headers).map((v) => v.location);
    for (const name of NAMES) expect(locations).toContainEqual(['request', 'body', name]);
    expect(reports.at(-1)).toContain('имя');
  });

  it('of any text come back exactly (random names, JSON.parse the oracle)', async () => {
    const randomText = randomTexts(20261207);
    for (let round = 0; round < 8; round++) {
      // Fewer than ten a request: the header lists the first ten.
      const names = [...new Set(Array.from({ length: 8 }, () => `x${randomText()}`))];
      const answer = await post('application/json', JSON.stringify({ workflow_id: 12, ...Object.fromEntries(names.map((name) => [name, 1])), data: [{ data: { email: 'a@example.com' } }] }));
      expect(answer.status, answer.body).toBe(200);
      const locations = violationsOf(answer.headers).map((v) => v.location);
      for (const name of names) expect(locations).toContainEqual(['request', 'body', name]);
    }
  });

  it('many, or of megabytes, make a header a client still reads: the first ten, clipped, and the count', async () => {
    const names = [`${'я'.repeat(1_000_000)}`, ...Array.from({ length: 49 }, (_, i) => `поле${i}`)];
    const answer = await post('application/json', JSON.stringify({ workflow_id: 12, ...Object.fromEntries(names.map((name) => [name, 1])), data: [{ data: { email: 'a@example.com' } }] }));
    expect(answer.status, answer.body).toBe(200);
    expect(String(answer.headers['sl-violations']).length).toBeLessThan(8192);
    expect(violationsOf(answer.headers)).toHaveLength(10);
    expect(answer.headers['x-altcraft-proxy-violation-count']).toBe('50');
  });

  it("in the upstream's answer are listed the same way, and the answer is passed on byte for byte", async () => {
    const answer = await post('application/json', JSON.stringify({ workflow_id: 12, data: [{ data: { email: 'a@example.com', note: 'non-ascii-answer' } }] }));
    expect(answer.status, answer.body).toBe(200);
    expect(answer.body).toBe(NON_ASCII_ANSWER);
    const locations = violationsOf(answer.headers).map((v) => v.location);
    expect(locations).toContainEqual(['response', 'body', 'поле']);
    expect(locations).toContainEqual(['response', 'body', 'result', '0', 'café']);
    // Fields the pages do not list are advice in an answer (spec/DECISIONS.md row 30): warnings, never errors.
    expect(violationsOf(answer.headers).filter((v) => v.location[0] === 'response')).toEqual([
      expect.objectContaining({ severity: 'Warning', code: 'advice' }),
      expect.objectContaining({ severity: 'Warning', code: 'advice' }),
    ]);
  });

  it('in an XML request are listed the same way', async () => {
    const answer = await post('application/xml', '<xml><workflow_id>12</workflow_id><имя>1</имя><data><email>a@example.com</email></data></xml>');
    expect(answer.status, answer.body).toBe(200);
    expect(violationsOf(answer.headers).map((v) => v.location)).toContainEqual(['request', 'body', 'имя']);
  });
});

describe('an upstream redirect', () => {
  it.each(['301', '302', '303', '307', '308'])('%s is never followed: the token stays with the upstream, the answer names the Location', async (status) => {
    const reported = reports.length;
    const answer = await send(proxy.url + PATH, {
      headers: { 'Content-Type': 'application/json', Authorization: 'Bearer secret-token-value' },
      body: JSON.stringify({ workflow_id: 12, data: [{ data: { email: 'a@example.com', note: `redirect-${status}` } }] }),
    });
    expect(elsewhereGot).toEqual([]);
    expect(answer.status).toBe(502);
    expect(answer.headers.location).toBeUndefined();
    const envelope = JSON.parse(answer.body);
    expect(envelope).toMatchObject({ error: 502, error_text: 'Bad gateway' });
    expect(envelope.error_debug).toContain(`answered ${status}`);
    expect(envelope.error_debug).toContain(`${elsewhereUrl}/api/v1.1/workflows/import_and_start_batch`);
    expect(answer.body).not.toContain('secret-token-value');
    expect(reports.length).toBe(reported + 1);
    expect(reports.at(-1)).toContain(`${elsewhereUrl}/api/v1.1`);
    expect(reports.at(-1)).not.toContain('secret-token-value');
  });
});

it('answers an upstream that cannot be reached with a 502 envelope, and logs why', async () => {
  const logged: string[] = [];
  const front = await startProxy({ port: 0, upstream: new URL(await refusedBaseUrl()).origin, report: (line) => logged.push(line) });
  try {
    const answer = await send(front.url + PATH, { headers: { 'Content-Type': 'application/json' }, body: '{}' });
    expect(answer.status).toBe(502);
    expect(JSON.parse(answer.body)).toEqual({ error: 502, error_text: 'Bad gateway', error_debug: 'the upstream could not be reached; see the proxy log' });
    expect(logged.at(-1)).toContain('ECONNREFUSED');
  } finally {
    await front.close();
  }
});

it('sends a request whose target names another origin (absolute form) to the upstream only', async () => {
  const before = received.length;
  const answer = await send(proxy.url, {
    target: `${elsewhereUrl}${PATH}`,
    headers: { 'Content-Type': 'application/json', Authorization: 'Bearer secret-token-value' },
    body: JSON.stringify({ workflow_id: 12, data: [{ data: { email: 'a@example.com' } }] }),
  });
  expect(answer.status).toBe(200);
  expect(received.length).toBe(before + 1);
  expect(elsewhereGot).toEqual([]);
});

const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

/** Runs the built CLI to its end; its whole output, both streams. */
function runCli(args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cli, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout!.on('data', (chunk) => (output += chunk));
    child.stderr!.on('data', (chunk) => (output += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.once('close', (code) => (clearTimeout(timer), resolve({ code, output })));
  });
}

describe('credentials in --upstream', () => {
  it.each([
    ['user and password', 'http://admin:Passw0rd@127.0.0.1:9/api/v1.1'],
    ['the password alone', 'https://:Passw0rd@example.invalid/'],
    ['an invalid port besides', 'http://admin:Passw0rd@127.0.0.1:99999/'],
    ['no scheme', 'admin:Passw0rd@127.0.0.1'],
    ['another scheme', 'ftp://admin:Passw0rd@127.0.0.1/'],
  ])('(%s) are refused at start with a usage error (exit 2) that never shows the password', async (_, url) => {
    const { code, output } = await runCli(['--proxy', '--upstream', url, '--port', '0']);
    expect(code, output).toBe(2);
    expect(output).toContain('usage: altcraft-mock');
    expect(output).not.toContain('Passw0rd');
    expect(output).not.toContain('admin');
  }, 90_000);

  it('are refused with a message that says how to pass them instead', async () => {
    const { output } = await runCli(['--proxy', '--upstream', 'http://admin:Passw0rd@127.0.0.1:9/', '--port', '0']);
    expect(output).toMatch(/credentials/);
    expect(output).toMatch(/Authorization/);
  }, 90_000);

  it('are refused by startProxy too, without the password in the error', async () => {
    const error = await startProxy({ port: 0, upstream: 'http://admin:Passw0rd@127.0.0.1:9/' }).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(error?.message).toMatch(/credentials/);
    expect(String(error?.stack)).not.toContain('Passw0rd');
  });

  it("in a redirect's Location are not repeated to the client or the log", async () => {
    const target = createServer((_, res) => res.writeHead(302, { Location: 'http://admin:Passw0rd@127.0.0.1:9/elsewhere?token=Secr3t&x=1#Fr4g' }).end());
    await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
    const logged: string[] = [];
    const front = await startProxy({ port: 0, upstream: `http://127.0.0.1:${(target.address() as AddressInfo).port}`, report: (line) => logged.push(line) });
    try {
      const answer = await send(front.url + PATH, { headers: { 'Content-Type': 'application/json' }, body: '{}' });
      expect(answer.status).toBe(502);
      expect(answer.body).toContain('127.0.0.1:9/elsewhere');
      expect(answer.body + logged.join('\n')).not.toContain('Passw0rd');
      // A token may ride in a query string (?token=), a fragment may hold anything.
      for (const hidden of ['Secr3t', 'token=', 'Fr4g']) expect(answer.body + logged.join('\n')).not.toContain(hidden);
    } finally {
      await front.close();
      await new Promise((resolve) => target.close(resolve));
    }
  });
});

describe('a large upstream answer', () => {
  const MiB = 1024 * 1024;
  const HEAD = '{"error":0,"error_text":"Successful operation","result":[{"profile_id":"6613c4754a5d12bd6cc0915f"}],"pad":"';
  const filler = Buffer.alloc(MiB, 'x');
  function* piecesOf(size: number): Generator<Buffer> {
    yield Buffer.from(HEAD);
    for (let left = size - HEAD.length - 2; left > 0; left -= MiB) yield filler.subarray(0, Math.min(left, MiB));
    yield Buffer.from('"}');
  }
  /** Streams an answer of exactly `size` bytes, generated as it is sent; resolves with its hash. */
  function streamAnswer(res: ServerResponse, size: number): Promise<string> {
    const hash = createHash('sha256');
    const pieces = piecesOf(size);
    res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': size });
    return new Promise((resolve, reject) => {
      const next = () => {
        for (let piece = pieces.next(); !piece.done; piece = pieces.next()) {
          hash.update(piece.value);
          if (!res.write(piece.value)) return void res.once('drain', next);
        }
        res.end();
        resolve(hash.digest('hex'));
      };
      res.once('close', () => res.writableFinished || reject(new Error('the proxy closed the connection mid-answer')));
      next();
    });
  }

  let big: Server;
  let bigUrl: string;
  const sentHashes: Promise<string>[] = [];
  beforeAll(async () => {
    big = createServer((req, res) => {
      req.resume();
      sentHashes.push(streamAnswer(res, Number(new URL(req.url!, 'http://x').searchParams.get('bytes'))));
    });
    await new Promise<void>((resolve) => big.listen(0, '127.0.0.1', resolve));
    bigUrl = `http://127.0.0.1:${(big.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((resolve) => big.close(resolve)));

  /** POSTs through `base` and hashes the answer as it arrives (nothing of it is kept). */
  function hashThrough(base: string, bytes: number): Promise<{ status: number; headers: Record<string, unknown>; hash: string; size: number }> {
    return new Promise((resolve, reject) => {
      const req = httpRequest(`${base}${PATH}?bytes=${bytes}`, { method: 'POST', headers: { 'Content-Type': 'application/json' } }, (res) => {
        const hash = createHash('sha256');
        let size = 0;
        res.on('data', (chunk: Buffer) => (hash.update(chunk), (size += chunk.length)));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, hash: hash.digest('hex'), size }));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(JSON.stringify({ workflow_id: 12, data: [{ data: { email: 'a@example.com' } }] }));
    });
  }

  it('is validated up to the cap, and beyond it passed through unvalidated, byte for byte, saying so in the log', async () => {
    const logged: string[] = [];
    const front = await startProxy({ port: 0, upstream: bigUrl, maxAnswerBytes: MiB, report: (line) => logged.push(line) });
    try {
      const within = await hashThrough(front.url, MiB);
      expect(within.size).toBe(MiB);
      expect(within.hash).toBe(await sentHashes.at(-1));
      expect(violationsOf(within.headers).map((v) => v.location)).toContainEqual(['response', 'body', 'pad']);
      const beyond = await hashThrough(front.url, MiB + 1);
      expect(beyond.status).toBe(200);
      expect(beyond.size).toBe(MiB + 1);
      expect(beyond.hash).toBe(await sentHashes.at(-1));
      expect(violationsOf(beyond.headers)).toEqual([]);
      expect(logged.at(-1)).toMatch(/over 1048576 bytes.*not validated/);
    } finally {
      await front.close();
    }
  });

  it('is no longer read from the upstream once the client has gone, and the proxy serves on', async () => {
    const logged: string[] = [];
    const front = await startProxy({ port: 0, upstream: bigUrl, maxAnswerBytes: MiB, report: (line) => logged.push(line) });
    try {
      const before = sentHashes.length;
      await new Promise<void>((resolve, reject) => {
        const req = httpRequest(`${front.url}${PATH}?bytes=${200 * MiB}`, { method: 'POST', headers: { 'Content-Type': 'application/json' } }, (res) => {
          let size = 0;
          res.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > 3 * MiB) req.destroy();
          });
          res.on('close', resolve);
        });
        req.on('error', () => undefined);
        req.end('{}');
        setTimeout(() => reject(new Error('the answer never arrived')), 60_000);
      });
      // The upstream's answer ends (its connection closed by the proxy) far short of 200 MiB.
      await expect(within(30_000, 'the upstream answer ending', sentHashes[before]!)).rejects.toThrow('mid-answer');
      const next = await hashThrough(front.url, 1000);
      expect(next.size).toBe(1000);
    } finally {
      await front.close();
    }
  }, 120_000);

  it('over the cap, to a client that stops reading, is cut after --request-timeout without progress, and the upstream with it', async () => {
    const front = await startProxy({ port: 0, upstream: bigUrl, maxAnswerBytes: MiB, maxConnections: 1, requestTimeoutMs: 1000, report: () => undefined });
    const client = connect(Number(new URL(front.url).port), '127.0.0.1');
    try {
      const before = sentHashes.length;
      let got = 0;
      let holding = true;
      client.on('data', (chunk: Buffer) => {
        got += chunk.length;
        if (holding && got > 200_000) client.pause();
      });
      client.on('error', () => undefined);
      const closed = new Promise((resolve) => client.once('close', resolve));
      client.write(`POST ${PATH}?bytes=${64 * MiB} HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}`);
      await within(10_000, 'the request upstream', (async () => {
        while (sentHashes.length === before) await new Promise((resolve) => setTimeout(resolve, 20));
      })());
      // The cut shows on the proxy's side: the upstream's answer ends early and the slot is free.
      await expect(within(20_000, 'the upstream answer ending', sentHashes[before]!)).rejects.toThrow('mid-answer');
      expect((await hashThrough(front.url, 1000)).size).toBe(1000);
      // The client, reading again, gets what the kernel held and then the end, not 64 MiB.
      holding = false;
      client.resume();
      await within(20_000, 'the stalled client cut', closed);
      expect(got).toBeLessThan(32 * MiB);
    } finally {
      client.destroy();
      await front.close();
    }
  }, 60_000);

  it('of 300 MB passes through the proxy (a process of its own) byte for byte, its memory growing by far less', async () => {
    const child = spawn(process.execPath, [cli, '--proxy', '--upstream', bigUrl, '--port', '0'], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    let stderr = '';
    child.stderr!.on('data', (chunk) => (stderr = (stderr + chunk).slice(-2000)));
    try {
      const base = await new Promise<string>((resolve, reject) => {
        child.on('message', (message: { listening?: string }) => message.listening && resolve(message.listening));
        child.once('exit', (code) => reject(new Error(`the proxy exited (${code}): ${stderr}`)));
      });
      const peak = () => Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))![1]) * 1024;
      // A first exchange warms the path up (its code, its buffers) before the baseline is taken.
      await hashThrough(base, 2 * MiB);
      const before = peak();
      const size = 300 * 1000 * 1000;
      const answer = await hashThrough(base, size);
      const growth = peak() - before;
      console.log(`proxy peak RSS grew by ${(growth / MiB).toFixed(1)} MiB for a ${size / MiB} MiB answer`);
      expect(answer.status).toBe(200);
      expect(answer.size).toBe(size);
      expect(answer.hash).toBe(await sentHashes.at(-1));
      expect(growth).toBeLessThan(128 * MiB);
      expect(stderr).toMatch(/not validated/);
    } finally {
      child.kill('SIGTERM');
    }
  }, 240_000);
});

describe('the upstream exchange', () => {
  /** An upstream that answers every request with `answer`, counting the requests open at once. */
  async function upstreamWith(answer: (res: ServerResponse) => void) {
    const state = { open: 0, peak: 0, outcomes: [] as Promise<'cut' | 'finished'>[] };
    const server = createServer((req, res) => {
      req.resume();
      state.peak = Math.max(state.peak, ++state.open);
      state.outcomes.push(new Promise((resolve) => res.once('close', () => (state.open--, resolve(res.writableFinished ? 'finished' : 'cut')))));
      answer(res);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const close = () => (server.closeAllConnections(), new Promise((resolve) => server.close(resolve)));
    return { state, url, close };
  }

  it('is abandoned when the client leaves: clients that hang up at once hold no upstream answer, beyond --max-connections or at all', async () => {
    // 30 MiB at 1 MiB per 20 ms: each answer, read to its end, would take the proxy 0.6 s and 30 MiB.
    const MiB = 1024 * 1024;
    const piece = Buffer.alloc(MiB, 'a');
    const up = await upstreamWith((res) => {
      res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': 30 * MiB });
      let sent = 0;
      const timer = setInterval(() => (res.write(piece), ++sent === 30 && (clearInterval(timer), res.end())), 20);
      res.once('close', () => clearInterval(timer));
    });
    const front = await startProxy({ port: 0, upstream: up.url, maxConnections: 4, report: () => undefined });
    try {
      const port = Number(new URL(front.url).port);
      for (let i = 0; i < 12; i++) {
        await new Promise<void>((resolve) => {
          const socket = connect(port, '127.0.0.1', () => {
            socket.end('GET /a HTTP/1.1\r\nHost: a\r\n\r\n');
            setTimeout(() => (socket.destroy(), resolve()), 30);
          });
          socket.on('error', () => undefined);
        });
      }
      // Each request either never reaches the upstream (its client gone first) or is cut there.
      const outcomes = await within(30_000, 'the upstream answers ending', Promise.all(up.state.outcomes));
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(up.state.outcomes.length).toBe(outcomes.length);
      console.log(`${outcomes.length} of 12 requests reached the upstream, peak ${up.state.peak} open`);
      expect(outcomes.length).toBeGreaterThan(0);
      expect(outcomes.filter((outcome) => outcome !== 'cut')).toEqual([]);
      expect(up.state.peak).toBeLessThanOrEqual(4);
    } finally {
      await front.close();
      await up.close();
    }
  }, 60_000);

  it('that sends no answer headers within --request-timeout is answered 504 in the envelope', async () => {
    const up = await upstreamWith(() => undefined);
    const logged: string[] = [];
    const front = await startProxy({ port: 0, upstream: up.url, requestTimeoutMs: 1000, report: (line) => logged.push(line) });
    try {
      const answer = await within(20_000, 'the proxy answering', send(front.url + PATH, { headers: { 'Content-Type': 'application/json' }, body: '{}' }));
      expect(answer.status).toBe(504);
      expect(JSON.parse(answer.body)).toEqual({ error: 504, error_text: 'Gateway timeout', error_debug: 'the upstream sent nothing for 1000 ms; see the proxy log' });
      expect(logged.at(-1)).toContain('sent nothing for 1000 ms');
      expect(await up.state.outcomes[0]).toBe('cut');
    } finally {
      await front.close();
      await up.close();
    }
  }, 60_000);

  it('that stops sending its answer for --request-timeout is cut, and the client told', async () => {
    const up = await upstreamWith((res) => void res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': 100 }).write('{"error":0,'));
    const front = await startProxy({ port: 0, upstream: up.url, requestTimeoutMs: 1000, report: () => undefined });
    try {
      const answer = await within(20_000, 'the proxy answering', send(front.url + PATH, { headers: { 'Content-Type': 'application/json' }, body: '{}' }));
      expect(answer.status).toBe(504);
      expect(await up.state.outcomes[0]).toBe('cut');
    } finally {
      await front.close();
      await up.close();
    }
  }, 60_000);
});

describe('an XML request body built to be slow to read', () => {
  /** A valid request whose one profile's <email> carries attributes up to 10 MiB. */
  function slowXml(): string {
    const head = '<xml><workflow_id>12</workflow_id><data><data><email';
    const tail = '>a@example.com</email></data></data></xml>';
    const parts = [head];
    let length = head.length + tail.length;
    for (let i = 0; length + 12 < MAX_BODY_BYTES; i++) {
      const attribute = ` a${i}="v"`;
      parts.push(attribute);
      length += attribute.length;
    }
    return parts.join('') + tail;
  }

  /** The longest the event loop went without a turn while `work` ran. */
  async function longestStall(work: () => Promise<unknown>): Promise<number> {
    let worst = 0;
    let last = performance.now();
    const tick = setInterval(() => {
      const now = performance.now();
      worst = Math.max(worst, now - last);
      last = now;
    }, 5);
    try {
      await work();
    } finally {
      clearInterval(tick);
    }
    return worst;
  }

  it("is decoded off the proxy's main thread: the proxy (this process) stalls far less than the decode takes", async () => {
    const body = slowXml();
    let decodeMs = Infinity;
    let stallMs = Infinity;
    for (let round = 0; round < 2; round++) {
      const started = performance.now();
      const expected = validateRequest(requestXml.decode(body));
      decodeMs = Math.min(decodeMs, performance.now() - started);
      let answer: Awaited<ReturnType<typeof post>> | undefined;
      stallMs = Math.min(stallMs, await longestStall(async () => (answer = await post('application/xml', body))));
      expect(answer!.status).toBe(200);
      // The worker's value checked as the main thread's decode of the same text is.
      expect(violationsOf(answer!.headers).map((v) => v.location.slice(2).join('/'))).toEqual([...expected.violations, ...expected.warnings].map((v) => v.pointer.slice(1)));
    }
    console.log(`slow 10 MiB XML: decode ${decodeMs.toFixed(0)} ms on the main thread; longest stall through the proxy ${stallMs.toFixed(0)} ms`);
    expect(stallMs).toBeLessThan(decodeMs / 2);
  }, 120_000);

  it("as the upstream's answer is decoded off the proxy's main thread too", async () => {
    const request = '<xml><workflow_id>12</workflow_id><data><email>slow-answer@example.com</email></data></xml>';
    let decodeMs = Infinity;
    let stallMs = Infinity;
    for (let round = 0; round < 2; round++) {
      const started = performance.now();
      const expected = validateResponse('importAndStartBatch', 200, responseXml('importAndStartBatch', 200).decode(SLOW_XML_ANSWER));
      decodeMs = Math.min(decodeMs, performance.now() - started);
      let answer: Awaited<ReturnType<typeof post>> | undefined;
      stallMs = Math.min(stallMs, await longestStall(async () => (answer = await post('application/xml', request))));
      expect(answer!.status).toBe(200);
      expect(answer!.body).toBe(SLOW_XML_ANSWER);
      expect(violationsOf(answer!.headers).map((v) => v.location.slice(2).join('/'))).toEqual(expected.violations.map((v) => v.pointer.slice(1)));
    }
    console.log(`slow 10 MiB XML answer: decode ${decodeMs.toFixed(0)} ms on the main thread; longest stall through the proxy ${stallMs.toFixed(0)} ms`);
    expect(stallMs).toBeLessThan(decodeMs / 2);
  }, 120_000);
});

describe('recording and the exchange (review1 #3)', () => {
  it('sends the client the same sl-violations header with --record as without', async () => {
    const up = createServer((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{"error":0,"error_text":"ok","result":[]}'));
    });
    await new Promise<void>((resolve) => up.listen(0, '127.0.0.1', resolve));
    const upstream = `http://127.0.0.1:${(up.address() as AddressInfo).port}`;
    const body = JSON.stringify({ workflow_id: 1, matching: 'email', data: [{ email: 'email@data.com', phone: 12 }] });
    const header = async (record?: { dir: string }) => {
      const front = await startProxy({ port: 0, upstream, report: () => undefined, ...(record ? { record } : {}) });
      try {
        const res = await fetch(`${front.url}/api/v1.1/workflows/import_and_start_batch`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
        await res.text();
        return res.headers.get('sl-violations');
      } finally {
        await front.close();
      }
    };
    try {
      const plain = await header();
      expect(plain).toContain('email');
      expect(await header({ dir: mkdtempSync(join(tmpdir(), 'rec-')) })).toBe(plain);
    } finally {
      await new Promise((resolve) => up.close(resolve));
    }
  }, 60_000);
});

describe('profile values in log lines and case files (review1 #7)', () => {
  it('says where a request is not JSON without quoting it, and scrubs the path of a body it did not read', async () => {
    const up = createServer((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(400, { 'content-type': 'application/json' }).end('{"error":400,"error_text":"Invalid request","error_debug":"phone 79123456789 is blocked"}'));
    });
    await new Promise<void>((resolve) => up.listen(0, '127.0.0.1', resolve));
    const dir = mkdtempSync(join(tmpdir(), 'rec-'));
    const logged: string[] = [];
    const front = await startProxy({ port: 0, upstream: `http://127.0.0.1:${(up.address() as AddressInfo).port}`, report: (line) => logged.push(line), record: { dir } });
    const post = (path: string, body: string) => fetch(front.url + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body }).then((res) => res.text());
    try {
      await post('/api/v1.1/workflows/import_and_start_batch', '{"workflow_id":1,"matching":"email","data":[{"email":"alice.smith@example.com","name":Alice Smith}]}');
      await post('/api/v1.1/workflows/import_and_start_batch', JSON.stringify({ workflow_id: 1, matching: 'email', data: [{ email: 'bob@example.org', phone: '+7 912 345-67-89' }] }));
      await post('/api/v1.1/workflows/alice.smith@example.com', 'x'.repeat(MAX_BODY_BYTES + 10)).catch(() => undefined);
    } finally {
      await front.close();
      await new Promise((resolve) => up.close(resolve));
    }
    const cases = readdirSync(dir).map((file) => readFileSync(join(dir, file), 'utf8'));
    expect(cases).toHaveLength(2);
    expect(logged.join('\n')).toMatch(/not JSON at byte \d+/);
    expect(logged.some((line) => line.includes('body over'))).toBe(true);
    for (const text of [...logged, cases[0]!]) expect(text).not.toMatch(/alice|smith/i);
    // The second request carried the phone: its case loses the upstream's normalised echo of it.
    expect(cases[1]).not.toContain('79123456789');
  }, 60_000);
});

describe('notJson', () => {
  it('names the byte JSON.parse stopped at, quoting nothing', () => {
    const long = '{"workflow_id":1,"matching":"email","data":[{"email":"alice.smith@example.com","name":Alice Smith}]}';
    const cases: [string, number][] = [
      ['{"a":A}', 5],
      [long, long.indexOf('Alice')],
      ['{"a":1,}', 7],
      ['{"ё":x}', Buffer.byteLength('{"ё":')],
    ];
    for (const [text, byte] of cases) {
      let message = '';
      try {
        JSON.parse(text);
      } catch (error) {
        message = notJson(text, error as Error);
      }
      expect(message).toBe(`not JSON at byte ${byte}`);
    }
  });
});

describe('recording and answer latency (review1 #14)', () => {
  /** The built CLI as a proxy of its own process; resolves with its URL once it listens. */
  function proxyProcess(args: string[]): Promise<{ url: string; stop: () => Promise<void> }> {
    const child = spawn(process.execPath, [cli, '--port', '0', '--host', '127.0.0.1', ...args], { stdio: ['ignore', 'ignore', 'ignore', 'ipc'] });
    const stop = () => new Promise<void>((resolve) => (child.exitCode !== null ? resolve() : (child.once('exit', () => resolve()), child.kill('SIGTERM'))));
    return new Promise((resolve, reject) => {
      child.on('message', (message: { listening?: string }) => message.listening && resolve({ url: message.listening, stop }));
      child.once('exit', (code) => reject(new Error(`the proxy exited with ${code}`)));
    });
  }

  it('answers a 10,000-profile batch with violations about as fast with --record as without', async () => {
    const up = createServer((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{"error":0,"error_text":"ok","result":[]}'));
    });
    await new Promise<void>((resolve) => up.listen(0, '127.0.0.1', resolve));
    const upstream = `http://127.0.0.1:${(up.address() as AddressInfo).port}`;
    const body = JSON.stringify({ workflow_id: 1, matching: 'email', data: Array.from({ length: 10_000 }, (_, i) => ({ email: `user${i}.name${i}@example${i % 97}.com`, surname: `Surname${i} Longname${i}`, unknown_field: i })) });
    const best = async (args: string[]) => {
      const front = await proxyProcess(['--proxy', '--upstream', upstream, ...args]);
      try {
        let min = Infinity;
        for (let round = 0; round < 6; round++) {
          const started = performance.now();
          const res = await fetch(`${front.url}/api/v1.1/workflows/import_and_start_batch`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
          await res.text();
          expect(res.headers.get('x-altcraft-proxy-violation-count')).not.toBeNull();
          if (round > 0) min = Math.min(min, performance.now() - started);
        }
        return min;
      } finally {
        await front.stop();
      }
    };
    try {
      const seen: string[] = [];
      for (let attempt = 0; attempt < 3; attempt++) {
        const plain = await best([]);
        const recording = await best(['--record', mkdtempSync(join(tmpdir(), 'rec-'))]);
        if (recording < plain * 2) return;
        seen.push(`${plain.toFixed(0)} ms without, ${recording.toFixed(0)} ms with`);
      }
      expect.fail(`--record delays the answer: ${seen.join('; ')}`);
    } finally {
      await new Promise((resolve) => up.close(resolve));
    }
  }, 120_000);
});
