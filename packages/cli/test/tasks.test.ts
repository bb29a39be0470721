// Task mode end to end, through the built command, against the fake task platform: 100,000
// profiles, status requests failing with 500/429/resets, the command killed (-9) while tasks it
// queued are still running, and --resume following those tasks instead of sending them again.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { startTaskPlatform, type TaskPlatform } from '../../client/test/support/task-platform.js';
import { CLI, TOKEN, runCli } from './support/cli.js';
import { seeded } from './support/random.js';

let platform: TaskPlatform | undefined;
afterEach(async () => {
  await platform?.close();
  platform = undefined;
});

interface Record {
  line?: number;
  status?: string;
  profile_id?: string;
  task_id?: string;
  task?: string;
  lines?: [number, number][];
  error?: { kind: string; retryable: boolean; taskId?: string };
}

/** The report's records; a torn last line (a kill mid-write) is skipped. */
function records(path: string): Record[] {
  const found: Record[] = [];
  for (const text of readFileSync(path, 'utf8').split('\n')) {
    try {
      if (text) found.push(JSON.parse(text) as Record);
    } catch {
      // torn
    }
  }
  return found;
}

const COUNT = Number(process.env.TASKS_COUNT ?? 100_000);
const MARKED = [7_777, 23_456, 50_001, 50_002, 99_999].map((n) => Math.floor((n * COUNT) / 100_000));
const emailOf = (index: number) => (MARKED.includes(index) ? `bad-${index}@example.com` : `p${index}@example.com`);

