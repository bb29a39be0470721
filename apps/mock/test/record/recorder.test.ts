import { execFile, spawn } from 'node:child_process';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedactor, MAX_ANSWER_BYTES } from '@altcraft-api/contract';
import { CASE_NAME } from '../../src/record/store.js';
import { startProxy } from '../../src/proxy.js';
import { buildReport, renderText } from '../../src/report/report.js';
import { BATCH_PATH, batch, post, recordingProxy, startContrarian, tempDir } from '../support/contrarian.js';
import { send } from '../support/http.js';
import { within } from '../support/deadline.js';

const TOKEN_BODY = 'BodyTok-7f3a9c2e5b1d4f60';
const TOKEN_HEADER = 'HeadTok-0c8e2a4f6b9d1e37';
const TOKEN_QUERY = 'QueryTok-5d7b9f1a3c5e7092';
const TOKENS = [TOKEN_BODY, TOKEN_HEADER, TOKEN_QUERY];
const EMAIL = 'zebediah.quux@example.org';
const PHONE = '+79991234567';
const NAME = 'Zebediah';
const CUSTOM = 'Quuxotic spring';
// The words of the values above that no placeholder, field name or message holds by chance.
const VALUE_WORDS = ['zebediah', 'quux', '79991234567', 'quuxotic'];

const request = {
  token: TOKEN_BODY,
  workflow_id: 1,
  matching: 'email',
  data: [{ data: { email: EMAIL, phone: PHONE, _fname: NAME, segment: CUSTOM } }],
};
const everything = [...TOKENS, EMAIL, PHONE, NAME, CUSTOM].join(' ');

/** An upstream that writes the tokens and the profile values back in every place it can. */
function hostileAnswer(how: string, res: import('node:http').ServerResponse): void {
  const headers = { 'X-Echo': everything.replace(/[^\x20-\x7e]/g, ''), 'X-Request-Id': `${TOKEN_HEADER}-${PHONE}`, 'Set-Cookie': `s=${TOKEN_BODY}`, [`X-${NAME}`]: '1' };
  const reason = `Bad ${TOKEN_QUERY} ${NAME}`;
  if (how === 'redirect') return void res.writeHead(302, reason, { ...headers, Location: `https://elsewhere.invalid/${TOKEN_BODY}/${encodeURIComponent(EMAIL)}?token=${TOKEN_QUERY}` }).end();
  if (how === 'html') return void res.writeHead(500, reason, { ...headers, 'Content-Type': 'text/html' }).end(`<h1>${everything}</h1><p>${encodeURIComponent(everything)}</p>`);
  if (how === 'xml') {
    const xml = `<xml><error>400</error><error_text>bad ${everything}</error_text><error_debug>${encodeURIComponent(everything)}</error_debug><!-- ${everything} --><echo token="${TOKEN_BODY}" who="${EMAIL}"><![CDATA[${everything}]]></echo><result><profile_id>${EMAIL}</profile_id><error_text>${NAME}</error_text></result></xml>`;
    return void res.writeHead(400, reason, { ...headers, 'Content-Type': 'application/xml' }).end(xml);
  }
  const body = {
    error: 400,
    error_text: `bad ${everything}`,
    error_debug: `${encodeURIComponent(everything)} ${JSON.stringify(everything)} ${everything.toUpperCase()}`,
    [TOKEN_BODY]: EMAIL,
    [EMAIL]: TOKEN_HEADER,
    [`${NAME}-${TOKEN_QUERY}`]: { phone: PHONE },
    result: [{ profile_id: EMAIL, error_text: `${NAME} ${CUSTOM}` }],
  };
  res.writeHead(how === 'ok' ? 200 : 400, reason, { ...headers, 'Content-Type': 'application/json' }).end(JSON.stringify(body));
}

let hostile: Server;
let upstream: string;

beforeAll(async () => {
  hostile = createServer(async (req, res) => {
    for await (const _ of req);
    hostileAnswer(new URL(req.url ?? '/', 'http://x').searchParams.get('echo') ?? 'json', res);
  });
  await new Promise<void>((resolve) => hostile.listen(0, '127.0.0.1', resolve));
  upstream = `http://127.0.0.1:${(hostile.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => hostile.close(() => resolve())));

/** Every exchange the hostile upstream can answer, JSON and XML, through a recording proxy. */
async function recordHostile(values: boolean) {
  const dir = tempDir('hostile');
  const { proxy, log } = await recordingProxy(upstream, dir, { values });
  try {
    for (const echo of ['json', 'ok', 'xml', 'redirect', 'html']) {
      for (const asXml of [false, true]) {
        await post(proxy.url, `${BATCH_PATH}?echo=${echo}&token=${TOKEN_QUERY}`, request, asXml, { Authorization: `Bearer ${TOKEN_HEADER}` });
      }
    }
    // A path no operation has, with the token in it and a way out of the directory.
    await send(proxy.url, { target: `/api/v1.1/../../../${TOKEN_BODY}/..%2f..%2fetc?echo=json&token=${TOKEN_QUERY}`, headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${TOKEN_HEADER}` }, body: JSON.stringify(request) });
  } finally {
    await proxy.close();
  }
  const files = readdirSync(dir);
  const texts = files.map((file) => readFileSync(join(dir, file), 'utf8'));
  const report = buildReport(dir);
  return { dir, files, texts, log, report: [renderText(report), JSON.stringify(report)] };
}

