// Runs the built command as a process (`pnpm build` first), against a fake installation.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { QUESTIONS } from '../src/questions.js';
import { startFakePlatform, type FakePlatform } from './support/fake-platform.js';

const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const TOKEN = 'cli-test-token-91d0e7';
// Each test starts one to three processes: 0.4 s each on an idle machine, up to 13 s each when
// `pnpm test` runs every suite at once on two cores (measured); the budget leaves room for that.
const SPAWN_BUDGET = 120_000;
// Each process is killed past this deadline (a hang then fails its test with code null, and
// leaves no process behind); three of them fit in the budget.
const PROCESS_DEADLINE = 35_000;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

// stdin is a pipe, never a terminal: the confirmation cannot be given interactively.
function runCli(args: string[], env: Record<string, string | undefined> = {}): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, ALTCRAFT_TOKEN: TOKEN, ...env } as NodeJS.ProcessEnv, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.stdin.end('y\n');
    const deadline = setTimeout(() => child.kill('SIGKILL'), PROCESS_DEADLINE);
    child.on('close', (code) => {
      clearTimeout(deadline);
      resolve({ code, stdout, stderr });
    });
  });
}

const shellQuote = (word: string) => `'${word.replaceAll("'", `'\\''`)}'`;

// The same command on a pseudo-terminal, by util-linux's `script`: `answer` is typed once the
// prompt shows.
function runOnTerminal(args: string[], answer: string): Promise<Run> {
  return new Promise((resolve) => {
    const command = [process.execPath, CLI, ...args].map(shellQuote).join(' ');
    const child = spawn('script', ['-qec', command, '/dev/null'], { env: { ...process.env, ALTCRAFT_TOKEN: TOKEN } as NodeJS.ProcessEnv, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let typed = false;
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      if (!typed && stdout.includes('[y/N]')) {
        typed = true;
        child.stdin.write(answer);
      }
    });
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const deadline = setTimeout(() => child.kill('SIGKILL'), PROCESS_DEADLINE);
    child.on('close', (code) => {
      clearTimeout(deadline);
      resolve({ code, stdout, stderr });
    });
  });
}

let fake: FakePlatform | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

describe('pnpm probe', () => {
  it('--help says plainly that it imports real profiles, and how many', async () => {
    const { code, stdout } = await runCli(['--help']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^usage: pnpm probe --upstream URL --workflow ID/);
    expect(stdout).toContain(`THIS IMPORTS REAL PROFILES into the installation: up to ${QUESTIONS.length}`);
    expect(stdout).toContain('probe+1@example.invalid');
    expect(stdout).toContain('skip_triggers: true');
    expect(stdout).toContain('ALTCRAFT_TOKEN');
    for (const question of QUESTIONS) expect(stdout).toContain(question.id);
  }, SPAWN_BUDGET);

  it('refuses --token, says why, and never echoes its value', async () => {
    fake = await startFakePlatform();
    for (const args of [['--token', 'argv-secret-1'], ['--token=argv-secret-1']]) {
      const { code, stdout, stderr } = await runCli(['--upstream', fake.baseUrl, '--workflow', '12', '--yes', ...args]);
      expect(code).toBe(1);
      expect(stderr).toContain('--token is refused: a token on the command line is visible to every user of the machine');
      expect(stdout + stderr).not.toContain('argv-secret-1');
    }
    expect(fake.received).toHaveLength(0);
  }, SPAWN_BUDGET);

  it('refuses to run without --yes when there is no terminal to confirm on', async () => {
    fake = await startFakePlatform();
    const { code, stdout, stderr } = await runCli(['--upstream', fake.baseUrl, '--workflow', '12']);
    expect(code).toBe(1);
    expect(stderr).toContain(`refusing to run: this would import up to ${QUESTIONS.length} real profiles (probe+N@example.invalid) into ${fake.origin}`);
    expect(stderr).toContain('--yes');
    expect(stdout).toBe('');
    expect(fake.received).toHaveLength(0);
  }, SPAWN_BUDGET);

  it('on a terminal, asks y/N and sends nothing unless the answer is yes', async () => {
    fake = await startFakePlatform();
    const no = await runOnTerminal(['--upstream', fake.baseUrl, '--workflow', '12', '--only', 'bearer'], 'n\n');
    expect(no.code).toBe(1);
    expect(no.stdout).toContain(`This will import up to 2 real profiles (probe+N@example.invalid) into ${fake.origin}`);
    expect(no.stdout).toContain('not confirmed; nothing was sent');
    expect(fake.received).toHaveLength(0);
    const yes = await runOnTerminal(['--upstream', fake.baseUrl, '--workflow', '12', '--only', 'bearer'], 'y\n');
    expect(yes.code).toBe(2);
    expect(fake.received.map((r) => r.question)).toEqual(['baseline', 'bearer']);
  }, SPAWN_BUDGET);

  it('needs ALTCRAFT_TOKEN', async () => {
    fake = await startFakePlatform();
    const { code, stderr } = await runCli(['--upstream', fake.baseUrl, '--workflow', '12', '--yes'], { ALTCRAFT_TOKEN: '' });
    expect(code).toBe(1);
    expect(stderr).toContain('ALTCRAFT_TOKEN is not set');
    expect(fake.received).toHaveLength(0);
  }, SPAWN_BUDGET);

  it('prints the table, one row per question, and exits 2 when answers disagree', async () => {
    fake = await startFakePlatform();
    const { code, stdout } = await runCli(['--upstream', fake.baseUrl, '--workflow', '12', '--yes']);
    expect(code).toBe(2);
    const lines = stdout.split('\n');
    expect(lines).toContain('| question | answer | what the contract assumes | agree? |');
    expect(lines.filter((line) => line.endsWith('| NO |'))).toHaveLength(QUESTIONS.length - 1);
    expect(lines.filter((line) => line.endsWith('| yes |'))).toHaveLength(1);
    expect(stdout).toContain(`1 agree, ${QUESTIONS.length - 1} disagree, 0 unsettled`);
  }, SPAWN_BUDGET);

  it('--json prints the same report as JSON; --only narrows it to the baseline and the named questions', async () => {
    fake = await startFakePlatform();
    const { code, stdout } = await runCli(['--upstream', fake.baseUrl, '--workflow', '12', '--yes', '--json', '--only', 'regurl-without-scheme,bearer']);
    expect(code).toBe(2);
    const report = JSON.parse(stdout) as { rows: { id: string; agree: boolean | null; question: string; answer: string; assumes: string }[]; endpoint: string };
    expect(report.endpoint).toBe(`${fake.baseUrl}/workflows/import_and_start_batch`);
    expect(report.rows.map((row) => [row.id, row.agree])).toEqual([
      ['baseline', true],
      ['bearer', false],
      ['regurl-without-scheme', false],
    ]);
    expect(fake.received).toHaveLength(3);
  }, SPAWN_BUDGET);

  it('never prints the token, even when the installation echoes it', async () => {
    fake = await startFakePlatform((r) => ({
      status: r.question === 'baseline' ? 200 : 400,
      body: r.question === 'baseline' ? { error: 0, result: [{ profile_id: 'x' }] } : { error: 400, error_text: `token ${TOKEN} refused`, error_debug: `Bearer ${TOKEN}` },
      headers: { 'X-Echo': TOKEN },
    }));
    for (const format of [[], ['--json']]) {
      const { code, stdout, stderr } = await runCli(['--upstream', fake.baseUrl, '--workflow', '12', '--yes', ...format]);
      expect(code).toBe(2);
      expect(stdout).toContain('[redacted]');
      expect(stdout + stderr).not.toContain(TOKEN);
    }
  }, SPAWN_BUDGET);

  it('refuses an --upstream that could carry a secret', async () => {
    for (const upstream of ['https://user:pw@example.com', 'https://example.com/?token=x', 'ftp://example.com']) {
      const { code, stderr } = await runCli(['--upstream', upstream, '--workflow', '12', '--yes']);
      expect(code).toBe(1);
      expect(stderr).toMatch(/--upstream must be/);
    }
  }, SPAWN_BUDGET);
});
