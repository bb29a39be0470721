import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { launchers, processInfo } from '../src/lifetime.js';
import { alive, allGone, killRecorded, readyPort, startTime, treeOf } from './support/processes.js';

const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

// A project that has the mock installed, as `npx altcraft-mock` finds it: node_modules/.bin.
const project = mkdtempSync(join(tmpdir(), 'altcraft-mock-npx-'));
mkdirSync(join(project, 'node_modules/.bin'), { recursive: true });
writeFileSync(join(project, 'package.json'), '{"name":"uses-the-mock","version":"1.0.0","private":true}');
symlinkSync(cli, join(project, 'node_modules/.bin/altcraft-mock'));
// npm makes a bin's target executable when it installs it; tsc writes dist/cli.js without the bit.
chmodSync(cli, 0o755);
afterAll(() => rmSync(project, { recursive: true, force: true }));

// Recorded with their start times: a pid that ended may be reused by another process by the
// time the test cleans up, on a busy machine.
let started: { pid: number; started: string | undefined }[] = [];
afterEach(() => {
  killRecorded(started.reverse());
  started = [];
});

/** Starts `command` the way a CI script would, and the pids of it and all it started, once ready. */
async function startReady(command: string, args: string[]): Promise<{ pid: number; tree: number[] }> {
  const child = spawn(command, args, { cwd: project, stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, npm_config_update_notifier: 'false' } });
  started.push({ pid: child.pid!, started: startTime(child.pid!) });
  await readyPort(child);
  const tree = treeOf(child.pid!);
  started.push(...tree.map((pid) => ({ pid, started: startTime(pid) })));
  return { pid: child.pid!, tree };
}

/** The ancestors of `pid` by ps, with their command lines: the oracle for launchers(). */
function ancestorsByPs(pid: number): { pid: number; args: string }[] {
  const chain: { pid: number; args: string }[] = [];
  for (let current = pid; ; ) {
    const ppid = Number(execFileSync('ps', ['-o', 'ppid=', '-p', String(current)], { encoding: 'utf8' }).trim());
    if (!(ppid > 1)) return chain;
    chain.push({ pid: ppid, args: execFileSync('ps', ['-o', 'args=', '-p', String(ppid)], { encoding: 'utf8' }).trim() });
    current = ppid;
  }
}

describe.runIf(process.platform === 'linux')('stopping the mock', () => {
  it.each(['SIGTERM', 'SIGINT', 'SIGHUP'] as const)('%s to the bin itself stops it and Prism', async (signal) => {
    const { pid, tree } = await startReady(process.execPath, [cli, '--port', '0']);
    expect(tree.length).toBe(2);
    process.kill(pid, signal);
    await allGone(tree, 30_000);
  }, 300_000);

  // Not SIGINT: npm catches it and waits for its child (a terminal's Ctrl-C reaches the whole
  // process group, the mock included), and every process in the chain is still alive, so there
  // is nothing for the mock to see. A script stops npx with SIGTERM, kill's default.
  it.each(['SIGTERM', 'SIGHUP'] as const)('%s to `npx altcraft-mock` (npm, then sh -c, then the mock) stops everything it started', async (signal) => {
    const { pid, tree } = await startReady('npx', ['--offline', 'altcraft-mock', '--port', '0']);
    // npm, its sh -c, the mock, Prism.
    expect(tree.length).toBe(4);
    process.kill(pid, signal);
    await allGone(tree, 30_000);
  }, 300_000);

  it('finds the runner chain above the mock as ps sees it (npm and its sh -c), and nothing above npm', async () => {
    const { tree } = await startReady('npx', ['--offline', 'altcraft-mock', '--port', '0']);
    const mock = tree[2]!;
    const found = launchers(mock).map((p) => p.pid);
    const byPs = ancestorsByPs(mock);
    expect(byPs[0]!.args).toMatch(/^sh -c /);
    expect(byPs[1]!.args).toMatch(/^npm /);
    expect(found).toEqual([byPs[0]!.pid, byPs[1]!.pid]);
    // The test process above npm is no runner.
    expect(found).not.toContain(process.pid);
    // Stopped, not SIGKILLed by the cleanup with Prism: the mock removes Prism's contract copy.
    process.kill(mock, 'SIGTERM');
    await allGone(tree, 30_000);
  }, 300_000);

  it('reads /proc/PID/stat right when the command name has spaces and parentheses', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'altcraft-comm-'));
    try {
      const odd = join(dir, 'a) (b c');
      symlinkSync(execFileSync('sh', ['-c', 'command -v sleep'], { encoding: 'utf8' }).trim(), odd);
      const child = spawn(odd, ['30'], { stdio: 'ignore' });
      started.push({ pid: child.pid!, started: startTime(child.pid!) });
      await new Promise((resolve) => child.once('spawn', resolve));
      const info = processInfo(child.pid!)!;
      expect(info.ppid).toBe(Number(execFileSync('ps', ['-o', 'ppid=', '-p', String(child.pid)], { encoding: 'utf8' }).trim()));
      expect(info.state).toMatch(/^[RS]$/);
      expect(alive(child.pid!)).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
