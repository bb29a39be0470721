// The GitHub Action's scripts run as the runner runs them: `node main.mjs` with the inputs as
// INPUT_* variables and the GITHUB_OUTPUT / GITHUB_STATE files, then `node post.mjs` with the
// state main saved as STATE_* variables.
import { execFile, spawn } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { processInfo } from '../src/lifetime.js';

const action = fileURLToPath(new URL('../action/', import.meta.url));
const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
let dir: string;
const started: number[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'altcraft-mock-action-'));
});
afterAll(async () => {
  // A test that failed half-way leaves no mock behind.
  for (const pid of started) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
  await rm(dir, { recursive: true, force: true });
});

interface Step {
  code: number;
  stdout: string;
  outputs: Record<string, string>;
  state: Record<string, string>;
}

const readPairs = async (file: string) =>
  Object.fromEntries(
    (await readFile(file, 'utf8').catch(() => ''))
      .split('\n')
      .filter(Boolean)
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );

/** One step of the action, as the runner runs it, in a fresh runner temp directory of `run`. */
async function step(script: 'main.mjs' | 'post.mjs', run: string, env: Record<string, string>): Promise<Step> {
  await mkdir(run, { recursive: true });
  const files = { GITHUB_OUTPUT: join(run, 'output'), GITHUB_STATE: join(run, 'state') };
  const result = await new Promise<{ code: number; stdout: string }>((resolve) => {
    execFile(process.execPath, [join(action, script)], { cwd: run, env: { ...process.env, RUNNER_TEMP: run, ...files, ...env }, timeout: 240_000 }, (error, stdout, stderr) =>
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout: stdout + stderr }),
    );
  });
  const state = await readPairs(files.GITHUB_STATE);
  if (state.pid) started.push(Number(state.pid));
  return { ...result, outputs: await readPairs(files.GITHUB_OUTPUT), state };
}

/** The runner hands main's state to post as STATE_<name>. */
const asStateEnv = (state: Record<string, string>) => Object.fromEntries(Object.entries(state).map(([name, value]) => [`STATE_${name}`, value]));

const childrenOf = async (pid: number) => {
  const pids = (await readdir('/proc')).filter((name) => /^\d+$/.test(name)).map(Number);
  return pids.filter((p) => processInfo(p)?.ppid === pid);
};
const alive = (pid: number) => {
  const info = processInfo(pid);
  return info !== undefined && info.state !== 'Z' && info.state !== 'X';
};

/** A project whose node_modules has the mock (this workspace's build) as npm would link it. */
async function projectWithMock(at: string): Promise<string> {
  await mkdir(join(at, 'node_modules/.bin'), { recursive: true });
  await symlink(cli, join(at, 'node_modules/.bin/altcraft-mock'));
  return at;
}

