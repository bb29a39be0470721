import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { createServer, connect } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const prismCli = join(dirname(require.resolve('@stoplight/prism-cli/package.json')), 'dist/index.js');
const bundle = require.resolve('@altcraft-api/contract/openapi.json');

export interface PrismProcess {
  /** Where Prism listens, e.g. http://127.0.0.1:41234 */
  url: string;
  /** Resolves when Prism accepts connections; rejects if it exits first. */
  ready: Promise<void>;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

const canConnect = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });

async function waitForPort(child: ChildProcess, port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    // A child killed by a signal (stop() during the start) has a signalCode and no exitCode.
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`Prism exited (${child.exitCode ?? child.signalCode})`);
    if (await canConnect(port)) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`Prism did not listen within ${timeoutMs} ms`);
}

/**
 * Starts Prism on the bundled contract, on a free port of 127.0.0.1, at log level `warn` (its
 * default `info` logs every request and costs about 15x on large bodies). `mock` serves the
 * spec's examples; `proxy` forwards to `upstream` and reports violations in `sl-violations`.
 */
export async function startPrism(mode: 'mock' | 'proxy', upstream?: string): Promise<PrismProcess> {
  const port = await freePort();
  // The compiled wrapper (`dist/` sits next to `src/`, so this resolves from tests too).
  const wrapper = fileURLToPath(new URL('../dist/prism-child.js', import.meta.url));
  const args = [wrapper, prismCli, mode, bundle, ...(mode === 'proxy' ? [upstream!] : []), '-h', '127.0.0.1', '-p', String(port), '-v', 'warn'];
  // stdin is a pipe only this process writes to: its end tells the child that the mock is gone.
  const child = spawn(process.execPath, args, { stdio: ['pipe', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk) => (stderr = (stderr + chunk).slice(-4000)));
  // About 1 s on an idle machine; a CI runner busy with other suites can take tens of seconds
  // (over 60 s measured on a 2-core machine running two suites and benchmarks, on Node 22), and
  // a mock that gives up then is a failed CI run for nothing.
  const ready = waitForPort(child, port, 180_000).catch((error: Error) => {
    child.kill();
    throw new Error(`${error.message}${stderr ? `: ${stderr.trim()}` : ''}`);
  });
  ready.catch(() => undefined);
  return {
    url: `http://127.0.0.1:${port}`,
    ready,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill();
      }),
  };
}
