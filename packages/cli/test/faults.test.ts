// Fault injection end to end: 100,000 profiles through the built command against a server that
// answers 500, 429, drops connections, cuts answers short and refuses 5 marked profiles by name,
// with the command killed (-9) three times while requests are in flight and resumed each time.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startFaultServer, type Action, type FaultServer, type Received } from '@altcraft-api/mock';
import { afterAll, expect, it } from 'vitest';
import { seeded } from './support/random.js';

const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const COUNT = 100_000;
const MARKED = [7_777, 23_456, 50_001, 50_002, 99_999];
const emailOf = (index: number) => (MARKED.includes(index) ? `marked-${index}@example.com` : `p${index}@example.com`);
const indexOf = (email: string) => Number(/(\d+)@/.exec(email)![1]);

let server: FaultServer | undefined;
afterAll(() => server?.close());

it('100,000 profiles, faults and three kill -9 + --resume rounds: each valid profile imported once, the 5 marked ones failed, one report line per input line', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'altcraft-faults-'));
  const input = join(dir, 'profiles.ndjson');
  writeFileSync(input, Array.from({ length: COUNT }, (_, i) => `{"email":"${emailOf(i)}"}\n`).join(''));
  const report = join(dir, 'report.ndjson');

  const next = seeded(Number(process.env.FAULT_SEED ?? 20261127));
  const round = { holdFrom: Infinity, resets: true, partial: false };
  // Never more than two faults for the same body, so that the client's five attempts always
  // get through a 500/429: a batch failed after its retries would be a legitimate extra failure.
  const faultsOf = new Map<string, number>();
  const partialEmails: string[] = [];
  const injected = { 500: 0, 429: 0, reset: 0, marked: 0, partial: 0, held: 0 };
  let held = 0;
  let lastAnswerAt = Date.now();
  const scenario = (request: Received): Action => {
    const marked = request.emails.flatMap((email, position) => (email.startsWith('marked-') ? [position] : []));
    if (request.number >= round.holdFrom) {
      // Held until the command is killed: never answered, so never imported.
      held++;
      injected.held++;
      return { answer: 'delay', ms: 600_000, then: { answer: 'reset' } };
    }
    lastAnswerAt = Date.now();
    const key = `${request.emails[0]}+${request.emails.length}`;
    const faults = faultsOf.get(key) ?? 0;
    // Requests 1, 2 and 3 get a 500, a 429 and a reset for sure; then faults are random.
    const roll = request.number >= 1 && request.number <= 3 ? [0, 0.01, 0.09, 0.13][request.number]! : next();
    if (faults < 2 && roll < 0.16) {
      faultsOf.set(key, faults + 1);
      if (roll < 0.08) return injected[500]++, { answer: 'status', status: 500, body: { error: 500, error_text: 'Internal error' } };
      if (roll < 0.12) return injected[429]++, { answer: 'status', status: 429, body: { error: 429, error_text: 'Too many requests' } };
      // Dropped before the server did anything with it: unknown to the command, safe to resend.
      if (round.resets) return injected.reset++, { answer: 'reset' };
    }
    if (marked.length > 0) {
      injected.marked++;
      const debug = marked.map((position) => `/data/${position}/data/email: rejected`).join('; ');
      return { answer: 'status', status: 400, body: { error: 400, error_text: 'Invalid request', error_debug: debug } };
    }
    // The first two answers of the round are cut short for sure, then one in twenty at random.
    if (round.partial && (injected.partial < 2 || roll > 0.95)) {
      // Imported, but the answer lacks a result: the command cannot tell whose, so all are unknown.
      injected.partial++;
      partialEmails.push(...request.emails);
      return { answer: 'results', results: request.emails.slice(1).map(() => ({ profile_id: '6613c4754a5d12bd6cc0915f' })) };
    }
    return { answer: 'ok' };
  };
  server = await startFaultServer(scenario);
  const args = ['--base-url', server.baseUrl, '--workflow', '12', '--batch-size', '1000', '--concurrency', '4', '--report', report, input];

  /** Lines with an outcome in the report (a torn last line is skipped). */
  const reportedLines = () => {
    const lines = new Set<number>();
    for (const text of readFileSync(report, 'utf8').split('\n')) {
      if (!text.startsWith('{"line"')) continue;
      try {
        lines.add((JSON.parse(text) as { line: number }).line);
      } catch {
        // torn
      }
    }
    return lines;
  };

  const run = (extra: string[], killAfter?: number) =>
    new Promise<{ code: number | null; stderr: string }>((resolve) => {
      held = 0;
      round.holdFrom = killAfter === undefined ? Infinity : server!.received.length + killAfter;
      const child = spawn(process.execPath, [CLI, ...args, ...extra], { env: { ...process.env, ALTCRAFT_TOKEN: 'abcdefghijklmnqrstuvwxyz' }, stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (chunk) => (stderr += chunk));
      let timer: NodeJS.Timeout | undefined;
      if (killAfter !== undefined) {
        timer = setInterval(() => {
          // Kill only once requests hang and every answer given so far is in the report: an
          // answer received and not yet written is the one window no report can close.
          if (held === 0 || Date.now() - lastAnswerAt < 300) return;
          const lines = reportedLines();
          if (!server!.acknowledged().every((email) => lines.has(indexOf(email) + 1))) return;
          clearInterval(timer);
          child.kill('SIGKILL');
        }, 250);
      }
      child.on('close', (code) => {
        clearInterval(timer);
        resolve({ code, stderr });
      });
    });

  // The kill rounds answer at most 60 requests and the input needs at least 100: the last
  // round always has work left.
  const first = await run([], 15);
  expect(first.code, first.stderr).toBeNull();
  for (const killAfter of [25, 20]) {
    const killed = await run(['--resume', '--retry-ambiguous'], killAfter);
    expect(killed.code, killed.stderr).toBeNull();
  }
  // The last round cuts some answers short (imported, but whose is unknown): from here on
  // nothing ambiguous is sent again, so resets stop, and --retry-ambiguous only resends what the
  // earlier rounds left unknown (dropped connections and killed requests, never imported).
  round.resets = false;
  round.partial = true;
  const last = await run(['--resume', '--retry-ambiguous']);
  expect(last.code, last.stderr).toBe(2);

  // Every kind of fault happened (a test whose faults never fire proves nothing).
  expect(Object.values(injected).every((count) => count > 0), JSON.stringify(injected)).toBe(true);

  const entries = readFileSync(report, 'utf8')
    .split('\n')
    .filter((text) => text.startsWith('{"line"'))
    .map((text) => JSON.parse(text) as { line: number; status: string; error?: { retryable: boolean } });
  expect(entries).toHaveLength(COUNT);
  expect(new Set(entries.map((entry) => entry.line)).size).toBe(COUNT);
  const byStatus = (status: string) => entries.filter((entry) => entry.status === status).map((entry) => entry.line - 1).sort((a, b) => a - b);
  expect(byStatus('failed')).toEqual(MARKED);
  expect(entries.filter((entry) => entry.status === 'failed').every((entry) => entry.error!.retryable === false)).toBe(true);
  expect(byStatus('unknown')).toEqual(partialEmails.map(indexOf).sort((a, b) => a - b));
  expect(byStatus('imported')).toHaveLength(COUNT - MARKED.length - partialEmails.length);

  const acknowledged = server.acknowledged();
  expect(acknowledged.filter((email) => email.startsWith('marked-'))).toEqual([]);
  expect(acknowledged).toHaveLength(COUNT - MARKED.length);
  expect(new Set(acknowledged).size).toBe(COUNT - MARKED.length);
}, 300_000);
