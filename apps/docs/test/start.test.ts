// `pnpm start`, the README's main command: the docs and the mock together, both stopped by one
// Ctrl-C. Run with `--only` so that turbo starts the two servers without rebuilding what this
// test run already built (and other test tasks may be reading).
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

/** Linux's first ephemeral port (the range listen(0) draws from); 32768 where /proc says nothing. */
function firstEphemeralPort(): number {
  try {
    return Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]) || 32_768;
  } catch {
    return 32_768;
  }
}

function bindable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/**
 * A free port below the ephemeral range. A port taken with listen(0) and closed was handed to a
 * parallel suite's listen(0) before `pnpm start` bound it (or before the check that it is closed
 * again); listen(0) never hands out a port outside its range.
 */
async function freePort(avoid: number[] = []): Promise<number> {
  const below = firstEphemeralPort();
  // Some thousand ports to draw from, above the privileged ones, however low the range starts.
  const from = Math.max(1024, Math.min(10_000, below - 1000));
  for (;;) {
    const port = from + Math.floor(Math.random() * (below - from));
    if (!avoid.includes(port) && (await bindable(port))) return port;
  }
}

function waitForOutput(child: ChildProcess, patterns: RegExp[], timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${patterns.join(', ')}; output:\n${output}`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (patterns.every((pattern) => pattern.test(output))) {
        clearTimeout(timer);
        resolve(output);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`pnpm start exited (${code}) early; output:\n${output}`));
    });
  });
}

/** Whether nothing listens at the URL any more: a connection refused, not a server that hangs. */
async function refused(url: string): Promise<boolean> {
  try {
    await fetch(url, { signal: AbortSignal.timeout(10_000) });
    return false;
  } catch (error) {
    // A hung server ends in a TimeoutError; only ECONNREFUSED (undici puts it in the cause)
    // says the port is closed.
    return (error as { cause?: { code?: string } }).cause?.code === 'ECONNREFUSED';
  }
}

describe('pnpm start', () => {
  let child: ChildProcess | undefined;
  afterAll(() => {
    // Only reached with the servers still up when an assertion failed before the Ctrl-C.
    if (child?.pid && child.exitCode === null && child.signalCode === null) process.kill(-child.pid, 'SIGKILL');
  });

  it('serves the docs and the mock, prints both URLs, and stops both on Ctrl-C', async () => {
    const mockPort = await freePort();
    const docsPort = await freePort([mockPort]);
    child = spawn('pnpm', ['start', '--only'], {
      cwd: repoRoot,
      env: { ...process.env, MOCK_PORT: String(mockPort), DOCS_PORT: String(docsPort) },
      detached: true, // its own process group, which Ctrl-C signals as a whole
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const docsUrl = `http://127.0.0.1:${docsPort}/`;
    const mockUrl = `http://127.0.0.1:${mockPort}/api/v1.1/workflows/import_and_start_batch`;
    await waitForOutput(child, [new RegExp(`docs: ${docsUrl}`), new RegExp(`mock ready: ${mockUrl}`)], 60_000);

    const page = await fetch(docsUrl);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<html');
    const answer = await fetch(mockUrl, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ token: 'abcdefghijklmnqrstuvwxyz', workflow_id: 12, data: [{ data: { email: 'alisa@example.com' } }] }),
    });
    expect(await answer.json()).toMatchObject({ error: 0 });

    const exited = new Promise((resolve) => child?.once('exit', resolve));
    process.kill(-(child.pid as number), 'SIGINT');
    await exited;
    expect(await refused(docsUrl)).toBe(true);
    expect(await refused(mockUrl)).toBe(true);
  }, 90_000);
});