it('100,000 profiles in task mode, failing status requests and kill -9 between queuing and completion: each valid profile imported once, the marked ones failed, no task queued twice', async () => {
  const started = performance.now();
  const dir = mkdtempSync(join(tmpdir(), 'altcraft-tasks-'));
  const input = join(dir, 'profiles.ndjson');
  writeFileSync(input, Array.from({ length: COUNT }, (_, i) => `{"email":"${emailOf(i)}"}\n`).join(''));
  const report = join(dir, 'report.ndjson');
  const next = seeded(Number(process.env.FAULT_SEED ?? 20261207));
  const round = { holdFrom: Infinity };
  const injected = { 500: 0, 429: 0, reset: 0, queue500: 0 };
  platform = await startTaskPlatform({
    durationMs: 1_500,
    fault: ({ kind }) => {
      if (kind === 'queue') {
        if (platform!.tasks.size >= round.holdFrom) return 'hold';
        // Refused before anything was queued: safe to send again.
        if (next() < 0.1) return injected.queue500++, { status: 500 };
        return 'ok';
      }
      const roll = next();
      if (roll < 0.1) return injected[500]++, { status: 500 };
      if (roll < 0.15) return injected[429]++, { status: 429, retryAfter: 0 };
      if (roll < 0.2) return injected.reset++, 'reset';
      return 'ok';
    },
  });
  const args = ['--base-url', platform.baseUrl, '--workflow', '12', '--task', '--poll-interval', '100', '--batch-size', '1000', '--concurrency', '4', '--report', report, input];

  /** Tasks answered and recorded, with lines and no outcome yet: queued, not finished. */
  const openTasks = () => {
    const found = records(report);
    // A task is in the report by its record or, once settled (a resume drops the record), by its lines.
    const recorded = new Set(found.flatMap((r) => (r.task ? [r.task] : r.task_id ? [r.task_id] : r.error?.taskId ? [r.error.taskId] : [])));
    const settled = new Set(found.flatMap((r) => (r.line ? [r.line] : [])));
    const open = found.filter((r) => r.task && r.lines!.some(([first]) => !settled.has(first)));
    return { allRecorded: platform!.answered.every((id) => recorded.has(id)), open: open.length };
  };
  const openAtKill: number[] = [];
  const run = (extra: string[], killAfterTasks?: number) =>
    new Promise<{ code: number | null; stderr: string }>((resolve) => {
      platform!.held = 0;
      round.holdFrom = killAfterTasks === undefined ? Infinity : platform!.tasks.size + killAfterTasks;
      const child = spawn(process.execPath, [CLI, ...args, ...extra], { env: { ...process.env, ALTCRAFT_TOKEN: TOKEN }, stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (chunk) => (stderr += chunk));
      const timer = setInterval(() => {
        // Kill once queuing hangs and every task answered is in the report: a task id received
        // and not yet recorded is the one window no report can close.
        if (killAfterTasks === undefined || !platform || platform.held === 0) return;
        const state = openTasks();
        if (!state.allRecorded) return;
        clearInterval(timer);
        openAtKill.push(state.open);
        child.kill('SIGKILL');
      }, 100);
      // A round that hangs fails here, with what it printed, instead of at the test's timeout.
      const limit = setTimeout(() => {
        stderr += '\n[test: the round took over 100 s; killed]';
        child.kill('SIGKILL');
      }, 100_000);
      child.on('close', (code) => {
        clearInterval(timer);
        clearTimeout(limit);
        if (process.env.TASKS_DEBUG) console.log(`round ${extra.join(' ')} ${killAfterTasks}: code ${code}, tasks ${platform!.tasks.size}, held ${platform!.held}, ${((performance.now() - started) / 1000).toFixed(1)} s\n${stderr}`);
        resolve({ code, stderr });
      });
    });

  const first = await run([], 20);
  expect(first.code, first.stderr).toBeNull();
  expect(first.stderr).not.toContain('[test:');
  for (const killAfter of [25, 25]) {
    const killed = await run(['--resume', '--retry-ambiguous'], killAfter);
    expect(killed.code, killed.stderr).toBeNull();
    expect(killed.stderr).not.toContain('[test:');
  }
  const last = await run(['--resume', '--retry-ambiguous']);
  expect(last.code, last.stderr).toBe(2);

  // Every fault happened, and the kills came while queued tasks were still running.
  expect(Object.values(injected).every((count) => count > 0), JSON.stringify(injected)).toBe(true);
  expect(openAtKill.every((open) => open > 0), JSON.stringify(openAtKill)).toBe(true);

  const lines = records(report).filter((r) => r.line !== undefined);
  expect(lines).toHaveLength(COUNT);
  expect(new Set(lines.map((r) => r.line)).size).toBe(COUNT);
  const failed = lines.filter((r) => r.status === 'failed');
  expect(failed.map((r) => r.line! - 1).sort((a, b) => a - b)).toEqual(MARKED);
  expect(failed.every((r) => r.error!.kind === 'item' && r.error!.retryable === false)).toBe(true);
  const imported = lines.filter((r) => r.status === 'imported');
  expect(imported).toHaveLength(COUNT - MARKED.length);
  // Values against the fake's record: each line got its own profile's id from its own task.
  expect(imported.every((r) => r.profile_id === `id-${emailOf(r.line! - 1)}` && platform!.tasks.get(r.task_id!)!.emails.includes(emailOf(r.line! - 1)))).toBe(true);

  // No profile queued twice, every one queued once.
  expect(platform.queuedCount.size).toBe(COUNT);
  expect([...platform.queuedCount.values()].every((n) => n === 1)).toBe(true);
  console.log(`task faults: ${JSON.stringify(injected)}, open tasks at each kill ${openAtKill.join(', ')}, ${platform.tasks.size} tasks, ${platform.statusRequests} status requests, ${((performance.now() - started) / 1000).toFixed(1)} s`);
}, 300_000);

it('tasks that finish with failed profiles and one that never finishes: failed, imported, unknown with the task id (exit 2)', async () => {
  platform = await startTaskPlatform({ durationMs: 200 });
  const dir = mkdtempSync(join(tmpdir(), 'altcraft-tasks-'));
  const input = join(dir, 'p.ndjson');
  const emails = Array.from({ length: 30 }, (_, i) => (i === 3 ? 'bad-3@example.com' : i === 25 ? 'stuck-25@example.com' : `p${i}@example.com`));
  writeFileSync(input, emails.map((email) => `{"email":"${email}"}\n`).join(''));
  const report = join(dir, 'report.ndjson');
  const result = await runCli(['--base-url', platform.baseUrl, '--workflow', '12', '--task', '--task-timeout', '2', '--poll-interval', '50', '--batch-size', '10', '--report', report, input]);
  expect(result.code, result.stderr).toBe(2);
  const lines = records(report).filter((r) => r.line !== undefined);
  expect(lines).toHaveLength(30);
  const byLine = (line: number) => lines.find((r) => r.line === line)!;
  expect(byLine(4)).toMatchObject({ status: 'failed', error: { kind: 'item' } });
  // Task ids follow the order the batches reached the fake, which concurrency decides.
  const taskOf = (email: string) => [...platform!.tasks].find(([, task]) => task.emails.includes(email))![0];
  expect(byLine(1)).toMatchObject({ status: 'imported', profile_id: 'id-p0@example.com', task_id: taskOf('p0@example.com') });
  for (let line = 21; line <= 30; line++) expect(byLine(line)).toMatchObject({ status: 'unknown', error: { kind: 'timeout', taskId: taskOf('stuck-25@example.com') } });
  expect(result.stderr).toMatch(/19 imported, 1 failed, 10 unknown/);
  expect(result.stderr).not.toContain(TOKEN);
  expect(readFileSync(report, 'utf8')).not.toContain(TOKEN);
});

it('a task that outlived --task-timeout stays open: --resume --retry-ambiguous follows it to its end and queues no profile twice', async () => {
  platform = await startTaskPlatform({ durationMs: 50 });
  const dir = mkdtempSync(join(tmpdir(), 'altcraft-tasks-'));
  const input = join(dir, 'p.ndjson');
  writeFileSync(input, Array.from({ length: 10 }, (_, i) => `{"email":"${i === 5 ? 'stuck-5' : `p${i}`}@example.com"}\n`).join(''));
  const report = join(dir, 'report.ndjson');
  const base = ['--base-url', platform.baseUrl, '--workflow', '12', '--task', '--poll-interval', '50', '--report', report];
  const first = await runCli([...base, '--task-timeout', '1', input]);
  expect(first.code, first.stderr).toBe(2);
  expect(records(report).filter((r) => r.line !== undefined).every((r) => r.error?.kind === 'timeout')).toBe(true);
  // The task finishes after the first run gave up on it.
  const [task] = [...platform.tasks.values()];
  task!.emails[5] = 'p5@example.com';
  for (const round of [1, 2]) {
    const resumed = await runCli([...base, '--resume', '--retry-ambiguous', input]);
    expect(resumed.code, `round ${round}: ${resumed.stderr}`).toBe(0);
  }
  expect(platform.tasks.size).toBe(1);
  expect([...platform.queuedCount.values()]).toEqual(Array.from({ length: 10 }, () => 1));
  const lines = records(report).filter((r) => r.line !== undefined);
  expect(lines.map((r) => `${r.line}:${r.status}`)).toEqual(Array.from({ length: 10 }, (_, i) => `${i + 1}:imported`));
});

it('--task --no-wait: queued lines and the task records; a later --resume follows those tasks to their end', async () => {
  platform = await startTaskPlatform({ durationMs: 100 });
  const dir = mkdtempSync(join(tmpdir(), 'altcraft-tasks-'));
  const input = join(dir, 'p.ndjson');
  writeFileSync(input, Array.from({ length: 20 }, (_, i) => `{"email":"p${i}@example.com"}\n`).join(''));
  const report = join(dir, 'report.ndjson');
  const base = ['--base-url', platform.baseUrl, '--workflow', '12', '--task', '--poll-interval', '50', '--batch-size', '10', '--report', report, input];
  const queued = await runCli([...base, '--no-wait']);
  expect(queued.code, queued.stderr).toBe(0);
  expect(records(report).filter((r) => r.status === 'queued')).toHaveLength(20);
  expect(platform.statusRequests).toBe(0);
  const followed = await runCli([...base, '--resume']);
  expect(followed.code, followed.stderr).toBe(0);
  const lines = records(report).filter((r) => r.line !== undefined);
  expect(lines.map((r) => r.status)).toEqual(Array(20).fill('imported'));
  expect(platform.tasks.size).toBe(2);
});
