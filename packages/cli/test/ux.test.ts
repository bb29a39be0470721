// What a person (or a CI job) reads: usage errors, file errors, the counts, --json, --dry-run.
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { refusedBaseUrl, startFaultServer, startMock, type FaultServer, type RunningMock } from '@altcraft-api/mock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SEE_HELP } from '../src/args.js';
import { CLI, runCli } from './support/cli.js';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'altcraft-import-ux-'));
let counter = 0;
function file(name: string, content: string, where = dir): string {
  const path = join(where, `${counter++}-${name}`);
  writeFileSync(path, content);
  return path;
}
const ndjson = (count: number) => Array.from({ length: count }, (_, i) => JSON.stringify({ email: `p${i}@example.com` })).join('\n') + '\n';

let mock: RunningMock;
let server: FaultServer | undefined;
beforeAll(async () => {
  mock = await startMock({ port: 0 });
});
afterAll(() => mock.close());
afterEach(async () => {
  await server?.close();
  server = undefined;
});

interface JsonSummary {
  dry_run: boolean;
  exit: { status: number; reason: string; message?: string };
  lines: { total: number; imported: number; queued: number; failed: number; unknown: number; unreadable: number; to_send?: number };
  requests: number;
  retries: number;
  bytes: number;
  duration_ms: number;
  warnings: { lines: number; total: number };
  failure_reasons: { lines: number; reason: string; first_line: number }[];
  report: string | null;
  stopped: string | null;
}
/** stdout with --json: exactly one JSON object on one line, and nothing else. */
function parseJson(stdout: string): JsonSummary {
  expect(stdout.endsWith('\n')).toBe(true);
  expect(stdout.trimEnd().split('\n')).toHaveLength(1);
  return JSON.parse(stdout) as JsonSummary;
}

const URL_ = 'http://127.0.0.1:1/api/v1.1';

describe('usage errors: the error first, then one line pointing at --help', () => {
  it.each([
    ['a workflow that is not a number', ['--base-url', URL_, '--workflow', 'abc', 'x.ndjson'], `--workflow must be the scenario's id, a positive integer; got "abc"`],
    ['no --workflow', ['--base-url', URL_, 'x.ndjson'], '--workflow ID is required'],
    ['nothing at all', [], '--base-url URL and --workflow ID and INPUT (a file, or - for standard input) are required'.replace(' and --workflow', ', --workflow')],
    ['--matching custom without --field-name', ['--base-url', URL_, '--workflow', '12', '--matching', 'custom', 'x.ndjson'], '--matching custom needs --field-name NAME (the custom field to match on)'],
    ['a typo of --concurrency', ['--base-url', URL_, '--workflow', '12', '--concurency', '2', 'x.ndjson'], 'unknown option --concurency; did you mean --concurrency?'],
    ['an abbreviation', ['--base-url', URL_, '--workflow', '12', '--batch', '2', 'x.ndjson'], 'unknown option --batch; did you mean --batch-size?'],
    ['an option nothing is close to', ['--base-url', URL_, '--workflow', '12', '--frobnicate', 'x.ndjson'], 'unknown option --frobnicate'],
    ['a typo of a matching mode', ['--base-url', URL_, '--workflow', '12', '--matching', 'emial', 'x.ndjson'], expect.stringMatching(/^--matching must be one of email, .*, got "emial"; did you mean email\?$/)],
    ['a value that looks like an option', ['--base-url', URL_, '--workflow', '12', '--concurrency', '-1', 'x.ndjson'], '--concurrency must be an integer from 1 to 64, got "-1"'],
    ['a missing value', ['--base-url', URL_, '--workflow'], '--workflow needs a value (--workflow ID)'],
    ['--token', ['--base-url', URL_, '--workflow', '12', '--token', 'abc', 'x.ndjson'], expect.stringMatching(/^--token is not an option: the token is read from the environment variable ALTCRAFT_TOKEN, because the command line is visible to every user of the machine/)],
    ['--token=...', ['--token=secret-value-1234', 'x.ndjson'], expect.stringMatching(/^--token is not an option/)],
  ])('%s', async (_, args, first) => {
    const { code, stdout, stderr } = await runCli(args as string[]);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    const lines = stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]!.replace(/^altcraft-import: /, '')).toEqual(first);
    expect(lines[0]!.startsWith('altcraft-import: ')).toBe(true);
    expect(lines[1]).toBe(SEE_HELP);
    expect(stderr).not.toContain('secret-value-1234');
  });

  it('with --json, a usage error is also one JSON object on stdout', async () => {
    const { code, stdout } = await runCli(['--json', '--base-url', URL_, '--workflow', '12', '--concurency', '2', 'x.ndjson']);
    expect(code).toBe(1);
    expect(parseJson(stdout).exit).toEqual({ status: 1, reason: 'usage', message: 'unknown option --concurency; did you mean --concurrency?' });
  });
});

