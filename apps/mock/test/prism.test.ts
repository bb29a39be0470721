import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { alive, allGone, childrenOf, readyPort } from './support/processes.js';

const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const cleanup: number[] = [];
afterEach(() => {
  for (const pid of cleanup.splice(0)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});

describe('the Prism child', () => {
  it('exits when the mock is killed with SIGKILL, even while the dead mock is an unreaped zombie', async () => {
    // The mock's parent is a shell that execs `sleep`, which never reaps it: after SIGKILL the
    // mock stays a zombie, and its pid still answers kill(pid, 0).
    const parent = spawn('sh', ['-c', `"${process.execPath}" "${cli}" --port 0 & echo "pid $!"; exec sleep 600`], { stdio: ['ignore', 'pipe', 'inherit'] });
    cleanup.push(parent.pid!);
    let out = '';
    parent.stdout!.on('data', (chunk) => (out += chunk));
    await readyPort(parent);
    const mock = Number(/pid (\d+)/.exec(out)![1]);
    const prism = childrenOf(mock);
    expect(prism).toHaveLength(1);
    cleanup.push(...prism);
    process.kill(mock, 'SIGKILL');
    await allGone(prism, 20_000);
    expect(alive(prism[0]!)).toBe(false);
  }, 300_000);
});

describe('startPrism', () => {
  it('settles `ready` soon after stop() during the start, and leaves nothing that keeps the process alive', async () => {
    const { startPrism } = await import('../src/prism.js');
    const prism = await startPrism('mock');
    await prism.stop();
    // Killed by a signal, the child has a signalCode and no exitCode: the wait for its port
    // polled on for its full 180 s (a jest run that stopped the mock early hung that long).
    const settled = await Promise.race([prism.ready.then(() => 'ready', () => 'rejected'), new Promise((resolve) => setTimeout(resolve, 5_000, 'still waiting'))]);
    expect(settled).not.toBe('still waiting');
  }, 60_000);
});
