// Runs the built command as a process, against the mock and against a fault-injecting server.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startFaultServer, startMock, type Action, type FaultServer, type Received, type RunningMock } from '@altcraft-api/mock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const TOKEN = 'abcdefghijklmnqrstuvwxyz';
const dir = mkdtempSync(join(tmpdir(), 'altcraft-import-'));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runCli(args: string[], options: { env?: Record<string, string | undefined>; stdin?: string; interruptWhen?: () => boolean } = {}): Promise<Run> {
  return new Promise((resolve) => {
    const env: Record<string, string | undefined> = { ...process.env, ALTCRAFT_TOKEN: TOKEN, ...options.env };
    const child = spawn(process.execPath, [CLI, ...args], { env: env as NodeJS.ProcessEnv, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.stdin.end(options.stdin ?? '');
    let timer: NodeJS.Timeout | undefined;
    if (options.interruptWhen) {
      timer = setInterval(() => {
        if (options.interruptWhen!()) {
          clearInterval(timer);
          child.kill('SIGINT');
        }
      }, 10);
    }
    child.on('close', (code, signal) => {
      clearInterval(timer);
      resolve({ code, stdout, stderr: signal ? `${stderr}[killed by ${signal}]` : stderr });
    });
  });
}

let counter = 0;
function file(name: string, content: string): string {
  const path = join(dir, `${counter++}-${name}`);
  writeFileSync(path, content);
  return path;
}
const ndjson = (count: number, extra: (i: number) => object = () => ({})) =>
  Array.from({ length: count }, (_, i) => JSON.stringify({ email: `p${i}@example.com`, _fname: `Name ${i}`, ...extra(i) })).join('\n') + '\n';
const readReport = (path: string) =>
  readFileSync(path, 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { line: number; status: string; profile_id?: string; task_id?: string; error?: { kind: string; message: string } });

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
    [['--base-url', 'http://127.0.0.1:1/api/v1.1', '--workflow', 'twelve', 'x.ndjson'], '--workflow must be an integer'],
    [['--base-url', 'http://127.0.0.1:1/api/v1.1', '--workflow', '12', 'x.txt'], 'cannot tell the format'],
    [['--base-url', 'http://127.0.0.1:1/api/v1.1', '--workflow', '12', '--resume', 'x.ndjson'], '--resume needs --report'],
    [['--base-url', 'http://127.0.0.1:1/api/v1.1', '--workflow', '12', 'missing.ndjson'], 'cannot read missing.ndjson'],
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
    expect(stderr).toMatch(/30 profiles: 30 imported, 0 failed, 0 unknown, 0 unreadable lines; 3 requests/);
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
    expect(stderr).toContain('2 profiles: 2 imported');
  });

  it('exits 2 when the platform refuses some profiles, and reports why', async () => {
    const baseUrl = await faultServer(() => ({ answer: 'results', results: [{ profile_id: '6613c4754a5d12bd6cc0915f' }, { error: 400, error_text: 'Invalid subscription' }] }));
    const report = join(dir, 'report-refused-item.ndjson');
    const { code } = await runCli(['--base-url', baseUrl, '--workflow', '12', '--report', report, file('p.ndjson', ndjson(2))]);
    expect(code).toBe(2);
    expect(readReport(report).find((l) => l.line === 2)).toMatchObject({ status: 'failed', error: { kind: 'item', message: 'Invalid subscription' } });
  });

  it('exits 1 when the token is refused', async () => {
    const baseUrl = await faultServer(() => ({ answer: 'status', status: 401, body: { error: 401, error_text: 'Unauthorized' } }));
    const { code, stderr } = await runCli(['--base-url', baseUrl, '--workflow', '12', file('p.ndjson', ndjson(5))]);
    expect(code).toBe(1);
    expect(stderr).toContain('refused');
    expect(stderr).not.toContain(TOKEN);
  });

  it('queues batches as tasks with --task', async () => {
    const report = join(dir, 'report-task.ndjson');
    const { code } = await runCli(['--base-url', mock.baseUrl, '--workflow', '12', '--task', '--batch-size', '5', '--report', report, file('p.ndjson', ndjson(10))]);
    expect(code).toBe(0);
    const lines = readReport(report);
    expect(lines.every((l) => l.status === 'queued' && /^[0-9a-f]{24}$/.test(l.task_id!))).toBe(true);
    expect(new Set(lines.map((l) => l.task_id)).size).toBe(2);
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
  });
});