describe('files: the resolved path and the reason', () => {
  it('a missing input names the resolved path, what was typed, and ENOENT', async () => {
    const cwd = mkdtempSync(join(dir, 'cwd-'));
    const { code, stderr } = await runCli(['--base-url', URL_, '--workflow', '12', '../missing.ndjson'], { cwd });
    expect(code).toBe(1);
    expect(stderr).toBe(`altcraft-import: cannot read the input ${join(dir, 'missing.ndjson')} (given as ../missing.ndjson): no such file or directory (ENOENT)\n`);
  });

  it('a directory: EISDIR', async () => {
    const directory = join(dir, `folder-${counter++}.ndjson`);
    mkdirSync(directory);
    const { code, stderr } = await runCli(['--base-url', URL_, '--workflow', '12', directory]);
    expect(code).toBe(1);
    expect(stderr).toBe(`altcraft-import: cannot read the input ${directory}: is a directory (EISDIR)\n`);
  });

  it('a file the user may not read: EACCES', async () => {
    const secret = file('secret.ndjson', ndjson(1));
    chmodSync(secret, 0o000);
    const args = ['--base-url', URL_, '--workflow', '12', secret];
    // Root reads anything: as root (CI), the command runs without the capabilities that bypass
    // file permissions (setpriv, util-linux), still as root, so it can read its own files.
    const asRoot = process.getuid?.() === 0;
    const { code, stderr } = await runCli(args, asRoot ? { command: ['setpriv', ['--bounding-set=-dac_override,-dac_read_search', process.execPath, CLI, ...args]] } : {});
    expect(code, stderr).toBe(1);
    expect(stderr).toBe(`altcraft-import: cannot read the input ${secret}: permission denied (EACCES)\n`);
  });

  it('a report that cannot be created names its resolved path and the reason', async () => {
    const baseUrl = (server = await startFaultServer()).baseUrl;
    const cwd = mkdtempSync(join(dir, 'cwd-'));
    const { code, stderr } = await runCli(['--base-url', baseUrl, '--workflow', '12', '--report', 'no/such/dir/report.ndjson', file('p.ndjson', ndjson(1))], { cwd });
    expect(code).toBe(1);
    expect(stderr).toContain(`cannot write the report ${join(cwd, 'no/such/dir/report.ndjson')} (given as no/such/dir/report.ndjson): no such file or directory (ENOENT)`);
    expect(server.received).toHaveLength(0);
  });

  it('`pnpm altcraft-import` from another directory takes paths from that directory (INIT_CWD), input and report', async () => {
    const cwd = mkdtempSync(join(dir, 'caller-'));
    writeFileSync(join(cwd, 'people.ndjson'), ndjson(3));
    const { code, stderr, stdout } = await runCli([], {
      cwd,
      command: ['pnpm', ['--silent', '--dir', REPO, 'altcraft-import', '--json', '--base-url', mock.baseUrl, '--workflow', '12', '--report', 'report.ndjson', 'people.ndjson']],
    });
    expect(code, stderr).toBe(0);
    const summary = parseJson(stdout);
    expect(summary.lines).toMatchObject({ total: 3, imported: 3 });
    expect(summary.report).toBe(join(cwd, 'report.ndjson'));
  }, 60_000);

  it('a script that passes paths of its own keeps its working directory', async () => {
    const root = mkdtempSync(join(dir, 'package-'));
    writeFileSync(join(root, 'people.ndjson'), ndjson(2));
    writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'own', private: true, scripts: { people: `node ${relative(root, CLI)} --base-url ${mock.baseUrl} --workflow 12 people.ndjson` } }));
    const caller = mkdtempSync(join(dir, 'elsewhere-'));
    const { code, stderr, stdout } = await runCli([], { cwd: caller, command: ['pnpm', ['--silent', '--dir', root, 'people', '--json']] });
    expect(code, stderr).toBe(0);
    expect(parseJson(stdout).lines.imported).toBe(2);
  }, 60_000);
});

