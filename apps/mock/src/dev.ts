#!/usr/bin/env node
// `pnpm dev`: the contract, live. Watches spec/; on a change it re-lints (printing findings,
// never stopping), re-bundles, regenerates the client's types, rebuilds the docs page and swaps
// the mock for one on the new contract, on the same port.
//
// The mock's validator is compiled from the bundle when its module loads, so a new contract
// needs a new process: this one is a small front on the port that forwards each request to the
// current mock process. A reload starts the next process, sends new requests to it once it is
// up, and stops the previous one when its last request in flight has been answered. A new
// process compiles the whole contract before it listens (dev-check.js): one that bundles but
// does not compile is refused, and the previous process keeps serving. A process that dies is
// replaced, on the last good contract.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { Agent, createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { delimiter, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseOptionsOrExit } from '@altcraft-api/contract/cli-args';
import { TaskKeeper } from './tasks.js';

const USAGE = `usage: pnpm dev [--port N] [--docs-port N] [--no-docs] [--strict]

Serves the mock on 127.0.0.1:$MOCK_PORT (default 4010) and the docs on $DOCS_PORT (default
8080), and rebuilds both from spec/ on every change (lint, bundle, client types, docs, mock).`;

const { values } = parseOptionsOrExit('pnpm dev', {
  options: {
    port: { type: 'string' },
    'docs-port': { type: 'string' },
    'no-docs': { type: 'boolean', default: false },
    strict: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}

/** The repository this file was built in (`apps/mock/dist/dev.js`). */
const root = fileURLToPath(new URL('../../../', import.meta.url));
const specDir = join(root, 'spec');
const port = Number(values.port ?? process.env.MOCK_PORT ?? 4010);
const docsPort = Number(values['docs-port'] ?? process.env.DOCS_PORT ?? 8080);
for (const [name, value] of [['port', port], ['docs port', docsPort]] as const) {
  if (!Number.isInteger(value) || value < 0 || value > 65535) {
    console.error(`dev: invalid ${name} ${value}\n${USAGE}`);
    process.exit(2);
  }
}

const say = (line: string) => console.log(`[dev] ${line}`);

/**
 * Runs a command; its output is printed (each line prefixed with `[label]`) when it fails, or
 * always with `loud`. Resolves with success.
 */
function run(label: string, command: string, args: string[], cwd: string, options: { loud?: boolean; path?: string } = {}): Promise<boolean> {
  return new Promise((resolve) => {
    const env = { ...process.env, REDOCLY_TELEMETRY: 'off', FORCE_COLOR: '0', NO_COLOR: '1', ...(options.path ? { PATH: `${options.path}${delimiter}${process.env.PATH ?? ''}` } : {}) };
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], env });
    let output = '';
    child.stdout!.on('data', (chunk) => (output += chunk));
    child.stderr!.on('data', (chunk) => (output += chunk));
    const print = () => {
      for (const line of output.split('\n')) if (line.trim() !== '' && !/[║╔╚]/.test(line)) console.log(`[${label}] ${line}`);
    };
    child.once('error', (error) => {
      console.log(`[${label}] ${error.message}`);
      resolve(false);
    });
    child.once('close', (code) => {
      if (code !== 0 || options.loud) print();
      resolve(code === 0);
    });
  });
}

/**
 * Runs a package's own script (its package.json is the one definition of the command) with the
 * package's bins on PATH, without pnpm: pnpm's start (about 5 s here, with its lockfile checks)
 * would be most of a reload.
 */