const tokenFree = (text: string) => TOKENS.every((token) => createRedactor(token)(text) === text);
const valueFree = (text: string) => VALUE_WORDS.every((word) => !text.toLowerCase().includes(word));

describe('recording against an upstream that echoes the token and profile values everywhere', () => {
  it('holds no token and no profile value in any case file, log line or report', async () => {
    const { files, texts, log, report } = await recordHostile(false);
    expect(files).toHaveLength(11);
    for (const file of files) expect(file).toMatch(CASE_NAME);
    for (const [i, text] of texts.entries()) {
      expect(tokenFree(text) ? "" : text, files[i]).toBe("");
      expect(valueFree(text), files[i]).toBe(true);
    }
    expect(log.length).toBeGreaterThan(0);
    for (const line of log) {
      expect(tokenFree(line), line).toBe(true);
      expect(valueFree(line), line).toBe(true);
    }
    for (const text of report) {
      expect(tokenFree(text)).toBe(true);
      expect(valueFree(text)).toBe(true);
    }
  });

  it('keeps the values with --record-values, and still no token', async () => {
    const { texts, log, report } = await recordHostile(true);
    for (const text of [...texts, ...log, ...report]) expect(tokenFree(text), text.slice(0, 200)).toBe(true);
    expect(texts.some((text) => text.includes(EMAIL) && text.includes(CUSTOM))).toBe(true);
  });

  it('keeps the shape of what it replaced: types, forms, array lengths, control fields', async () => {
    const { texts } = await recordHostile(false);
    const json = texts.map((text) => JSON.parse(text)).find((c) => c.request.format === 'json' && c.answer.status === 200);
    expect(JSON.parse(json.request.body)).toEqual({
      token: '[redacted]',
      workflow_id: 1,
      matching: 'email',
      data: [{ data: { email: 'xxxxxxxx.xxxx@xxxxxxx.xxx', phone: '+11111111111', _fname: 'Xxxxxxxx', segment: 'Xxxxxxxx xxxxxx' } }],
    });
    expect(json.query).toEqual({ echo: 'ok', token: '[redacted]' });
    expect(json.request.headerNames).toContain('authorization');
    expect(json.request.headers.authorization).toBeUndefined();
    expect(json.answer.headers['set-cookie']).toBeUndefined();
  });
});

describe('recording never breaks the exchange', () => {
  it('answers as without recording when the directory cannot be written, and says so in the log', async () => {
    // Under a regular file: no mode bit stops root, but no one can make a directory there.
    const parent = tempDir('unwritable');
    writeFileSync(join(parent, 'file'), '');
    const { proxy, log } = await recordingProxy(upstream, join(parent, 'file', 'cases'));
    try {
      const answer = await post(proxy.url, `${BATCH_PATH}?echo=ok`, request);
      expect(answer.status).toBe(200);
      expect(JSON.parse(answer.body).error).toBe(400);
    } finally {
      await proxy.close();
    }
    expect(log.some((line) => /could not be written \(ENOTDIR\); the exchange was not affected/.test(line))).toBe(true);
  });

  it('passes an answer over MAX_ANSWER_BYTES through whole and records its length, not its body', async () => {
    const huge = createServer(async (req, res) => {
      for await (const _ of req);
      res.writeHead(200, { 'Content-Type': 'application/json' });
      const chunk = Buffer.alloc(1 << 20, 0x20);
      let sent = 0;
      const more = () => {
        while (sent < MAX_ANSWER_BYTES + (2 << 20)) {
          sent += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', more);
        }
        res.end('{}');
      };
      more();
    });
    await new Promise<void>((resolve) => huge.listen(0, '127.0.0.1', resolve));
    const dir = tempDir('huge');
    const { proxy } = await recordingProxy(`http://127.0.0.1:${(huge.address() as AddressInfo).port}`, dir);
    try {
      const answer = await post(proxy.url, BATCH_PATH, request);
      expect(answer.body.length).toBe(MAX_ANSWER_BYTES + (2 << 20) + 2);
    } finally {
      await proxy.close();
      await new Promise<void>((resolve) => huge.close(() => resolve()));
    }
    const [recorded] = readdirSync(dir).map((file) => JSON.parse(readFileSync(join(dir, file), 'utf8')));
    expect(recorded.answer).toMatchObject({ complete: false, body: null, bytes: MAX_ANSWER_BYTES + (2 << 20) + 2 });
  });
});

