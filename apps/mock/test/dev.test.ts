// `pnpm dev` in a temporary copy of the repository: a spec edit reaches the running mock (same
// port), the client's types and the docs, and a request in flight during the reload finishes.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cp, mkdtemp, readFile, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { within } from './support/deadline.js';
import { send, startSending, type RawAnswer } from './support/http.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const SCHEMA = 'spec/components/schemas/BatchRequestCommon.yaml';
const PATH = '/api/v1.1/workflows/import_and_start_batch';
const body = JSON.stringify({ workflow_id: 1, token: 't', dev_flag: true, data: [{ data: { email: 'a@example.com' } }] });

let copy: string;
let dev: ChildProcess | undefined;
let output = '';

/**
 * The repository without .git and caches; workspace links are relative, so they point into the
 * copy, and the installed packages are shared through a link to the root's node_modules.
 */
async function copyRepository(): Promise<string> {
  const target = await mkdtemp(join(tmpdir(), 'altcraft-dev-'));
  for (const entry of await readdir(root)) {
    if (['.git', 'node_modules', '.turbo'].includes(entry)) continue;
    await cp(join(root, entry), join(target, entry), { recursive: true, verbatimSymlinks: true, filter: (source) => !source.endsWith('/.turbo') });
  }
  await symlink(join(root, 'node_modules'), join(target, 'node_modules'));
  return target;
}

/** The first match of `pattern` in the output from offset `from` on. */
function waitFor(pattern: RegExp, ms: number, what: string, from = 0): Promise<RegExpExecArray> {
  return within(
    ms,
    `${what} (pnpm dev printed: ${output.slice(-3000)})`,
    new Promise((resolve) => {
      const check = () => {
        const match = pattern.exec(output.slice(from));
        if (match) return resolve(match);
        setTimeout(check, 100);
      };
      check();
    }),
  );
}

const baseUrl = () => /\[dev\] mock: (http:\/\/\S+)\/api\/v1\.1/.exec(output)![1]!;

