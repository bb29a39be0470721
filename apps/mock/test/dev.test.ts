// `pnpm dev` in a temporary copy of the repository: a spec edit reaches the running mock (same
// port), the client's types and the docs, and a request in flight during the reload finishes.
import { spawn, type ChildProcess } from 'node:child_process';
import { cp, mkdtemp, readFile, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { within } from './support/deadline.js';
import { send, type RawAnswer } from './support/http.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const SCHEMA = 'spec/components/schemas/BatchRequestCommon.yaml';
const PATH = '/api/v1.1/workflows/import_and_start_batch';
const body = JSON.stringify({ workflow_id: 1, token: 't', dev_flag: true, data: [{ data: { email: 'a@example.com' } }] });

let copy: string;
let dev: ChildProcess | undefined;
let output = '';

/**
 * The repository without .git and caches; workspace links are relative, so they point into the
 * copy, and the installed packages are shared through a link to the root's node_modules.
 */
async function copyRepository(): Promise<string> {
  const target = await mkdtemp(join(tmpdir(), 'altcraft-dev-'));
  for (const entry of await readdir(root)) {
    if (['.git', 'node_modules', '.turbo'].includes(entry)) continue;
    await cp(join(root, entry), join(target, entry), { recursive: true, verbatimSymlinks: true, filter: (source) => !source.endsWith('/.turbo') });
  }
  await symlink(join(root, 'node_modules'), join(target, 'node_modules'));
  return target;
}

function waitFor(pattern: RegExp, ms: number, what: string): Promise<RegExpExecArray> {
  return within(
    ms,
    `${what} (pnpm dev printed: ${output.slice(-3000)})`,
    new Promise((resolve) => {
      const check = () => {
        const match = pattern.exec(output);
        if (match) return resolve(match);
        setTimeout(check, 100);
      };
      check();
    }),
  );
}

const devLines = () => output.split('\n').filter((line) => !line.startsWith('[mock]')).join('\n');
const warnsAboutDevFlag = (answer: RawAnswer) => String(answer.headers['x-altcraft-mock-warnings'] ?? '').includes('/dev_flag');

beforeAll(async () => {
  copy = await copyRepository();
  dev = spawn(process.execPath, [join(copy, 'apps/mock/dist/dev.js'), '--port', '0', '--docs-port', '0'], { cwd: copy, stdio: ['ignore', 'pipe', 'pipe'] });
  dev.stdout!.on('data', (chunk) => (output += chunk));
  dev.stderr!.on('data', (chunk) => (output += chunk));
}, 120_000);

afterAll(async () => {
  if (dev && dev.exitCode === null) {
    const exited = new Promise((resolve) => dev!.once('exit', resolve));
    dev.kill('SIGTERM');
    await exited;
  }
  if (copy) await rm(copy, { recursive: true, force: true });
});

describe('pnpm dev', () => {
  it('serves the edited contract on the same port within seconds, finishing requests in flight on the previous one', async () => {
    const [, base] = await waitFor(/\[dev\] mock: (http:\/\/\S+)\/api\/v1\.1/, 90_000, 'pnpm dev starting');
    await waitFor(/\[dev\] watching /, 30_000, 'pnpm dev watching');
    const url = base + PATH;
    const post = () => within(30_000, 'the mock answering', send(url, { headers: { 'Content-Type': 'application/json' }, body }));
    const before = await post();
    expect(before.status).toBe(200);
    expect(warnsAboutDevFlag(before)).toBe(true);

    // A request whose body is still arriving when the contract changes.
    const bytes = Buffer.from(body);
    let inFlightAnswer!: Promise<RawAnswer>;
    const inFlight = httpRequest(url, { method: 'POST', headers: { 'Content-Type': 'application/json', 'Content-Length': bytes.length } });
    inFlightAnswer = new Promise((resolve, reject) => {
      inFlight.once('response', (res) => {
        let text = '';
        res.on('data', (chunk) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: text }));
      });
      inFlight.once('error', reject);
    });
    inFlight.write(bytes.subarray(0, 10));

    // A new request field, as a contract change adds one: declared in one place, and so known to
    // the unknown-field advice of every variant (x-check: known-fields).
    const file = join(copy, SCHEMA);
    const schema = await readFile(file, 'utf8');
    expect(schema).toMatch(/^properties:\n/m);
    const edited = Date.now();
    await writeFile(file, schema.replace(/^properties:\n/m, 'properties:\n  dev_flag:\n    description: A field added while pnpm dev runs.\n    type: boolean\n'));

    let after: RawAnswer = before;
    const deadline = Date.now() + 120_000;
    while (warnsAboutDevFlag(after) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      after = await post();
    }
    const seconds = (Date.now() - edited) / 1000;
    console.log(`pnpm dev: the mock accepted the new field ${seconds.toFixed(1)} s after the edit`);
    expect(after.status).toBe(200);
    expect(warnsAboutDevFlag(after), devLines()).toBe(false);

    // The request begun before the reload is answered by the mock it started on (the old contract).
    inFlight.end(bytes.subarray(10));
    const finished = await within(30_000, 'the request in flight', inFlightAnswer);
    expect(finished.status).toBe(200);
    expect(warnsAboutDevFlag(finished)).toBe(true);

    await waitFor(/\[dev\] done in \d+ ms/, 120_000, 'the rebuild finishing');
    expect(await readFile(join(copy, 'packages/client/src/generated/schema.d.ts'), 'utf8')).toContain('dev_flag');
    expect(await readFile(join(copy, 'packages/contract/src/generated/openapi.yaml'), 'utf8')).toContain('dev_flag');
    expect(output).toMatch(/\[dev\] docs rebuilt: RELOAD http:\/\/127\.0\.0\.1:\d+/);
    expect(output).toContain('[lint]');
  }, 300_000);

  it('keeps serving the last good contract when an edit does not bundle, and says so', async () => {
    const file = join(copy, 'spec/openapi.yaml');
    const good = await readFile(file, 'utf8');
    const mark = output.length;
    await writeFile(file, `${good}\npaths: [unclosed\n`);
    await within(120_000, 'the failed bundle being reported', (async () => {
      while (!output.slice(mark).includes('[dev] the bundle failed')) await new Promise((resolve) => setTimeout(resolve, 200));
    })());
    const [, base] = /\[dev\] mock: (http:\/\/\S+)\/api\/v1\.1/.exec(output)!;
    const answer = await within(30_000, 'the mock answering', send(base + PATH, { headers: { 'Content-Type': 'application/json' }, body }));
    expect(answer.status).toBe(200);
    expect(warnsAboutDevFlag(answer)).toBe(false);
    expect(dev!.exitCode).toBeNull();
  }, 180_000);
});
