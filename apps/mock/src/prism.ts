import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { documentText } from '@altcraft-api/contract';

const require = createRequire(import.meta.url);
/** Names the directory of Prism's copy of the contract for prism-child.js (which reads the same name). */
const PRISM_COPY_ENV = 'ALTCRAFT_PRISM_COPY';
const prismCli = join(dirname(require.resolve('@stoplight/prism-cli/package.json')), 'dist/index.js');
const bundle = require.resolve('@altcraft-api/contract/openapi.json');

export interface PrismProcess {
  /** Where Prism listens, e.g. http://127.0.0.1:41234 */
  url: string;
  /** The copy of the contract Prism was started on; gone once Prism listens (it has read it). */
  document: string;
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
 * The contract this process loaded, in a file of its own for Prism. Given the bundle's path,
 * Prism watches it and reloads when a rebuild rewrites it: the new contract behind this
 * process's validator, compiled from the old one, or, when it reads the file half-written, an
 * exit that takes the mock with it (seen in `pnpm dev` on a busy machine). Where no copy can be
 * written (no usable TMPDIR, a full disk), Prism gets the bundle's path, as it did before, and
 * the log says why: a mock that does not start is worse than that race.
 */
async function privateCopy(): Promise<{ dir?: string; file: string; remove: () => Promise<void> }> {
  let dir: string | undefined;
  const remove = async () => {
    if (dir) await rm(dir, { recursive: true, force: true }).catch(() => undefined);
  };
  try {
    dir = await mkdtemp(join(tmpdir(), 'altcraft-prism-'));
    const file = join(dir, 'openapi.json');
    await writeFile(file, documentText);
    return { dir, file, remove };
  } catch (error) {
    await remove();
    process.stderr.write(
      `altcraft-mock: no copy of the contract for Prism in ${tmpdir()} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); ` +
        'Prism reads the bundle itself, and reloads it if a build rewrites it while the mock runs\n',
    );
    return { file: bundle, remove: async () => undefined };
  }
}

/**
 * Starts Prism on the bundled contract, on a free port of 127.0.0.1, at log level `warn` (its
 * default `info` logs every request and costs about 15x on large bodies). `mock` serves the
 * spec's examples; `proxy` forwards to `upstream` and reports violations in `sl-violations`.
 */
export async function startPrism(mode: 'mock' | 'proxy', upstream?: string): Promise<PrismProcess> {
  const port = await freePort();
  const contract = await privateCopy();
  // The compiled wrapper (`dist/` sits next to `src/`, so this resolves from tests too).
  const wrapper = fileURLToPath(new URL('../dist/prism-child.js', import.meta.url));
  const args = [wrapper, prismCli, mode, contract.file, ...(mode === 'proxy' ? [upstream!] : []), '-h', '127.0.0.1', '-p', String(port), '-v', 'warn'];
  // stdin is a pipe only this process writes to: its end tells the child that the mock is gone.
  // The child removes the copy as it exits too: the mock, killed while Prism starts, cannot.
  const child = spawn(process.execPath, args, { stdio: ['pipe', 'ignore', 'pipe'], env: { ...process.env, ...(contract.dir ? { [PRISM_COPY_ENV]: contract.dir } : {}) } });
  let stderr = '';
  child.stderr!.on('data', (chunk) => (stderr = (stderr + chunk).slice(-4000)));
  // About 1 s on an idle machine; a CI runner busy with other suites can take tens of seconds
  // (over 60 s measured on a 2-core machine running two suites and benchmarks, on Node 22), and
  // a mock that gives up then is a failed CI run for nothing.
  // Prism has read the copy once it listens; it reloads only on a change, which can no longer come.
  const ready = waitForPort(child, port, 180_000)
    .catch((error: Error) => {
      child.kill();
      throw new Error(`${error.message}${stderr ? `: ${stderr.trim()}` : ''}`);
    })
    .finally(contract.remove);
  ready.catch(() => undefined);
  return {
    url: `http://127.0.0.1:${port}`,
    document: contract.file,
    ready,
    // The copy goes too: killed during its start, Prism has not read it, and `ready` may
    // settle only after this process has exited.
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill();
      }).then(contract.remove),
  };
}