describe('recording 10,000 exchanges', () => {
  it('stays within --record-max-files and --record-max-bytes all along', async () => {
    const contrarian = await startContrarian();
    const dir = tempDir('many');
    const { proxy, log } = await recordingProxy(contrarian.url, dir, { maxFiles: 25, maxBytes: 48_000 });
    let highest = { files: 0, bytes: 0 };
    const sample = () => {
      const names = readdirSync(dir).filter((name) => !name.startsWith('.'));
      const bytes = names.reduce((sum, name) => sum + (statSync(join(dir, name), { throwIfNoEntry: false })?.size ?? 0), 0);
      highest = { files: Math.max(highest.files, names.length), bytes: Math.max(highest.bytes, bytes) };
    };
    try {
      let next = 0;
      const worker = async () => {
        for (let i = next++; i < 10_000; i = next++) {
          const answer = await fetch(proxy.url + BATCH_PATH, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(batch(9, { data: [{ data: { email: `p${i}@example.com` } }] })) });
          expect(answer.status).toBe(200);
          await answer.arrayBuffer();
          if (i % 500 === 0) sample();
        }
      };
      await Promise.all(Array.from({ length: 8 }, worker));
    } finally {
      await proxy.close();
      await contrarian.close();
    }
    sample();
    expect(highest.files).toBeLessThanOrEqual(25);
    expect(highest.bytes).toBeLessThanOrEqual(48_000);
    expect(log.filter((line) => line.includes('dropped the oldest')).length).toBeGreaterThanOrEqual(1);
    expect(log.length).toBeLessThan(30);
  }, 180_000);
});

describe('recording leaves the exchange as it was', () => {
  it('gives the client the same status, headers and bytes with and without --record', async () => {
    const contrarian = await startContrarian();
    const plain = await startProxy({ upstream: contrarian.url, port: 0, report: () => undefined });
    const { proxy } = await recordingProxy(contrarian.url, tempDir('same'));
    try {
      for (const id of [1, 3, 4, 5, 7]) {
        for (const asXml of [false, true]) {
          const [a, b] = await Promise.all([post(plain.url, BATCH_PATH, batch(id), asXml), post(proxy.url, BATCH_PATH, batch(id), asXml)]);
          const headers = (h: Record<string, unknown>) => ({ ...h, date: undefined });
          expect({ status: b.status, headers: headers(b.headers), body: b.body }).toEqual({ status: a.status, headers: headers(a.headers), body: a.body });
        }
      }
    } finally {
      await Promise.all([plain.close(), proxy.close(), contrarian.close()]);
    }
  });

  it('altcraft-mock refuses --record without --proxy, with exit 2', async () => {
    const cli = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
    const run = promisify(execFile);
    await expect(run(process.execPath, [cli, '--port', '0', '--record', tempDir('cli')])).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('--record and its options apply to --proxy') });
  });
});

describe('the built proxy (dist/cli.js) records on its scrub thread', () => {
  it('writes a scrubbed case for an exchange, and one per exchange', async () => {
    const contrarian = await startContrarian();
    const dir = tempDir('built');
    const cli = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
    const child = spawn(process.execPath, [cli, '--proxy', '--upstream', contrarian.url, '--port', '0', '--record', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      let out = '';
      const url = await within(30_000, 'the built proxy starting', new Promise<string>((resolve) => child.stdout!.on('data', (chunk) => {
        out += chunk;
        const found = /ready: (http:\/\/\S+?)\/api\/v1\.1 /.exec(out);
        if (found) resolve(found[1]!);
      })));
      for (const asXml of [false, true]) expect((await post(url, BATCH_PATH, batch(9, { token: TOKEN_BODY }), asXml)).status).toBe(200);
      child.kill('SIGTERM');
      await within(30_000, 'the built proxy stopping', new Promise((resolve) => child.once('exit', resolve)));
    } finally {
      child.kill('SIGKILL');
      await contrarian.close();
    }
    const texts = readdirSync(dir).map((file) => readFileSync(join(dir, file), 'utf8'));
    expect(texts).toHaveLength(2);
    for (const text of texts) {
      expect(tokenFree(text)).toBe(true);
      expect(text).toContain('xxxxx@xxxxxxx.xxx');
    }
  }, 90_000);
});

describe('a case the scrub cannot take (review4 #1)', () => {
  it('is dropped with one line that quotes nothing of the body, and nothing escapes into the process', async () => {
    const { Recorder } = await import('../../src/record/recorder.js');
    const { exchangeOf } = await import('../support/exchange.js');
    const secret = 'Secret-profile-value-4f2a9c';
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => void unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const lines: string[] = [];
      const recorder = new Recorder({ dir: tempDir('unscrubbable') }, (line) => void lines.push(line));
      // A body whose every reading throws, as the 1M-attribute tag did in the scrub and again in the old error line.
      const bytes = Buffer.from(`{"token":"${TOKEN_BODY}","email":"${secret}"}`);
      bytes.toString = () => {
        throw new RangeError(`Maximum call stack size exceeded near ${secret} ${TOKEN_BODY}`);
      };
      recorder.record(exchangeOf({}, {}, { requestBytes: bytes }));
      await recorder.close();
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(unhandled).toEqual([]);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/could not be scrubbed \(RangeError\); its case is dropped/);
      expect(lines[0]).not.toContain(secret);
      expect(lines[0]).not.toContain(TOKEN_BODY);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});
