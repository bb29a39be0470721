// Runs the built command as a process, against the mock and against a fault-injecting server.
import { mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { refusedBaseUrl, startFaultServer, startMock, type Action, type FaultServer, type Received, type RunningMock } from '@altcraft-api/mock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { TOKEN, runCli } from './support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'altcraft-import-'));

let counter = 0;
function file(name: string, content: string): string {
  const path = join(dir, `${counter++}-${name}`);
  writeFileSync(path, content);
  return path;
}
const ndjson = (count: number, extra: (i: number) => object = () => ({})) =>
  Array.from({ length: count }, (_, i) => JSON.stringify({ email: `p${i}@example.com`, _fname: `Name ${i}`, ...extra(i) })).join('\n') + '\n';
interface Entry {
  line: number;
  status: string;
  profile_id?: string;
  task_id?: string;
  error?: { kind: string; message: string; retryable?: boolean };
}
/** The outcome lines of a report (the "sending" and "task" records left out). */
const readReport = (path: string): Entry[] =>
  readFileSync(path, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Entry | { sending: [number, number] } | { task: string })
    .filter((entry): entry is Entry => 'line' in entry);

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

async function faultServer(scenario?: (request: Received) => Action) {
  server = await startFaultServer(scenario);
  return server.baseUrl;
}