function runScript(label: string, packageDir: string, script: string): Promise<boolean> {
  const dir = join(root, packageDir);
  const command = (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts[script];
  if (!command) return Promise.resolve((console.log(`[${label}] ${packageDir} has no script "${script}"`), false));
  return run(label, 'sh', ['-c', command], dir, { path: join(dir, 'node_modules/.bin') });
}

interface MockProcess {
  child: ChildProcess;
  origin: string;
  agent: Agent;
  inFlight: number;
  retiring: boolean;
}

/** The contract as the mock loads it; a refused one is put back to the last good one. */
const bundleFile = join(root, 'packages/contract/dist/openapi.json');
let lastGoodBundle: Buffer | undefined;

/** The tasks of every mock process, kept here so a swap or a crash loses none (tasks.ts). */
const keptTasks = new TaskKeeper();

/** A contract the new mock process could not compile; the message says why. */
class ContractRefused extends Error {}

/**
 * Starts `altcraft-mock` on a free port (it loads the bundle as it is now, and compiles all of
 * it first) and waits until it listens; the bundle it loaded becomes the last good one.
 */
function startMockProcess(): Promise<MockProcess> {
  const cli = fileURLToPath(new URL('./cli.js', import.meta.url));
  const check = pathToFileURL(fileURLToPath(new URL('./dev-check.js', import.meta.url))).href;
  // Over IPC the mock says where it listens as soon as it does: operations are answered then,
  // and `Prefer` requests wait inside it for Prism, so the swap need not wait for Prism's start.
  const args = ['--import', check, cli, '--port', '0', ...(values.strict ? ['--strict'] : [])];
  const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
  child.stdout!.resume();
  child.stderr!.on('data', (chunk: Buffer) => process.stderr.write(chunk.toString('utf8').replace(/^(?=.)/gm, '[mock] ')));
  return new Promise((resolve, reject) => {
    child.on('message', (message: { listening?: string; refused?: string }) => {
      if (typeof message?.refused === 'string') reject(new ContractRefused(message.refused));
      if (typeof message?.listening !== 'string') return;
      // Nothing writes the bundle between the process's start and here: rebuilds run one at a time.
      lastGoodBundle = readFileSync(bundleFile);
      const mock: MockProcess = { child, origin: message.listening, agent: new Agent({ keepAlive: true }), inFlight: 0, retiring: false };
      child.once('exit', (code, signal) => replaceIfCurrent(mock, signal ?? `exit code ${code}`));
      // It serves once it holds the tasks of the processes before it.
      keptTasks.handOver(child).then(() => resolve(mock), reject);
    });
    // 'close', not 'exit': it comes after the IPC channel is read out, so a refusal's reason is in.
    child.once('close', (code) => reject(new Error(`the mock exited (${code}) before it listened`)));
  });
}

/** After a refused contract: the bundle on disk goes back to the one served, for the next process. */
function restoreLastGoodBundle(): void {
  if (lastGoodBundle) writeFileSync(bundleFile, lastGoodBundle);
}

function stopWhenIdle(mock: MockProcess): void {
  if (!mock.retiring || mock.inFlight > 0) return;
  mock.agent.destroy();
  mock.child.kill('SIGTERM');
}

const alive = (mock: MockProcess) => mock.child.exitCode === null && mock.child.signalCode === null;

// Taken before anything starts, so an edit made while the mock and docs start is not missed.
let known = snapshot();
let current = await startMockProcess().catch((error: Error) => {
  say(error instanceof ContractRefused ? `the contract does not compile, so the mock cannot start: ${error.message}` : error.message);
  process.exit(1);
});
let restarting: Promise<void> | undefined;
let stopping = false;

// The bundle on disk and the process started from it change together: a replacement of a dead
// process and a rebuild's bundle-and-swap never overlap, so the bundle a process reports as the
// last good one is the one it loaded and checked, not one a rebuild wrote meanwhile.
let lane: Promise<unknown> = Promise.resolve();
function inLane<T>(step: () => Promise<T>): Promise<T> {
  const result = lane.then(step);
  lane = result.catch(() => undefined);
  return result;
}

/**
 * A new mock process when the current one is gone; one at a time, whoever asks. A rebuild ahead
 * in the lane may have put a live one in place meanwhile: starting another then would leave one
 * of the two running unseen, with the requests sent to it (seen when the mock died mid-rebuild).
 */
function restart(): Promise<void> {
  restarting ??= inLane(async () => {
    if (alive(current)) return;
    current = await startMockProcess();
    say('a new mock process serves, on the last good contract');
  })
    .catch((error: Error) => say(`the new mock process did not start (the next request tries again): ${error.message}`))
    .finally(() => (restarting = undefined));
  return restarting;
}

function replaceIfCurrent(mock: MockProcess, how: string): void {
  if (mock.retiring || mock !== current || stopping) return;
  say(`the mock process stopped (${how}); starting a new one on the last good contract`);
  void restart();
}

/** The API's envelope, without pnpm dev's internals (ports, socket errors): those go to its log. */
function answerFailure(res: ServerResponse, status: 502 | 503, debug: string): void {
  const body = JSON.stringify({ error: status, error_text: status === 502 ? 'Bad gateway' : 'Service unavailable', error_debug: debug });
  const retry = status === 503 ? { 'Retry-After': '1' } : {};
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(body), ...retry }).end(body);
}