/** The mock processes pnpm dev runs now (its children running the mock's CLI). */
function mockPids(): number[] {
  const children = readFileSync(`/proc/${dev!.pid}/task/${dev!.pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  return children.filter((pid) => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('apps/mock/dist/cli.js');
    } catch {
      return false;
    }
  });
}

/**
 * The one mock process, once a retiring one has stopped: pnpm dev never keeps two when no
 * request is in flight (a second one would serve nothing, or serve unseen).
 */
async function theMockPid(): Promise<number> {
  await within(30_000, 'a single mock process', (async () => {
    while (mockPids().length !== 1) await new Promise((resolve) => setTimeout(resolve, 100));
  })()).catch((error: Error) => {
    throw new Error(`${error.message}: ${JSON.stringify(mockPids())}\n${recent()}`);
  });
  return mockPids()[0]!;
}

// Tasks live in pnpm dev, outside the mock processes it swaps (tasks.ts's TaskKeeper).
const jsonHeaders = { 'Content-Type': 'application/json' };
async function queueTask(base: string, workflowId: number): Promise<string> {
  const taskBody = JSON.stringify({ workflow_id: workflowId, token: 't', data: [{ data: { email: 'a@example.com' } }, { data: { email: 'b@example.com' } }] });
  const answer = await within(30_000, 'the task being queued', send(`${base}/api/v1.1/workflows/import_and_start_batch_task`, { headers: jsonHeaders, body: taskBody }));
  expect(answer.status, answer.body).toBe(200);
  return JSON.parse(answer.body).task_id;
}
async function completedTask(base: string, taskId: string): Promise<{ data: { status: string; result: { result: object[] } } }> {
  for (;;) {
    const answer = await within(30_000, 'the task status', send(`${base}/api/v1.1/tasks/status`, { headers: jsonHeaders, body: JSON.stringify({ token: 't', task_id: taskId }) }));
    expect(answer.status, `${answer.body}\n${devLines()}`).toBe(200);
    const status = JSON.parse(answer.body);
    if (status.data.status === 'completed') return status;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

const devLines = () => output.split('\n').filter((line) => !line.startsWith('[mock]')).join('\n');
/** The end of everything pnpm dev and its mock printed, for a failure's message. */
const recent = () => output.slice(-6000);
const warnsAboutDevFlag = (answer: RawAnswer) => String(answer.headers['x-altcraft-mock-warnings'] ?? '').includes('/dev_flag');

beforeAll(async () => {
  copy = await copyRepository();
  dev = spawn(process.execPath, [join(copy, 'apps/mock/dist/dev.js'), '--port', '0', '--docs-port', '0'], { cwd: copy, stdio: ['ignore', 'pipe', 'pipe'] });
  dev.stdout!.on('data', (chunk) => (output += chunk));
  dev.stderr!.on('data', (chunk) => (output += chunk));
}, 120_000);

afterAll(async () => {
  if (dev && dev.exitCode === null) {
    const exited = new Promise((resolve) => dev!.once('exit', resolve));
    dev.kill('SIGTERM');
    await exited;
  }
  if (copy) await rm(copy, { recursive: true, force: true });
});

describe('pnpm dev', () => {
  it('serves the edited contract on the same port within seconds, finishing requests in flight on the previous one', async () => {
    const [, base] = await waitFor(/\[dev\] mock: (http:\/\/\S+)\/api\/v1\.1/, 90_000, 'pnpm dev starting');
    await waitFor(/\[dev\] watching /, 30_000, 'pnpm dev watching');
    const url = base + PATH;
    const post = () => within(30_000, 'the mock answering', send(url, { headers: { 'Content-Type': 'application/json' }, body }));
    const before = await post();
    expect(before.status).toBe(200);
    expect(warnsAboutDevFlag(before)).toBe(true);

    // A request whose body is still arriving when the contract changes.
    const inFlight = startSending(url, body, 10);

    // A new request field, as a contract change adds one: declared in one place, and so known to
    // the unknown-field advice of every variant (x-check: known-fields).
    const file = join(copy, SCHEMA);
    const schema = await readFile(file, 'utf8');
    expect(schema).toMatch(/^properties:\n/m);
    const edited = Date.now();
    await writeFile(file, schema.replace(/^properties:\n/m, 'properties:\n  dev_flag:\n    description: A field added while pnpm dev runs.\n    type: boolean\n'));

    let after: RawAnswer = before;
    const deadline = Date.now() + 120_000;
    while (warnsAboutDevFlag(after) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      after = await post();
    }
    const seconds = (Date.now() - edited) / 1000;
    console.log(`pnpm dev: the mock accepted the new field ${seconds.toFixed(1)} s after the edit`);
    expect(after.status, `${after.body}\n${recent()}`).toBe(200);
    expect(warnsAboutDevFlag(after), devLines()).toBe(false);

    // The request begun before the reload is answered by the mock it started on (the old contract).
    inFlight.finish();
    const finished = await within(30_000, 'the request in flight', inFlight.answer);
    expect(finished.status, `${finished.body}\n${recent()}`).toBe(200);
    expect(warnsAboutDevFlag(finished)).toBe(true);

    await waitFor(/\[dev\] done in \d+ ms/, 120_000, 'the rebuild finishing');
    expect(await readFile(join(copy, 'packages/client/src/generated/schema.d.ts'), 'utf8')).toContain('dev_flag');
    expect(await readFile(join(copy, 'packages/contract/src/generated/openapi.yaml'), 'utf8')).toContain('dev_flag');
    expect(output).toMatch(/\[dev\] docs rebuilt: RELOAD http:\/\/127\.0\.0\.1:\d+/);
    expect(output).toContain('[lint]');
  }, 300_000);

  it('keeps serving the last good contract when an edit does not bundle, and says so', async () => {
    const file = join(copy, 'spec/openapi.yaml');
    const good = await readFile(file, 'utf8');
    const mark = output.length;
    await writeFile(file, `${good}\npaths: [unclosed\n`);
    await within(120_000, 'the failed bundle being reported', (async () => {
      while (!output.slice(mark).includes('[dev] the bundle failed')) await new Promise((resolve) => setTimeout(resolve, 200));
    })());
    const [, base] = /\[dev\] mock: (http:\/\/\S+)\/api\/v1\.1/.exec(output)!;
    const answer = await within(30_000, 'the mock answering', send(base + PATH, { headers: { 'Content-Type': 'application/json' }, body }));
    expect(answer.status).toBe(200);
    expect(warnsAboutDevFlag(answer)).toBe(false);
    expect(dev!.exitCode).toBeNull();
  }, 180_000);

  it('refuses an edit that bundles but does not compile (type: strng), says why, and keeps serving the last good contract', async () => {
    const base = baseUrl();
    const mark = output.length;
    // The unbundlable edit of the test before is undone in the same save.
    await writeFile(join(copy, 'spec/openapi.yaml'), await readFile(join(root, 'spec/openapi.yaml'), 'utf8'));
    const schema = await readFile(join(copy, SCHEMA), 'utf8');
    const broken = schema.replace(/(\n {2}token:\n(?: {4}.*\n| *\n)*? {4}type: )string\n/, '$1strng\n');
    expect(broken).not.toBe(schema);
    await writeFile(join(copy, SCHEMA), broken);
    const [line] = await waitFor(/\[dev\] (?:mock reloaded|the new contract was refused)[^\n]*/, 180_000, 'the edit being taken or refused', mark);
    const answer = await within(30_000, 'the mock answering', send(base + PATH, { headers: { 'Content-Type': 'application/json' }, body }));
    expect(answer.status, `${answer.body}\n${devLines()}`).toBe(200);
    expect(warnsAboutDevFlag(answer)).toBe(false);
    console.log(`pnpm dev: ${line}`);
    expect(line).toContain('the new contract was refused');
    expect(line).toContain('strng');
  }, 240_000);

  it('answers the API\'s envelope, without internals, when its mock process dies, and starts a new one on the last good contract', async () => {
    const base = baseUrl();
    const pid = await theMockPid();
    const taskId = await queueTask(base, 901);
    const mark = output.length;
    const inFlight = startSending(base + PATH, body, 10);
    // The request reaches the mock before it dies.
    await new Promise((resolve) => setTimeout(resolve, 500));
    process.kill(pid, 'SIGKILL');
    const answer = await within(30_000, 'the answer to the request in flight', inFlight.answer).catch((error: Error) => {
      throw new Error(`${error.message}\n${recent()}`);
    });
    expect(answer.status, `${answer.body}\n${recent()}`).toBeGreaterThanOrEqual(500);
    const envelope = JSON.parse(answer.body);
    expect(Object.keys(envelope).sort()).toEqual(['error', 'error_debug', 'error_text']);
    expect(envelope.error).toBe(answer.status);
    expect(answer.body).not.toMatch(/ECONN|127\.0\.0\.1|socket|:\d{4,5}/);

    const next = await within(120_000, 'a new mock answering', send(base + PATH, { headers: { 'Content-Type': 'application/json' }, body }));
    expect(next.status, `${next.body}\n${devLines()}`).toBe(200);
    // The contract on disk is the refused one: the new mock serves the last good one.
    expect(warnsAboutDevFlag(next)).toBe(false);
    expect(mockPids()).not.toContain(pid);
    expect(output.slice(mark)).toMatch(/\[dev\] the mock process stopped/);
    // The task queued in the process that died is followed to its end in the new one.
    expect((await completedTask(base, taskId)).data.result.result).toHaveLength(2);
  }, 240_000);

  it('takes the next good edit', async () => {
    const base = baseUrl();
    const taskId = await queueTask(base, 902);
    const mark = output.length;
    // Back to the repository's contract: no dev_flag, token a string.
    await writeFile(join(copy, SCHEMA), await readFile(join(root, SCHEMA), 'utf8'));
    await waitFor(/\[dev\] mock reloaded/, 180_000, 'the good edit being served', mark);
    const answer = await within(30_000, 'the mock answering', send(base + PATH, { headers: { 'Content-Type': 'application/json' }, body }));
    expect(answer.status).toBe(200);
    expect(warnsAboutDevFlag(answer)).toBe(true);
    // Queued before the swap, followed to its end after it, with both profiles' results.
    expect((await completedTask(base, taskId)).data.result.result).toHaveLength(2);
  }, 240_000);

  it('replaces a mock process that dies during a rebuild once: the rebuild\'s new one serves, and no second one runs', async () => {
    const base = baseUrl();
    // The rebuild of the test before must be over: one still running would defer this edit's
    // rebuild, and the lane would be free for the replacement when the mock dies.
    await waitFor(/\[dev\] done in \d+ ms/, 180_000, 'the rebuild before finishing', output.lastIndexOf('[dev] mock reloaded'));
    const pid = await theMockPid();
    const mark = output.length;
    const schema = await readFile(join(copy, SCHEMA), 'utf8');
    await writeFile(join(copy, SCHEMA), schema.replace(/^description: \|\n/m, '$&  Edited while its mock dies.\n'));
    await waitFor(/\[dev\] changed: /, 30_000, 'the edit being seen', mark);
    process.kill(pid, 'SIGKILL');
    await waitFor(/\[dev\] mock reloaded/, 180_000, 'the edit being served', mark);
    await waitFor(/\[dev\] done in \d+ ms/, 180_000, 'the rebuild finishing', mark);
    // The death was seen while the rebuild was bundling (bundling takes seconds), before its swap.
    const log = output.slice(mark);
    expect(log.indexOf('[dev] the mock process stopped'), log).toBeGreaterThan(-1);
    expect(log.indexOf('[dev] the mock process stopped')).toBeLessThan(log.indexOf('[dev] mock reloaded'));
    // The rebuild's process is the replacement; the restart waiting behind it in the lane starts none.
    expect(log).not.toContain('a new mock process serves');
    const survivor = await theMockPid();
    expect(survivor).not.toBe(pid);
    const answer = await within(30_000, 'the mock answering', send(base + PATH, { headers: jsonHeaders, body }));
    expect(answer.status, `${answer.body}\n${recent()}`).toBe(200);
    // Still one, a moment later: nothing was left starting in the lane.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(mockPids()).toEqual([survivor]);
  }, 240_000);
});
