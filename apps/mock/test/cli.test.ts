import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { within } from './support/deadline.js';

const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

/** Runs the CLI to its end; a CLI that starts serving instead is killed and fails the test. */
async function run(...args: string[]): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, [cli, '--port', '0', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  try {
    const code = await within(30_000, `altcraft-mock ${args.join(' ')} exiting`, new Promise<number | null>((resolve) => child.once('exit', resolve)));
    return { code, stderr };
  } finally {
    child.kill('SIGKILL');
  }
}

describe('altcraft-mock refuses durations it cannot honour, with exit 2 and the limit', () => {
  it.each([
    // Node fires a timer past 2^31 - 1 ms after about 1 ms: this was a 1 ms latency.
    [['--faults', 'latency:3000000s'], /--faults "latency:3000000s": "3000000s" is longer than the limit of 2147483647ms/],
    [['--faults', '500:0.1,latency:0.5@2147483648ms'], /limit of 2147483647ms/],
    [['--faults', '429:0.5@100000s'], /limit of 86400000ms \(86400s\)/],
    [['--faults', '429:0.5@0s'], /must be more than 0 \(Retry-After is at least 1 second\)/],
    [['--request-timeout', '3000000000'], /--request-timeout 3000000000 is more than the limit of 2147483647/],
    [['--headers-timeout', '1e12'], /--headers-timeout 1e12 is more than the limit of 2147483647/],
  ])('%j', async (args, message) => {
    const { code, stderr } = await run(...args);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
  }, 60_000);
});

describe('altcraft-mock --journal-size', () => {
  it.each([['-1'], ['1.5'], ['ten'], ['']])('refuses "%s" with exit 2', async (size) => {
    const { code, stderr } = await run(`--journal-size=${size}`);
    expect(code).toBe(2);
    expect(stderr).toMatch(/--journal-size must be an integer of 0 or more/);
  }, 60_000);

  it.each([
    [['--journal'], /--journal applies to --proxy/],
    [['--proxy', '--upstream', 'http://127.0.0.1:9', '--journal-size', '50'], /--journal-size with --proxy needs --journal/],
  ])('refuses %j, which would be ignored, with exit 2', async (args, message) => {
    const { code, stderr } = await run(...args);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
  }, 60_000);

  it('is explained in --help, with the proxy\'s --journal', async () => {
    const child = spawn(process.execPath, [cli, '--help'], { stdio: ['ignore', 'pipe', 'ignore'] });
    let stdout = '';
    child.stdout!.on('data', (chunk) => (stdout += chunk));
    await within(30_000, 'altcraft-mock --help', new Promise((resolve) => child.once('exit', resolve)));
    expect(stdout).toMatch(/--journal-size N keeps the last N requests \(default 1000; 0 turns the journal off\)/);
    expect(stdout).toMatch(/GET \/__mock\/requests/);
    expect(stdout).toMatch(/--proxy --upstream URL .*\[--journal/);
  }, 60_000);
});