/** A CSV of 4 data lines: 2 imported, 1 refused by the platform, 1 unreadable (a field too many). */
async function mixedCsv() {
  server = await startFaultServer((request) => ({
    answer: 'results',
    results: request.emails.map((email) => (email.startsWith('refused') ? { error: 400, error_text: 'Invalid subscription' } : { profile_id: '6613c4754a5d12bd6cc0915f' })),
  }));
  return { baseUrl: server.baseUrl, input: file('mixed.csv', 'email,_fname\na@example.com,Ann\nrefused@example.com,Rob\nc@example.com,Cy,extra\nd@example.com,Dee\n') };
}

describe('one set of counters', () => {
  it('the progress bar and the summary agree on a file with failed and unreadable lines (on a terminal), and --json says the same', async () => {
    const { baseUrl, input } = await mixedCsv();
    // `script` gives the command a pseudo-terminal, so that it draws its bar as a person sees it.
    const command = [CLI, '--json', '--base-url', baseUrl, '--workflow', '12', input].map((arg) => `'${arg}'`).join(' ');
    const { code, stdout } = await runCli([], { command: ['script', ['-qec', `${process.execPath} ${command} 2>&1`, '/dev/null']] });
    expect(code, stdout).toBe(2);
    // eslint-disable-next-line no-control-regex
    const text = stdout.replace(/\x1b\[K/g, '').replace(/\r\n/g, '\n');
    const bar = text.split('\r').at(-1)!.split('\n')[0]!;
    const summary = /altcraft-import: (4 lines: .*?);/.exec(text)?.[1];
    expect(bar).toMatch(/^\[#{24}\] 100% 4\/4 lines: 2 imported, 1 failed, 0 unknown, 1 unreadable; \d+ lines\/s$/);
    expect(summary).toBe('4 lines: 2 imported, 1 failed, 0 unknown, 1 unreadable');
    const json = JSON.parse(text.split('\n').find((line) => line.startsWith('{'))!) as JsonSummary;
    expect(json.lines).toEqual({ total: 4, imported: 2, queued: 0, failed: 1, unknown: 0, unreadable: 1 });
    expect(text).toContain('  1 line: refused by the platform: Invalid subscription (first: line 3)');
    expect(text).toContain('  1 line: unreadable: malformed CSV: 3 fields where the header has 2 (first: line 4)');
  }, 60_000);

  it('singular and plural: 1 line, 1 request, 0 retries; counts grouped as 1,000', async () => {
    const baseUrl = (server = await startFaultServer()).baseUrl;
    const one = await runCli(['--base-url', baseUrl, '--workflow', '12', file('p.ndjson', ndjson(1))]);
    expect(one.code, one.stderr).toBe(0);
    expect(one.stderr).toMatch(/^altcraft-import: 1 line: 1 imported, 0 failed, 0 unknown, 0 unreadable; 1 request, 0 retries, \d+ bytes sent, /m);
    const many = await runCli(['--base-url', baseUrl, '--workflow', '12', '--batch-size', '500', file('p.ndjson', ndjson(1_000))]);
    expect(many.code, many.stderr).toBe(0);
    expect(many.stderr).toMatch(/^altcraft-import: 1,000 lines: 1,000 imported, 0 failed, 0 unknown, 0 unreadable; 2 requests, 0 retries, \d+\.\d kB sent, /m);
  }, 60_000);
});

describe('--json', () => {
  it('prints the summary as one JSON object on stdout; progress and messages stay on stderr', async () => {
    const report = join(dir, 'report-json.ndjson');
    const { code, stdout, stderr } = await runCli(['--json', '--base-url', mock.baseUrl, '--workflow', '12', '--batch-size', '10', '--report', report, file('p.ndjson', ndjson(25))]);
    expect(code, stderr).toBe(0);
    const summary = parseJson(stdout);
    expect(summary).toMatchObject({
      dry_run: false,
      exit: { status: 0, reason: 'ok' },
      lines: { total: 25, imported: 25, queued: 0, failed: 0, unknown: 0, unreadable: 0 },
      requests: 3,
      retries: 0,
      warnings: { lines: 0, total: 0 },
      failure_reasons: [],
      report,
      stopped: null,
    });
    expect(summary.bytes).toBeGreaterThan(25 * 20);
    expect(summary.duration_ms).toBeGreaterThan(0);
    expect(stderr).toContain('25 lines: 25 imported');
  });

  it('counts retries, failures and their reasons, and the exit reason', async () => {
    server = await startFaultServer((request) =>
      request.number === 0
        ? { answer: 'status', status: 503, body: { error: 503, error_text: 'Unavailable' } }
        : { answer: 'results', results: request.emails.map((email) => (email === 'p1@example.com' ? { error: 400, error_text: 'Invalid subscription' } : { profile_id: '6613c4754a5d12bd6cc0915f' })) },
    );
    const { code, stdout, stderr } = await runCli(['--json', '--base-url', server.baseUrl, '--workflow', '12', file('p.ndjson', `${ndjson(3)}not json\n`)]);
    expect(code, stderr).toBe(2);
    const summary = parseJson(stdout);
    expect(summary.exit).toEqual({ status: 2, reason: 'incomplete' });
    expect(summary.lines).toEqual({ total: 4, imported: 2, queued: 0, failed: 1, unknown: 0, unreadable: 1 });
    expect(summary.requests).toBe(2);
    expect(summary.retries).toBe(1);
    expect(summary.failure_reasons).toEqual([
      { lines: 1, reason: 'refused by the platform: Invalid subscription', first_line: 2 },
      { lines: 1, reason: 'unreadable: not JSON', first_line: 4 },
    ]);
  }, 60_000);

  it('a refused connection: exit 1, reason fatal, the message says why', async () => {
    const { code, stdout } = await runCli(['--json', '--base-url', await refusedBaseUrl(), '--workflow', '12', file('p.ndjson', ndjson(3))]);
    expect(code).toBe(1);
    const summary = parseJson(stdout);
    expect(summary.exit).toMatchObject({ status: 1, reason: 'fatal', message: expect.stringMatching(/^nothing could be sent: .*ECONNREFUSED/) });
    expect(summary.stopped).toBe('unreachable');
  }, 60_000);
});

describe('failure reasons, grouped', () => {
  it('profiles the platform refuses by pointer are counted under one reason, /data/N', async () => {
    server = await startFaultServer((request) => {
      const bad = request.emails.flatMap((email, i) => (email.startsWith('bad') ? [i] : []));
      if (bad.length === 0) return { answer: 'ok' };
      return { answer: 'status', status: 400, body: { error: 400, error_text: 'Invalid request', error_debug: bad.map((i) => `/data/${i}/data/email: not an email`).join('; ') } };
    });
    const lines = Array.from({ length: 9 }, (_, i) => JSON.stringify({ email: i % 3 === 1 ? `bad${i}@example.com` : `p${i}@example.com` })).join('\n');
    const { code, stderr } = await runCli(['--base-url', server.baseUrl, '--workflow', '12', file('p.ndjson', `${lines}\n`)]);
    expect(code).toBe(2);
    expect(stderr).toContain("altcraft-import: failed or unknown lines by reason; each line's error would be in a report: run with --report FILE to keep them:\n");
    expect(stderr).toContain('altcraft-import:   3 lines: HTTP 400 /data/N/data/email: not an email (first: line 2)\n');
  }, 60_000);
});

describe('--dry-run', () => {
  let tripwire: Server;
  let requests = 0;
  let tripUrl = '';
  beforeAll(async () => {
    tripwire = createServer((request, response) => {
      requests++;
      response.statusCode = 500;
      response.end();
    });
    await new Promise<void>((resolve) => tripwire.listen(0, '127.0.0.1', resolve));
    tripUrl = `http://127.0.0.1:${(tripwire.address() as AddressInfo).port}/api/v1.1`;
  });
  afterAll(() => new Promise<void>((resolve) => tripwire.close(() => resolve())));

  it('reads, checks and plans, prints what would be sent, and sends nothing (no token needed)', async () => {
    const input = file('p.ndjson', `${ndjson(24)}${JSON.stringify({ email: 'not an email' })}\n${JSON.stringify({ email: 'x@example.com', _bdate: 5 })}\nnot json\n`);
    const report = join(dir, 'report-dry.ndjson');
    const { code, stdout, stderr } = await runCli(['--dry-run', '--json', '--base-url', tripUrl, '--workflow', '12', '--batch-size', '10', '--report', report, input], { env: { ALTCRAFT_TOKEN: undefined } });
    expect(requests).toBe(0);
    expect(code, stderr).toBe(2);
    const summary = parseJson(stdout);
    expect(summary).toMatchObject({
      dry_run: true,
      exit: { status: 2, reason: 'incomplete' },
      lines: { total: 27, imported: 0, failed: 1, unreadable: 1, to_send: 25 },
      requests: 3,
      warnings: { lines: 1, total: 1 },
      report: null,
    });
    expect(stderr).toMatch(/^altcraft-import: line 25: warning: \/email: /m);
    expect(stderr).toMatch(/^altcraft-import: dry run: 27 lines: 25 to send, 1 failed, 0 unknown, 1 unreadable; 3 requests of \d+\.\d kB would be sent \(the largest \d+ bytes\); nothing was sent$/m);
    expect(stderr).toContain(`dry run: the report ${report} is not written`);
    expect(stderr).toContain('failed or unknown lines by reason; a dry run writes no report:');
    expect(() => writeFileSync(report, '', { flag: 'wx' })).not.toThrow();
  });

  it('plans the same requests and bytes as the real run sends (JSON and XML)', async () => {
    for (const format of ['json', 'xml']) {
      server = await startFaultServer();
      const input = file('p.ndjson', ndjson(57));
      const args = ['--json', '--format', format, '--workflow', '12', '--batch-size', '20', input];
      const dry = parseJson((await runCli(['--dry-run', '--base-url', tripUrl, ...args])).stdout);
      const real = parseJson((await runCli(['--base-url', server.baseUrl, ...args])).stdout);
      expect(real.exit.status).toBe(0);
      expect({ requests: dry.requests, bytes: dry.bytes }).toEqual({ requests: real.requests, bytes: real.bytes });
      expect(server.received).toHaveLength(3);
      await server.close();
      server = undefined;
    }
    expect(requests).toBe(0);
  }, 60_000);
});