describe('the GitHub Action (action/action.yml)', () => {
  it('main starts the mock, writes url and base-url, saves the pid; post stops it and Prism behind it', async () => {
    const project = await projectWithMock(join(dir, 'project'));
    const main = await step('main.mjs', join(dir, 'run1'), { 'INPUT_WORKING-DIRECTORY': project, INPUT_PORT: '0', INPUT_ARGS: '--journal-size 7 --strict', 'INPUT_TIMEOUT-SECONDS': '200' });
    expect(main.code, main.stdout).toBe(0);
    expect(main.outputs.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(main.outputs['base-url']).toBe(`${main.outputs.url}/api/v1.1`);
    const health = await fetch(`${main.outputs.url}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ strict: true });
    // The args reached the mock: its journal holds 7.
    expect(((await (await fetch(`${main.outputs.url}/__mock/requests`)).json()) as { capacity: number }).capacity).toBe(7);
    const pid = Number(main.state.pid);
    expect(alive(pid)).toBe(true);
    const prism = await childrenOf(pid);
    expect(prism.length).toBeGreaterThan(0);

    const post = await step('post.mjs', join(dir, 'run1'), asStateEnv(main.state));
    expect(post.code, post.stdout).toBe(0);
    expect(post.stdout).toContain(`altcraft-mock (pid ${pid}) stopped`);
    expect(post.stdout).toContain('Altcraft mock ready');
    expect(alive(pid)).toBe(false);
    for (const child of prism) expect(alive(child)).toBe(false);
    await expect(fetch(`${main.outputs.url}/health`)).rejects.toThrow();
  }, 300_000);

  it('post signals nothing when the saved pid is no longer the mock (a stale pid reused by another process group)', async () => {
    // A group leader that is not the mock stands where the mock's pid was.
    const stranger = spawn('sleep', ['300'], { detached: true, stdio: 'ignore' });
    try {
      const pid = stranger.pid!;
      await new Promise((resolve) => setTimeout(resolve, 200));
      const start = processInfo(pid)!.start;
      const cases: { state: Record<string, string>; why: RegExp }[] = [
        { state: { STATE_start: String(Number(start) + 1), STATE_cli: '/x/node_modules/.bin/altcraft-mock' }, why: /started at tick/ },
        { state: { STATE_start: start, STATE_cli: '/x/node_modules/.bin/altcraft-mock' }, why: /its command is "sleep 300"/ },
        { state: {}, why: /saved nothing to tell it by/ },
      ];
      for (const [i, { why, state }] of cases.entries()) {
        const post = await step('post.mjs', join(dir, `stale${i}`), { STATE_pid: String(pid), ...state });
        expect(post.code, post.stdout).toBe(0);
        expect(post.stdout).toMatch(new RegExp(`pid ${pid} is not the mock the main step started`));
        expect(post.stdout).toMatch(why);
        expect(post.stdout).toContain('nothing signalled');
        expect(alive(pid), `case ${i}`).toBe(true);
      }
    } finally {
      stranger.kill('SIGKILL');
    }
  }, 60_000);

  it('installs the release tarballs with npm (as overrides) when the project has no mock', async () => {
    // A stand-in for npm on PATH: it records the package.json it was asked to install and
    // links the bin as npm would.
    const bin = join(dir, 'fake-npm');
    await mkdir(bin, { recursive: true });
    await writeFile(
      join(bin, 'npm'),
      `#!${process.execPath}\nconst fs = require('node:fs');\nfs.writeFileSync('asked.json', JSON.stringify({ argv: process.argv.slice(2), pkg: JSON.parse(fs.readFileSync('package.json', 'utf8')) }));\nfs.mkdirSync('node_modules/.bin', { recursive: true });\nfs.symlinkSync(${JSON.stringify(cli)}, 'node_modules/.bin/altcraft-mock');\n`,
    );
    await chmod(join(bin, 'npm'), 0o755);
    const run = join(dir, 'run2');
    const main = await step('main.mjs', run, {
      PATH: `${bin}:${process.env.PATH}`,
      'INPUT_WORKING-DIRECTORY': join(dir, 'empty'),
      INPUT_PACKAGES: 'tarballs/altcraft-api-contract-0.1.0.tgz https://github.com/o/r/releases/download/v1/altcraft-api-mock-0.1.0.tgz',
      INPUT_PORT: '0',
    });
    expect(main.code, main.stdout).toBe(0);
    const asked = JSON.parse(await readFile(join(run, 'altcraft-mock/asked.json'), 'utf8'));
    const tarballs = {
      '@altcraft-api/contract': `file:${join(run, 'tarballs/altcraft-api-contract-0.1.0.tgz')}`,
      '@altcraft-api/mock': 'https://github.com/o/r/releases/download/v1/altcraft-api-mock-0.1.0.tgz',
    };
    expect(asked.argv[0]).toBe('install');
    expect(asked.pkg).toEqual({ private: true, dependencies: tarballs, overrides: tarballs });
    const post = await step('post.mjs', run, asStateEnv(main.state));
    expect(post.code).toBe(0);
    expect(alive(Number(main.state.pid))).toBe(false);
  }, 300_000);

  it('fails the step with the log when the mock exits, and post then has nothing to stop', async () => {
    const project = join(dir, 'broken');
    await mkdir(join(project, 'node_modules/.bin'), { recursive: true });
    await writeFile(join(project, 'node_modules/.bin/altcraft-mock'), "console.error('altcraft-mock: --faults no such rule'); process.exit(2);\n");
    const main = await step('main.mjs', join(dir, 'run3'), { 'INPUT_WORKING-DIRECTORY': project });
    expect(main.code).toBe(1);
    expect(main.stdout).toMatch(/::error::altcraft-mock: the mock exited with code 2:[\s\S]*no such rule/);
    expect(main.outputs).toEqual({});
    const post = await step('post.mjs', join(dir, 'run4'), {});
    expect(post.code).toBe(0);
    expect(post.stdout).toContain('nothing to stop');
  });
});