describe('altcraft-import', () => {
  it('--help reads like a Unix tool', async () => {
    const { code, stdout } = await runCli(['--help']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^usage: altcraft-import --base-url URL --workflow ID \[options\] INPUT/);
    expect(stdout).toContain('ALTCRAFT_TOKEN');
    expect(stdout).toContain('Exit status:');
  });

  it('refuses to run without ALTCRAFT_TOKEN', async () => {
    const { code, stderr } = await runCli(['--base-url', mock.baseUrl, '--workflow', '12', file('p.ndjson', ndjson(1))], { env: { ALTCRAFT_TOKEN: undefined } });
    expect(code).toBe(1);
    expect(stderr).toContain('ALTCRAFT_TOKEN is not set');
  });

  it.each([
    [['--workflow', '12', 'x.ndjson'], '--base-url URL is required'],
    [['--base-url', 'http://127.0.0.1:1/api/v1.1', '--workflow', '12', '--matching', 'custom', 'x.ndjson'], 'needs --field-name'],
    [['--base-url', 'http://127.0.0.1:1/api/v1.1', '--workflow', 'twelve', 'x.ndjson'], '--workflow must be the scenario\'s id, a positive integer; got "twelve"'],
    [['--base-url', 'http://127.0.0.1:1/api/v1.1', '--workflow', '12', 'x.txt'], 'cannot tell the format'],
    [['--base-url', 'http://127.0.0.1:1/api/v1.1', '--workflow', '12', '--resume', 'x.ndjson'], '--resume needs --report'],
    // Checked before anything is read: the missing input is not what it complains about.
    [['--base-url', 'example.com/api/v1.1', '--workflow', '12', 'missing.ndjson'], '--base-url must be an http or https URL with its scheme, e.g. https://example.com/api/v1.1'],
    [['--base-url', 'ftp://example.com/api/v1.1', '--workflow', '12', 'missing.ndjson'], '--base-url must be an http or https URL'],
    [['--base-url', 'http://127.0.0.1:1/api/v1.1', '--workflow', '12', '--field-name', 'CRM_ID', 'x.ndjson'], '--field-name goes with --matching custom'],
  ])('exits 1 on a bad command line: %j', async (args, message) => {
    const { code, stderr } = await runCli(args);
    expect(code).toBe(1);
    expect(stderr).toContain(message);
  });

  it.each(['json', 'xml'])('imports an NDJSON file into the mock (%s), with a report line per input line', async (format) => {
    const report = join(dir, `report-${format}.ndjson`);
    const { code, stderr } = await runCli(['--base-url', mock.baseUrl, '--workflow', '12', '--format', format, '--batch-size', '10', '--report', report, file('p.ndjson', ndjson(30))]);
    expect(code, stderr).toBe(0);
    const lines = readReport(report);
    expect(lines).toHaveLength(30);
    expect(lines.map((l) => l.line).sort((a, b) => a - b)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    expect(lines.every((l) => l.status === 'imported' && /^[0-9a-f]{24}$/.test(l.profile_id!))).toBe(true);
    expect(stderr).toMatch(/30 lines: 30 imported, 0 failed, 0 unknown, 0 unreadable; 3 requests, 0 retries, \d+\.\d kB sent/);
  });

  it('parses CSV values sensibly, keeping text columns and leading zeros as text', async () => {
    const baseUrl = await faultServer();
    const csv = file('p.csv', 'email,CRM_ID,phones,score,vip,_fname,zip\np0@example.com,00066,+79000000001;+79000000002,4.5,TRUE,007,12345\np1@example.com,00076,+79000000003,,false,Ann,54321\n');
    const { code, stderr } = await runCli(['--base-url', baseUrl, '--workflow', '12', '--matching', 'custom', '--field-name', 'CRM_ID', '--string-columns', 'zip', csv]);
    expect(code, stderr).toBe(0);
    expect(server!.received[0]!.body).toMatchObject({ workflow_id: 12, matching: 'custom', field_name: 'CRM_ID', token: TOKEN });
    expect(server!.received[0]!.body.data.map((item) => item.data)).toEqual([
      { email: 'p0@example.com', CRM_ID: '00066', phones: ['+79000000001', '+79000000002'], score: 4.5, vip: true, _fname: '007', zip: '12345' },
      { email: 'p1@example.com', CRM_ID: '00076', phones: '+79000000003', vip: false, _fname: 'Ann', zip: '54321' },
    ]);
  });

  it('sends each NDJSON profile as JSON.stringify writes it, whether or not the line was written that way', async () => {
    const baseUrl = await faultServer();
    const lines = [
      '{"email":"a@example.com","n":1,"list":[1,"two",{"three":3}],"text":"quote \\" and \\\\ and \\n","ru":"Жанна"}',
      '{ "email" : "b@example.com", "n" : 2 }',
      '{"email":"c\\u0040example.com","slash":"a\\/b"}',
      '{"email":"d@example.com","n":1.0,"e":1e3,"z":-0}',
      '{"email":"e@example.com","x":1,"x":2}',
      '{"email":"f@example.com","b":1,"2":1}',
    ];
    const { code, stderr } = await runCli(['--base-url', baseUrl, '--workflow', '12', file('p.ndjson', `${lines.join('\n')}\n`)]);
    expect(code, stderr).toBe(0);
    const [request] = server!.received;
    const profiles = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    // As JSON.stringify writes them (-0 goes as 0).
    expect(request!.body.data.map((item) => item.data)).toEqual(JSON.parse(JSON.stringify(profiles)));
    // The same bytes as one JSON.stringify of the request: no line went out as it was written unless that is how JSON.stringify writes it.
    expect(request!.bytes).toBe(Buffer.byteLength(JSON.stringify({ workflow_id: 12, token: TOKEN, data: profiles.map((data) => ({ data })) })));
  });

  it('reports a malformed line with its number, imports the rest, and exits 2', async () => {
    const report = join(dir, 'report-malformed.ndjson');
    const input = file('p.ndjson', `${ndjson(3)}{"email": "broken@example.com",\n[1, 2]\n${ndjson(2)}`);
    const { code, stderr } = await runCli(['--base-url', mock.baseUrl, '--workflow', '12', '--report', report, input]);
    expect(code).toBe(2);
    expect(stderr).toContain('line 4: not JSON');
    expect(stderr).toContain('line 5: not a JSON object');
    const lines = readReport(report);
    expect(lines).toHaveLength(7);
    expect(lines.filter((l) => l.status === 'failed').map((l) => [l.line, l.error!.kind])).toEqual([
      [4, 'input'],
      [5, 'input'],
    ]);
  });

  it('reads CSV from standard input', async () => {
    const { code, stderr } = await runCli(['--base-url', mock.baseUrl, '--workflow', '12', '--input-format', 'csv', '-'], { stdin: 'email,_fname\na@example.com,Ann\nb@example.com,Bob\n' });
    expect(code, stderr).toBe(0);
    expect(stderr).toContain('2 lines: 2 imported');
  });

  it('exits 2 when the platform refuses some profiles, and reports why', async () => {
    const baseUrl = await faultServer(() => ({ answer: 'results', results: [{ profile_id: '6613c4754a5d12bd6cc0915f' }, { error: 400, error_text: 'Invalid subscription' }] }));
    const report = join(dir, 'report-refused-item.ndjson');
    const { code } = await runCli(['--base-url', baseUrl, '--workflow', '12', '--report', report, file('p.ndjson', ndjson(2))]);
    expect(code).toBe(2);
    expect(readReport(report).find((l) => l.line === 2)).toMatchObject({ status: 'failed', error: { kind: 'item', message: 'Invalid subscription' } });
  });

  it('prints the failure reasons on the terminal, grouped, with counts and the first line', async () => {
    const baseUrl = await faultServer((request) => ({ answer: 'results', results: request.emails.map((_, i) => (i % 2 ? { error: 400, error_text: 'Invalid subscription' } : { profile_id: '6613c4754a5d12bd6cc0915f' })) }));
    const input = file('p.ndjson', `${ndjson(6)}not json\n`);
    const { code, stderr } = await runCli(['--base-url', baseUrl, '--workflow', '12', input]);
    expect(code).toBe(2);
    expect(stderr).toContain("failed or unknown lines by reason; each line's error would be in a report: run with --report FILE to keep them:\n");
    expect(stderr).toContain('  3 lines: refused by the platform: Invalid subscription (first: line 2)\n');
    expect(stderr).toContain('  1 line: unreadable: not JSON (first: line 7)\n');
  });

  it('exits 1 when the token is refused', async () => {
    const baseUrl = await faultServer(() => ({ answer: 'status', status: 401, body: { error: 401, error_text: 'Unauthorized' } }));
    const { code, stderr } = await runCli(['--base-url', baseUrl, '--workflow', '12', file('p.ndjson', ndjson(5))]);
    expect(code).toBe(1);
    expect(stderr).toContain('refused');
    expect(stderr).not.toContain(TOKEN);
  });

  it('queues batches as tasks with --task --no-wait', async () => {
    const report = join(dir, 'report-task.ndjson');
    const { code } = await runCli(['--base-url', mock.baseUrl, '--workflow', '12', '--task', '--no-wait', '--batch-size', '5', '--report', report, file('p.ndjson', ndjson(10))]);
    expect(code).toBe(0);
    const lines = readReport(report);
    expect(lines.every((l) => l.status === 'queued' && /^[0-9a-f]{24}$/.test(l.task_id!))).toBe(true);
    expect(new Set(lines.map((l) => l.task_id)).size).toBe(2);
  });

  it('--task follows each task on the mock to its end: every line imported, with its task id', async () => {
    const report = join(dir, 'report-task-wait.ndjson');
    const { code, stderr } = await runCli(['--base-url', mock.baseUrl, '--workflow', '12', '--task', '--poll-interval', '100', '--batch-size', '5', '--report', report, file('p.ndjson', ndjson(10))]);
    expect(code, stderr).toBe(0);
    const lines = readReport(report);
    expect(lines).toHaveLength(10);
    expect(lines.every((l) => l.status === 'imported' && /^[0-9a-f]{24}$/.test(l.task_id!))).toBe(true);
    expect(stderr).toMatch(/10 lines: 10 imported, 0 failed/);
  });

  it('an interrupted run (SIGINT) resumes from its report without resending settled profiles', async () => {
    const baseUrl = await faultServer(() => ({ answer: 'delay', ms: 100, then: { answer: 'ok' } }));
    const report = join(dir, 'report-resume.ndjson');
    const input = file('p.ndjson', ndjson(100));
    const args = ['--base-url', baseUrl, '--workflow', '12', '--batch-size', '10', '--concurrency', '1', '--report', report, input];
    const reportLines = () => {
      try {
        return readFileSync(report, 'utf8').split('\n').length - 1;
      } catch {
        return 0;
      }
    };
    const interrupted = await runCli(args, { interruptWhen: () => reportLines() >= 20 });
    expect(interrupted.code, interrupted.stderr).toBe(130);
    expect(interrupted.stderr).toContain('run again with --resume');
    const settledBefore = readReport(report).length;
    expect(settledBefore).toBeGreaterThanOrEqual(20);
    expect(settledBefore).toBeLessThan(100);

    const resumed = await runCli([...args, '--resume']);
    expect(resumed.code, resumed.stderr).toBe(0);
    const lines = readReport(report);
    expect(lines).toHaveLength(100);
    expect(new Set(lines.map((l) => l.line)).size).toBe(100);
    expect(lines.every((l) => l.status === 'imported')).toBe(true);
    const acknowledged = server!.acknowledged();
    expect(acknowledged).toHaveLength(100);
    expect(new Set(acknowledged).size).toBe(100);
    // Two runs of the command, each a process that starts its reading thread and compiles the
    // validators: about 3 s idle, over 30 s with two suites on two cores (Node 22).
  }, 120_000);

  describe('a report that is the input', () => {
    const args = (baseUrl: string, report: string, input: string) => ['--base-url', baseUrl, '--workflow', '12', '--report', report, input];
    it.each([
      ['the same path', (input: string) => input],
      ['another spelling of the path', (input: string) => join(dir, '.', '..', dir.split('/').at(-1)!, input.split('/').at(-1)!)],
      ['a symlink to it', (input: string) => {
        const link = join(dir, `link-${counter++}.ndjson`);
        symlinkSync(input, link);
        return link;
      }],
    ])('is refused before anything is written: %s', async (_, reportOf) => {
      const baseUrl = await faultServer();
      const content = ndjson(5);
      const input = file('p.ndjson', content);
      const { code, stderr } = await runCli(args(baseUrl, reportOf(input), input));
      expect(code).toBe(1);
      expect(stderr).toContain('is the input');
      expect(readFileSync(input, 'utf8')).toBe(content);
      expect(server!.received).toHaveLength(0);
    });

    it('is refused when standard input is redirected from the report file', async () => {
      const baseUrl = await faultServer();
      const content = ndjson(5);
      const input = file('p.ndjson', content);
      const { code, stderr } = await runCli(args(baseUrl, input, '-'), { stdinFile: input });
      expect(code).toBe(1);
      expect(stderr).toContain('is the input (standard input) itself');
      expect(readFileSync(input, 'utf8')).toBe(content);
    });

    it('also with --resume (the resume rewrites the report)', async () => {
      const baseUrl = await faultServer();
      const content = ndjson(5);
      const input = file('p.ndjson', content);
      const { code } = await runCli([...args(baseUrl, input, input), '--resume']);
      expect(code).toBe(1);
      expect(readFileSync(input, 'utf8')).toBe(content);
    });
  });

  it('stops with exit 1 and the reason on the terminal when nothing can be sent (refused connection)', async () => {
    const baseUrl = await refusedBaseUrl();
    const report = join(dir, 'report-refused-connection.ndjson');
    const { code, stderr } = await runCli(['--base-url', baseUrl, '--workflow', '12', '--batch-size', '10', '--concurrency', '1', '--report', report, file('p.ndjson', ndjson(100))]);
    expect(code, stderr).toBe(1);
    expect(stderr).toMatch(/nothing could be sent: .*ECONNREFUSED/);
    // The batch that was tried is failed and retryable; the rest was never sent and has no line.
    const lines = readReport(report);
    expect(lines.length).toBeLessThan(100);
    expect(lines.every((l) => l.status === 'failed' && l.error!.retryable === true)).toBe(true);
  }, 60_000);

  it('--resume sends again the lines the platform never took (refused token), and exits 0 once every line is imported', async () => {
    let refuse = true;
    const baseUrl = await faultServer(() => (refuse ? { answer: 'status', status: 401, body: { error: 401, error_text: 'Unauthorized' } } : { answer: 'ok' }));
    const report = join(dir, 'report-resume-refused.ndjson');
    const args = ['--base-url', baseUrl, '--workflow', '12', '--batch-size', '10', '--concurrency', '1', '--report', report, file('p.ndjson', ndjson(50))];
    const first = await runCli(args);
    expect(first.code).toBe(1);
    expect(readReport(report).every((l) => l.status === 'failed' && l.error!.retryable === true)).toBe(true);
    refuse = false;
    const resumed = await runCli([...args, '--resume']);
    expect(resumed.code, resumed.stderr).toBe(0);
    const lines = readReport(report);
    expect(lines.map((l) => l.line).sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(lines.every((l) => l.status === 'imported')).toBe(true);
    expect(new Set(server!.acknowledged()).size).toBe(50);
    expect(server!.acknowledged()).toHaveLength(50);
  }, 60_000);

  it('the exit status counts the lines carried over: an unknown line left in the report is exit 2; --retry-ambiguous sends it again', async () => {
    const baseUrl = await faultServer();
    const report = file('report.ndjson', `${JSON.stringify({ line: 1, status: 'imported', profile_id: 'x' })}\n${JSON.stringify({ line: 2, status: 'unknown', error: { kind: 'timeout', message: 'no answer', retryable: false } })}\n`);
    const args = ['--base-url', baseUrl, '--workflow', '12', '--report', report, '--resume', file('p.ndjson', ndjson(3))];
    const kept = await runCli(args);
    expect(kept.code, kept.stderr).toBe(2);
    expect(server!.acknowledged()).toEqual(['p2@example.com']);
    const retried = await runCli([...args, '--retry-ambiguous']);
    expect(retried.code, retried.stderr).toBe(0);
    expect(server!.acknowledged()).toEqual(['p2@example.com', 'p1@example.com']);
    expect(readReport(report).map((l) => [l.line, l.status])).toEqual([
      [1, 'imported'],
      [3, 'imported'],
      [2, 'imported'],
    ]);
  });

  it('after --resume the summary counts the whole file, the lines carried over and this run\'s, as the exit status does', async () => {
    const baseUrl = await faultServer();
    const carried = [
      { line: 1, status: 'imported', profile_id: 'x' },
      { line: 2, status: 'unknown', error: { kind: 'timeout', message: 'no answer', retryable: false } },
      { line: 3, status: 'failed', error: { kind: 'input', message: 'not JSON', retryable: false } },
    ];
    const report = file('report.ndjson', carried.map((entry) => `${JSON.stringify(entry)}\n`).join(''));
    const { code, stdout, stderr } = await runCli(['--base-url', baseUrl, '--workflow', '12', '--report', report, '--resume', '--json', file('p.ndjson', ndjson(5))]);
    expect(code, stderr).toBe(2);
    expect(server!.acknowledged()).toEqual(['p3@example.com', 'p4@example.com']);
    expect(stderr).toContain('altcraft-import: 5 lines: 3 imported, 0 failed, 1 unknown, 1 unreadable (3 carried over from the report, 2 this run); 1 request');
    const summary = JSON.parse(stdout) as Record<string, unknown>;
    expect(summary.lines).toEqual({ total: 5, imported: 3, queued: 0, failed: 0, unknown: 1, unreadable: 1 });
    expect(summary.carried).toEqual({ total: 3, imported: 1, queued: 0, failed: 0, unknown: 1, unreadable: 1 });
    expect(summary.this_run).toEqual({ total: 2, imported: 2, queued: 0, failed: 0, unknown: 0, unreadable: 0 });
  });

  it('refuses to resume from a report with a corrupt line in the middle, naming the line', async () => {
    const baseUrl = await faultServer();
    const report = file('report.ndjson', `${JSON.stringify({ line: 1, status: 'imported', profile_id: 'x' })}\n{"line":2,"sta\n${JSON.stringify({ line: 3, status: 'imported', profile_id: 'y' })}\n`);
    const { code, stderr } = await runCli(['--base-url', baseUrl, '--workflow', '12', '--report', report, '--resume', file('p.ndjson', ndjson(3))]);
    expect(code).toBe(1);
    expect(stderr).toContain('line 2 is not a report line');
    expect(server!.received).toHaveLength(0);
  });

  it('after kill -9, --resume marks the lines that were in flight unknown instead of sending them again', async () => {
    let hang = true;
    const baseUrl = await faultServer((request) => (hang && request.number >= 2 ? { answer: 'delay', ms: 120_000, then: { answer: 'ok' } } : { answer: 'ok' }));
    const report = join(dir, 'report-kill.ndjson');
    const args = ['--base-url', baseUrl, '--workflow', '12', '--batch-size', '10', '--concurrency', '2', '--report', report, file('p.ndjson', ndjson(100))];
    // Killed once two requests hang: each was recorded as sending before it left.
    const killed = await runCli(args, { interruptWhen: () => server!.received.length >= 4, signal: 'SIGKILL' });
    expect(killed.code).toBeNull();
    const inFlight = server!.received.slice(2).flatMap((request) => request.emails);
    expect(inFlight).toHaveLength(20);
    hang = false;

    const resumed = await runCli([...args, '--resume']);
    expect(resumed.code, resumed.stderr).toBe(2);
    const sentTwice = server!.received.slice(4).flatMap((request) => request.emails).filter((email) => inFlight.includes(email));
    expect(sentTwice).toEqual([]);
    const lines = readReport(report);
    expect(lines).toHaveLength(100);
    const unknownLines = lines.filter((l) => l.status === 'unknown');
    expect(unknownLines.map((l) => `p${l.line - 1}@example.com`).sort()).toEqual([...inFlight].sort());
    expect(unknownLines.every((l) => l.error!.kind === 'interrupted')).toBe(true);

    const retried = await runCli([...args, '--resume', '--retry-ambiguous']);
    expect(retried.code, retried.stderr).toBe(0);
    const final = readReport(report);
    expect(final).toHaveLength(100);
    expect(final.every((l) => l.status === 'imported')).toBe(true);
  }, 90_000);

  describe('a report that cannot be written', () => {
    it('/dev/full: says ENOSPC, sends nothing, exits 1 and prints the report lines it could not write', async () => {
      const baseUrl = await faultServer();
      const { code, stderr } = await runCli(['--base-url', baseUrl, '--workflow', '12', '--report', '/dev/full', file('p.ndjson', `not json\n${ndjson(5)}`)]);
      expect(code).toBe(1);
      expect(stderr).toContain('cannot write the report /dev/full: no space left on the device (ENOSPC)');
      expect(server!.received).toHaveLength(0);
      expect(stderr.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Entry)).toMatchObject([{ line: 1, status: 'failed', error: { kind: 'input' } }]);
    });

    it('full in the middle of a run (file size limit): stops sending, and every acknowledged profile is in the report or on stderr', async () => {
      const baseUrl = await faultServer();
      const report = join(dir, 'report-limited.ndjson');
      const { code, stderr } = await runCli(['--base-url', baseUrl, '--workflow', '12', '--batch-size', '10', '--concurrency', '1', '--report', report, file('p.ndjson', ndjson(200))], { shell: 'ulimit -f 6' });
      expect(code, stderr).toBe(1);
      expect(stderr).toMatch(/cannot write the report .*: file too large \(EFBIG\)/);
      expect(server!.received.length).toBeLessThan(20);
      const written = readFileSync(report, 'utf8').split('\n');
      const recovered = [...written, ...stderr.split('\n')]
        .filter((l) => l.startsWith('{"line"'))
        .flatMap((l) => {
          try {
            return [JSON.parse(l) as Entry];
          } catch {
            return [];
          }
        });
      const importedEmails = new Set(recovered.filter((l) => l.status === 'imported').map((l) => `p${l.line - 1}@example.com`));
      expect(server!.acknowledged().filter((email) => !importedEmails.has(email))).toEqual([]);
    }, 60_000);
  });

  describe('the contract, checked before sending', () => {
    const input = () => file('p.ndjson', [{ email: 'a@example.com' }, { email: 'b@example.com', _bdate: 5 }, { email: 'not an email' }, { email: 'd@example.com' }].map((p) => JSON.stringify(p)).join('\n') + '\n');

    it('a line that breaks it fails without being sent, with the pointer; warnings are counted and shown with their line', async () => {
      const baseUrl = await faultServer();
      const report = join(dir, 'report-contract.ndjson');
      const { code, stderr } = await runCli(['--base-url', baseUrl, '--workflow', '12', '--report', report, input()]);
      expect(code).toBe(2);
      expect(server!.received.flatMap((r) => r.emails)).toEqual(['a@example.com', 'not an email', 'd@example.com']);
      expect(readReport(report).find((l) => l.line === 2)).toMatchObject({ status: 'failed', error: { kind: 'invalid', pointer: '/_bdate', retryable: false, message: expect.stringContaining('/_bdate: ') } });
      expect(stderr).toMatch(/line 3: warning: \/email: /);
      expect(stderr).toContain('1 warning on 1 line: sent anyway');
    });

    it('--strict makes warnings failures', async () => {
      const baseUrl = await faultServer();
      const report = join(dir, 'report-strict.ndjson');
      const { code, stderr } = await runCli(['--base-url', baseUrl, '--workflow', '12', '--strict', '--report', report, input()]);
      expect(code).toBe(2);
      expect(server!.received.flatMap((r) => r.emails)).toEqual(['a@example.com', 'd@example.com']);
      expect(readReport(report).find((l) => l.line === 3)).toMatchObject({ status: 'failed', error: { kind: 'invalid', pointer: '/email', message: expect.stringContaining('--strict') } });
      expect(stderr).toContain('with --strict those lines failed');
    });

    it('many profiles checked together still get their own problems (600 lines, every 7th breaks the contract)', async () => {
      const baseUrl = await faultServer();
      const report = join(dir, 'report-contract-many.ndjson');
      const { code } = await runCli(['--base-url', baseUrl, '--workflow', '12', '--report', report, file('p.ndjson', ndjson(600, (i) => (i % 7 === 3 ? { _bdate: i } : {})))]);
      expect(code).toBe(2);
      const failedLines = readReport(report).filter((l) => l.status === 'failed').map((l) => l.line);
      expect(failedLines.sort((a, b) => a - b)).toEqual(Array.from({ length: 600 }, (_, i) => i).filter((i) => i % 7 === 3).map((i) => i + 1));
      expect(server!.received.flatMap((r) => r.emails)).toHaveLength(600 - failedLines.length);
    });
  });

  it('refuses a line whose number would not reach the wire as written (1e400 was sent as null and reported imported), with the pointer', async () => {
    const baseUrl = await faultServer();
    const report = join(dir, 'report-numbers.ndjson');
    const input = file(
      'p.ndjson',
      [
        '{"email":"a@example.com","n":1}',
        '{"email":"c@example.com","n":1e400}',
        '{"email":"d@example.com","n":-1e400}',
        '{"email":"e@example.com","deep":{"x":[1e999]}}',
        '{"email":"f@example.com","n":9007199254740993.0}',
        '{"email":"g@example.com","n":9007199254740993e0}',
        '{"email":"h@example.com", "n": 1.0, "m": 1e-400}',
        '{"email":"i@example.com", "n": 1.0, "m": 0.1}',
      ].join('\n') + '\n',
    );
    const { code, stderr } = await runCli(['--base-url', baseUrl, '--workflow', '12', '--report', report, input]);
    expect(code, stderr).toBe(2);
    expect(stderr).toContain('line 2: the number 1e400 at /n is beyond the range of a double (±1.8e308) and would be sent as null');
    const failed = readReport(report).filter((l) => l.status === 'failed');
    expect(failed.map((l) => [l.line, (l.error as { pointer?: string }).pointer])).toEqual([
      [2, '/n'],
      [3, '/n'],
      [4, '/deep/x/0'],
      [5, '/n'],
      [6, '/n'],
      [7, '/m'],
    ]);
    expect(server!.received.flatMap((r) => r.body.data.map((item) => item.data))).toEqual([
      { email: 'a@example.com', n: 1 },
      { email: 'i@example.com', n: 1, m: 0.1 },
    ]);
  });

  it('CSV: a quote that closes on a later line into a malformed record fails its first line alone; --dry-run --json accounts for every data line', async () => {
    const input = file('p.csv', 'email,_fname\na@example.com,Ann\nb@example.com,"Bob\nc@example.com,"Cy, Jr."\nd@example.com,Dee\ne@example.com,Eve\n');
    const { code, stdout, stderr } = await runCli(['--base-url', 'http://127.0.0.1:1/api/v1.1', '--workflow', '12', '--dry-run', '--json', input]);
    expect(code, stderr).toBe(2);
    expect(stderr).toContain('line 3: malformed CSV: the quoted field opened on line 3 closes on line 4 into a malformed record');
    expect((JSON.parse(stdout) as { lines: unknown }).lines).toEqual({ total: 5, imported: 0, queued: 0, failed: 0, unknown: 0, unreadable: 1, to_send: 4 });
  });

  it('CSV: an unclosed quote fails its own line once, the records after it are imported, and a resume does not send it again', async () => {
    const baseUrl = await faultServer();
    const report = join(dir, 'report-csv-unclosed.ndjson');
    const input = file('p.csv', 'email,note\r\na@example.com,"two\r\nlines"\r\n"b@example.com,open\r\nc@example.com,plain\r\n');
    const args = ['--base-url', baseUrl, '--workflow', '12', '--report', report, input];
    const first = await runCli(args);
    expect(first.code).toBe(2);
    expect(first.stderr).toContain('line 4: malformed CSV: the quoted field opened on line 4 is never closed');
    expect(readReport(report).map((l) => [l.line, l.status])).toEqual([
      [4, 'failed'],
      [2, 'imported'],
      [5, 'imported'],
    ]);
    const resumed = await runCli([...args, '--resume']);
    expect(resumed.code).toBe(2);
    expect(server!.received).toHaveLength(1);
    expect(readReport(report)).toHaveLength(3);
  });
});
