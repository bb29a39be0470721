import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, mkdtempSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { refusedBaseUrl } from '../src/faults.js';
import { within } from './support/deadline.js';
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
    // Its copy of the contract, which the killed mock cannot remove: Prism's wrapper does.
    const copy = /(?:^|\0)ALTCRAFT_PRISM_COPY=([^\0]+)/.exec(readFileSync(`/proc/${prism[0]}/environ`, 'utf8'))?.[1];
    expect(copy).toMatch(/altcraft-prism-/);
    process.kill(mock, 'SIGKILL');
    await allGone(prism, 20_000);
    expect(alive(prism[0]!)).toBe(false);
    expect(existsSync(copy!)).toBe(false);
  }, 300_000);
});

describe('startPrism', () => {
  it('settles `ready` soon after stop() during the start, and leaves nothing that keeps the process alive', async () => {
    const { startPrism } = await import('../src/prism.js');
    const prism = await startPrism('mock');
    await prism.stop();
    // Its copy of the contract too, though Prism never got to read it.
    expect(existsSync(dirname(prism.document))).toBe(false);
    // Killed by a signal, the child has a signalCode and no exitCode: the wait for its port
    // polled on for its full 180 s (a jest run that stopped the mock early hung that long).
    const settled = await Promise.race([prism.ready.then(() => 'ready', () => 'rejected'), new Promise((resolve) => setTimeout(resolve, 5_000, 'still waiting'))]);
    expect(settled).not.toBe('still waiting');
  }, 60_000);

  it('starts Prism on a copy of the contract this process loaded, not on the bundle a rebuild rewrites, and removes the copy when Prism stops', async () => {
    const { startPrism } = await import('../src/prism.js');
    const { documentText } = await import('@altcraft-api/contract');
    const bundle = createRequire(import.meta.url).resolve('@altcraft-api/contract/openapi.json');
    const prism = await startPrism('mock');
    try {
      expect(realpathSync(prism.document)).not.toBe(realpathSync(bundle));
      expect(readFileSync(prism.document, 'utf8')).toBe(documentText);
      await prism.ready;
      // Prism watches the file it was given from the moment it listens: the copy stays.
      expect(existsSync(prism.document)).toBe(true);
      // What answers at its URL is this Prism (its error for a path no contract has), at the
      // port its server took, not one probed free beforehand that another process could take.
      const answer = await fetch(`${prism.url}/no-such-path`);
      expect(answer.status).toBe(404);
      expect(await answer.text()).toContain('NO_PATH_MATCHED_ERROR');
    } finally {
      await prism.stop();
    }
    expect(existsSync(dirname(prism.document))).toBe(false);
  }, 300_000);

  it('has its wrapper remove the contract copy it was given once the mock is gone, which a mock killed during the start cannot do', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'altcraft-prism-'));
    writeFileSync(join(dir, 'openapi.json'), '{}');
    // Stands in for Prism's CLI: runs until the wrapper ends it.
    const idle = join(dir, 'idle.mjs');
    writeFileSync(idle, 'setInterval(() => {}, 1000);\n');
    const wrapper = fileURLToPath(new URL('../dist/prism-child.js', import.meta.url));
    const child = spawn(process.execPath, [wrapper, idle], { stdio: ['pipe', 'ignore', 'inherit'], env: { ...process.env, ALTCRAFT_PRISM_COPY: dir } });
    cleanup.push(child.pid!);
    const exited = new Promise((resolve) => child.once('exit', resolve));
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(existsSync(dir)).toBe(true);
    child.stdin!.end();
    expect(await within(30_000, 'the wrapper exiting', exited)).toBe(0);
    expect(existsSync(dir)).toBe(false);
  }, 60_000);

  it('starts Prism on the bundle itself, and says so, where no copy can be written (no usable TMPDIR)', async () => {
    const child = spawn(process.execPath, [cli, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, TMPDIR: '/nonexistent/altcraft' } });
    cleanup.push(child.pid!);
    let stderr = '';
    child.stderr!.on('data', (chunk) => (stderr += chunk));
    const port = await readyPort(child);
    expect(stderr).toMatch(/no copy of the contract for Prism in \/nonexistent\/altcraft \(ENOENT\); Prism reads the bundle itself/);
    // Answered by Prism: the example the Prefer header names.
    const answer = await fetch(`http://127.0.0.1:${port}/api/v1.1/workflows/import_and_start_batch`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Prefer: 'code=400' },
      body: JSON.stringify({ workflow_id: 1, token: 't', data: [{ data: { email: 'a@example.com' } }] }),
    });
    expect(answer.status).toBe(400);
    child.kill('SIGTERM');
  }, 300_000);
});

describe('askPrism', () => {
  /** A server that breaks the connection under each of the first `breaks` requests, then answers. */
  async function breaking(breaks: number) {
    let seen = 0;
    const server = createServer((req, res) => {
      seen++;
      if (seen <= breaks) return void req.socket.destroy();
      res.end(`answered request ${seen}`);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    return { url, seen: () => seen, close: () => new Promise((resolve) => (server.closeAllConnections(), server.close(resolve))) };
  }

  it('sends again on a connection that broke under the request, as a kept-alive one Prism closed does', async () => {
    const { askPrism } = await import('../src/prism.js');
    const server = await breaking(2);
    try {
      const answer = await askPrism(server.url, { method: 'POST', body: '{}' });
      expect(await answer.text()).toBe('answered request 3');
    } finally {
      await server.close();
    }
  });

  it('gives up after three broken connections with the failure', async () => {
    const { askPrism } = await import('../src/prism.js');
    const server = await breaking(Infinity);
    try {
      const failure = await askPrism(server.url, { method: 'POST', body: '{}' }).catch((error: Error) => error);
      expect(failure).toBeInstanceOf(TypeError);
      expect(server.seen()).toBe(3);
    } finally {
      await server.close();
    }
  });

  it('does not send again where nothing listens (Prism is gone)', async () => {
    const { askPrism } = await import('../src/prism.js');
    const url = new URL(await refusedBaseUrl()).origin;
    // Counted at fetch: a refusal leaves nothing on a server to count, and a retried refusal
    // ends in the same error.
    const sends = vi.spyOn(globalThis, 'fetch');
    try {
      const failure = (await askPrism(url, { method: 'POST', body: '{}' }).catch((error: Error) => error)) as Error & { cause?: { code?: string } };
      expect(failure.cause?.code).toBe('ECONNREFUSED');
      expect(sends).toHaveBeenCalledTimes(1);
    } finally {
      sends.mockRestore();
    }
  });
});