/**
 * Forwards one request to the mock process current when it arrived; it finishes there. When
 * that process refuses the connection, it is gone and never saw the request (a SIGKILLed process
 * is noticed only when its exit event is read, so a request can be sent to it first): the request
 * goes to the new process once, with the body so far replayed. A reset after the connection
 * stays a 502: the process may have seen the request.
 */
async function forward(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const body = { chunks: [] as Buffer[], holding: true };
  req.on('data', (chunk: Buffer) => body.holding && body.chunks.push(chunk));
  for (let attempt = 1; ; attempt++) {
    if (!alive(current)) await restart();
    const target = current;
    if (!alive(target)) return answerFailure(res, 503, 'pnpm dev has no mock process running; its log says why');
    const outcome = await sendTo(target, req, res, body);
    if (outcome !== 'unseen') return;
    if (attempt === 2) return answerFailure(res, 502, 'the mock did not answer this request (pnpm dev starts a new one if its process stopped); send it again');
    say(`${req.method} ${req.url}: the mock process was gone before it saw the request; sending it to the next one`);
    if (alive(target)) await new Promise((resolve) => target.child.once('exit', resolve));
  }
}

/** One attempt; 'unseen' when the process never saw the request and nothing was answered yet. */
function sendTo(target: MockProcess, req: IncomingMessage, res: ServerResponse, body: { chunks: Buffer[]; holding: boolean }): Promise<'done' | 'unseen'> {
  target.inFlight++;
  return new Promise((resolve) => {
    let finished = false;
    const finish = (outcome: 'done' | 'unseen') => {
      if (finished) return;
      finished = true;
      target.inFlight--;
      stopWhenIdle(target);
      resolve(outcome);
    };
    res.once('close', () => finish('done'));
    const upstream = httpRequest(target.origin + req.url, { method: req.method, headers: req.headers, agent: target.agent }, (answer) => {
      body.holding = false;
      body.chunks = [];
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.once('error', (error: NodeJS.ErrnoException) => {
      req.unpipe(upstream);
      if (error.code === 'ECONNREFUSED' && !res.headersSent && !res.destroyed) return finish('unseen');
      say(`${req.method} ${req.url}: the mock process did not answer: ${error.message}`);
      if (res.headersSent) res.destroy();
      else answerFailure(res, 502, 'the mock did not answer this request (pnpm dev starts a new one if its process stopped); send it again');
    });
    for (const chunk of body.chunks) upstream.write(chunk);
    if (req.readableEnded) upstream.end();
    else req.pipe(upstream);
  });
}

const front = createServer((req, res) => {
  forward(req, res).catch((error: Error) => {
    say(`${req.method} ${req.url}: ${error.message}`);
    if (res.headersSent) return void res.destroy();
    answerFailure(res, 502, 'pnpm dev could not pass this request to the mock; its log says why');
  });
});
await new Promise<void>((resolve, reject) => {
  front.once('error', reject);
  front.listen(port, '127.0.0.1', resolve);
});
const mockUrl = `http://127.0.0.1:${(front.address() as AddressInfo).port}`;

const docsBuild = join(root, 'apps/docs/lib/build.js');
const docsServe = join(root, 'apps/docs/lib/serve.js');
let docsUrl: string | undefined;
let docs: ChildProcess | undefined;
if (!values['no-docs'] && existsSync(docsServe)) {
  docs = spawn(process.execPath, [docsServe], { cwd: join(root, 'apps/docs'), stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, DOCS_PORT: String(docsPort) } });
  docsUrl = await new Promise<string | undefined>((resolve) => {
    let output = '';
    docs!.stdout!.on('data', (chunk: Buffer) => {
      output += chunk;
      const match = /(http:\/\/\S+)/.exec(output);
      if (match) resolve(match[1]);
    });
    docs!.once('exit', () => resolve(undefined));
  });
}

say(`mock: ${mockUrl}/api/v1.1 (health: ${mockUrl}/health)`);
if (docsUrl) say(`docs: ${docsUrl}`);
say(`watching ${specDir}; edit the contract and save`);

/** Bundles the contract and swaps the mock for one on it; false when the last good one stays. */
async function bundleAndSwap(started: number): Promise<{ reloaded: boolean; lint: Promise<boolean> }> {
  const bundled = await runScript('bundle', 'packages/contract', 'build:bundle');
  // Lint runs after the bundle (on two cores, alongside it would slow the reload) and is printed
  // while the rest goes on: a finding is news, not a reason to stop.
  const lint = Promise.all([runScript('lint', 'packages/contract', 'lint:redocly'), runScript('lint', 'packages/contract', 'lint:spectral')]).then((results) => {
    const clean = results.every(Boolean);
    say(clean ? 'lint: no findings' : 'lint: findings above (the contract is still served)');
    return clean;
  });
  if (!bundled) {
    // A bundle that failed half-way must not be what a replacement of a dead mock process loads.
    restoreLastGoodBundle();
    say('the bundle failed (above); the mock, types and docs stay on the last good contract');
    return { reloaded: false, lint };
  }
  // Types and docs follow the mock: a contract the mock refuses is not published to them either.
  const reloaded = await startMockProcess().then(
    (next) => {
      const previous = current;
      current = next;
      previous.retiring = true;
      stopWhenIdle(previous);
      say(`mock reloaded on ${mockUrl} (${Date.now() - started} ms after the change)`);
      return true;
    },
    (error: Error) => {
      if (!(error instanceof ContractRefused)) return say(`the new mock did not start, the previous one keeps serving: ${error.message}`), false;
      restoreLastGoodBundle();
      say(`the new contract was refused, it does not compile: ${error.message}; the mock, types and docs stay on the last good contract`);
      return false;
    },
  );
  return { reloaded, lint };
}

/** One rebuild after a change; the last good contract keeps being served when a step fails. */
async function rebuild(): Promise<void> {
  const started = Date.now();
  const { reloaded, lint } = await inLane(() => bundleAndSwap(started));
  if (!reloaded) {
    await lint;
    return;
  }
  const types = runScript('types', 'packages/client', 'generate').then((ok) => ok && say('client types regenerated (packages/client/src/generated)'));
  const page = existsSync(docsBuild)
    ? run('docs', process.execPath, [docsBuild], join(root, 'apps/docs')).then((ok) => {
        if (ok) say(`docs rebuilt: RELOAD ${docsUrl ?? 'the docs page'} in the browser`);
      })
    : Promise.resolve();
  await Promise.all([lint, types, page]);
  say(`done in ${Date.now() - started} ms`);
}

// One rebuild at a time; changes during one start one more afterwards (bursts of saves collapse).
let running: Promise<void> | undefined;
let again = false;
let timer: NodeJS.Timeout | undefined;
function schedule(): void {
  if (running) return void (again = true);
  running = rebuild()
    .catch((error: Error) => say(`rebuild failed: ${error.stack ?? error.message}`))
    .finally(() => {
      running = undefined;
      if (again) {
        again = false;
        schedule();
      }
    });
}
/**
 * Every file under spec/ with its size and mtime. Polled rather than fs.watch: recursive watching
 * on Linux missed edits on Node 20 here, and editors that save by renaming defeat file watches;
 * the spec is a few dozen files, so a scan every 300 ms costs nothing.
 */
function snapshot(dir = specDir, into = new Map<string, string>()): Map<string, string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) snapshot(path, into);
    // Only what the contract is made of: editors' and sed's temporary files are not a change.
    else if (entry.isFile() && /\.(ya?ml|json|md)$/.test(entry.name)) {
      try {
        const stat = statSync(path);
        into.set(path, `${stat.size}:${stat.mtimeMs}`);
      } catch {
        // Gone between the listing and the stat: the next scan sees it gone.
      }
    }
  }
  return into;
}
const watcher = setInterval(() => {
  const now = snapshot();
  const changed = [...new Set([...now.keys(), ...known.keys()])].filter((path) => now.get(path) !== known.get(path));
  known = now;
  if (changed.length === 0) return;
  clearTimeout(timer);
  // A burst of saves (a formatter, a multi-file edit) becomes one rebuild.
  timer = setTimeout(() => {
    say(`changed: ${changed.map((path) => path.slice(root.length)).join(', ')}`);
    schedule();
  }, 150);
}, 300);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    stopping = true;
    clearInterval(watcher);
    front.closeAllConnections();
    front.close();
    current.child.kill('SIGTERM');
    docs?.kill('SIGTERM');
    process.exit(0);
  });
}
