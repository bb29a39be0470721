import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { documentText, isJsonObject } from '@altcraft-api/contract';

const require = createRequire(import.meta.url);
/** Names the directory of Prism's copy of the contract for prism-child.js (which reads the same name). */
const PRISM_COPY_ENV = 'ALTCRAFT_PRISM_COPY';
const prismCli = join(dirname(require.resolve('@stoplight/prism-cli/package.json')), 'dist/index.js');
const bundle = require.resolve('@altcraft-api/contract/openapi.json');

export interface PrismProcess {
  /** Where Prism listens, e.g. http://127.0.0.1:41234; known once `ready` has resolved. */
  readonly url: string;
  /** The copy of the contract Prism was started on; removed when Prism stops. */
  document: string;
  /** Resolves when Prism accepts connections; rejects if it exits first. */
  ready: Promise<void>;
  stop(): Promise<void>;
}

/**
 * Prism's port, as prism-child.js reports it over IPC when Prism's server listens. Prism binds
 * port 0 and the kernel picks: a port probed free and closed before Prism bound it was taken by
 * another process now and then on a busy machine, whose server then passed for Prism (the
 * mock's `Prefer` requests failed with "fetch failed" until the end of the run).
 */
function listeningPort(child: ChildProcess, timeoutMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const settle = (error?: Error, port?: number) => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
      if (error) reject(error);
      else resolve(port!);
    };
    const onMessage = (message: unknown) => {
      if (isJsonObject(message) && typeof message.prismPort === 'number') settle(undefined, message.prismPort);
    };
    // Killed by a signal (stop() during the start), the child has a signal and no exit code.
    const onExit = (code: number | null, signal: string | null) => settle(new Error(`Prism exited (${code ?? signal})`));
    const timer = setTimeout(() => settle(new Error(`Prism did not listen within ${timeoutMs} ms`)), timeoutMs);
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
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

/** How often a request to Prism is sent before its connection's failure is the answer. */
const PRISM_ATTEMPTS = 3;

/** A connection that broke under a request, as undici reports it (not a refusal: Prism is gone then). */
function connectionBroke(error: unknown): boolean {
  const code = (error as { cause?: { code?: unknown } }).cause?.code;
  return error instanceof TypeError && (code === 'UND_ERR_SOCKET' || code === 'ECONNRESET' || code === 'EPIPE');
}

/**
 * A request to Prism, sent again on a broken connection. A kept-alive connection that Prism
 * closed after its 5 s of idleness, while this process was too busy to read the close (a suite
 * beside it on a 2-core machine), takes the next request and breaks under it: "fetch failed" and
 * a 500 for a `Prefer` request the mock could answer. Prism's mock has no side effects, so a
 * second send is safe; the broken socket is dropped from the pool, so each retry takes another.
 */
export async function askPrism(url: string, init: RequestInit & { body: string }): Promise<Response> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fetch(url, init);
    } catch (error) {
      if (attempt === PRISM_ATTEMPTS || !connectionBroke(error)) throw error;
    }
  }
}

/**
 * Starts Prism on the bundled contract, on a free port of 127.0.0.1, at log level `warn` (its
 * default `info` logs every request and costs about 15x on large bodies). `mock` serves the
 * spec's examples; `proxy` forwards to `upstream` and reports violations in `sl-violations`.
 */
export async function startPrism(mode: 'mock' | 'proxy', upstream?: string): Promise<PrismProcess> {
  const contract = await privateCopy();
  // The compiled wrapper (`dist/` sits next to `src/`, so this resolves from tests too).
  const wrapper = fileURLToPath(new URL('../dist/prism-child.js', import.meta.url));
  const args = [wrapper, prismCli, mode, contract.file, ...(mode === 'proxy' ? [upstream!] : []), '-h', '127.0.0.1', '-p', '0', '-v', 'warn'];
  // stdin is a pipe only this process writes to: its end tells the child that the mock is gone.
  // The child removes the copy as it exits too: the mock, killed while Prism starts, cannot.
  const child = spawn(process.execPath, args, { stdio: ['pipe', 'ignore', 'pipe', 'ipc'], env: { ...process.env, ...(contract.dir ? { [PRISM_COPY_ENV]: contract.dir } : {}) } });
  let stderr = '';
  child.stderr!.on('data', (chunk) => (stderr = (stderr + chunk).slice(-4000)));
  let url: string | undefined;
  // About 1 s on an idle machine; a CI runner busy with other suites can take tens of seconds
  // (over 60 s measured on a 2-core machine running two suites and benchmarks, on Node 22), and
  // a mock that gives up then is a failed CI run for nothing. The copy stays while Prism runs:
  // its file watcher is set up after it listens, on the file it was given.
  const ready = listeningPort(child, 180_000)
    .then((port) => {
      url = `http://127.0.0.1:${port}`;
    })
    .catch((error: Error) => {
      child.kill();
      throw new Error(`${error.message}${stderr ? `: ${stderr.trim()}` : ''}`);
    })
    .catch(async (error: Error) => {
      await contract.remove();
      throw error;
    });
  ready.catch(() => undefined);
  return {
    get url() {
      if (url === undefined) throw new Error('Prism is not listening yet: await `ready` first');
      return url;
    },
    document: contract.file,
    ready,
    // The copy goes with Prism, whether it listened or was killed during its start (when
    // `ready` may settle only after this process has exited).
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill();
      }).then(contract.remove),
  };
}
