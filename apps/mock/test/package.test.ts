// The mock as another repository gets it: packed with its workspace dependencies, installed
// with npm in a directory outside the workspace, and run through its `altcraft-mock` bin.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { within } from './support/deadline.js';
import { npm, scratchNpmEnvironment } from './support/npm.js';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../../../', import.meta.url));
const PACKAGES = ['packages/contract', 'apps/mock', 'packages/client'];

let dir: string;
const children: ChildProcess[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'altcraft-mock-package-'));
  const tarballs = join(dir, 'tarballs');
  const ours: Record<string, string> = {};
  for (const pkg of PACKAGES) {
    const { name } = JSON.parse(await readFile(join(root, pkg, 'package.json'), 'utf8')) as { name: string };
    const packed = await run('pnpm', ['pack', '--pack-destination', tarballs], { cwd: join(root, pkg) });
    ours[name] = `file:./tarballs/${basename(packed.stdout.trim().split('\n').at(-1)!)}`;
  }
  // Ours only from the tarballs: the overrides stop npm from asking the registry for the
  // contract that the client and the mock depend on (a lookup per run, and the registry's
  // package of that name would not be the one under test).
  await writeFile(join(dir, 'package.json'), JSON.stringify({ name: 'another-repository', private: true, type: 'module', dependencies: ours, overrides: ours }));
  const env = scratchNpmEnvironment(dir);
  // Third-party dependencies come from the npm registry, into a cache of this test's own
  // (support/npm.ts says why). One request first, with one quick retry: when npm cannot reach
  // the registry (inside turbo without NODE_EXTRA_CA_CERTS it retried each request for 70 s,
  // past the budget in all) the test says so in seconds.
  const prism = (JSON.parse(await readFile(join(root, 'apps/mock/package.json'), 'utf8')) as { dependencies: Record<string, string> }).dependencies['@stoplight/prism-cli'];
  await npm(['view', `@stoplight/prism-cli@${prism}`, 'version', '--fetch-retries=1', '--fetch-retry-mintimeout=1000', '--fetch-retry-maxtimeout=2000'], { cwd: dir, env, budgetMs: 60_000 });
  // No install scripts: none of the tree needs one, and on Node 24 it holds @scarf/scarf, whose
  // postinstall posts install analytics to the internet (the workspace refuses it too).
  // With an empty cache: 13-32 s for this file alone, 42-68 s inside full suites (Node 20-24,
  // load 10-20); a warm shared ~/.npm gave 5-8 s, but only for the trees earlier runs had left.
  const budgetMs = 540_000;
  const installed = await npm(['install', '--ignore-scripts', '--no-audit', '--no-fund'], { cwd: dir, env, budgetMs });
  console.log(`npm install of the packed tarballs into an empty cache: ${installed.seconds.toFixed(1)} s on node ${process.version}`);
}, 600_000);

afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Starts the installed `altcraft-mock` and resolves with its origin once it says it is ready. */
async function startInstalled(args: string[]): Promise<string> {
  const child = spawn(join(dir, 'node_modules/.bin/altcraft-mock'), ['--port', '0', ...args], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let output = '';
  const ready = new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (chunk) => {
      output += chunk;
      const match = /health: (http:\/\/[^/\s]+)\/health/.exec(output);
      if (match) resolve(match[1]!);
    });
    child.stderr!.on('data', (chunk) => (output += chunk));
    child.once('exit', (code) => reject(new Error(`altcraft-mock exited with ${code}: ${output}`)));
  });
  // It prints its URLs once Prism listens, which the mock waits up to 180 s for (src/prism.ts).
  return within(200_000, 'the installed altcraft-mock starting', ready);
}

const batch = { workflow_id: 7, token: 'secret-token', data: [{ data: { email: 'a@example.com' } }, { data: { email: 'b@example.com' } }] };

describe('the packed @altcraft-api/mock, installed with npm outside the workspace', () => {
  it('serves JSON and XML, and GET /health answers 200 with the contract version', async () => {
    const origin = await startInstalled([]);
    const health = await within(30_000, 'GET /health', fetch(`${origin}/health`));
    expect(health.status).toBe(200);
    const { version } = (await import(join(dir, 'node_modules/@altcraft-api/contract/dist/openapi.json'), { with: { type: 'json' } })).default.info;
    expect(await health.json()).toMatchObject({ status: 'ready', contract: { version } });

    const url = `${origin}/api/v1.1/workflows/import_and_start_batch`;
    const json = await within(30_000, 'a JSON request', fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(batch) }));
    expect(json.status).toBe(200);
    expect(await json.json()).toMatchObject({ error: 0, result: [{ profile_id: expect.any(String) }, { profile_id: expect.any(String) }] });

    const xmlBody = '<xml><workflow_id>7</workflow_id><token>t</token><data><data><email>a@example.com</email></data></data></xml>';
    const xml = await within(30_000, 'an XML request', fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/xml' }, body: xmlBody }));
    expect(xml.status).toBe(200);
    expect(xml.headers.get('content-type')).toMatch(/^application\/xml/);
    expect(await xml.text()).toMatch(/<error>0<\/error>[\s\S]*<profile_id>/);
  }, 300_000);

  it('importProfiles accounts for every profile against altcraft-mock --faults, the same way for the same seed', async () => {
    const script = join(dir, 'import.mjs');
    // The installed client, as a team's retry test would use it.
    await writeFile(
      script,
      `import { createAltcraftClient, importProfiles } from '@altcraft-api/client';
const client = createAltcraftClient({ baseUrl: process.argv[2], token: 'secret-token' });
const outcomes = [];
const profiles = Array.from({ length: 300 }, (_, i) => ({ email: 'user' + i + '@example.com' }));
const summary = await importProfiles(client, {
  workflow_id: 7, profiles, maxProfilesPerRequest: 25, concurrency: 1,
  retry: { maxAttempts: 8, baseDelayMs: 5, maxDelayMs: 20 },
  onOutcome: (outcome) => void outcomes.push({ index: outcome.index, status: outcome.status }),
});
console.log(JSON.stringify({ summary: { imported: summary.imported, failed: summary.failed, unknown: summary.unknown, requests: summary.requests, retries: summary.retries, stopped: summary.stopped ?? null }, outcomes }));
`,
    );
    const faults = ['--faults', '500:0.2,429:0.1@1s,reset:0.1,latency:0.2@20ms', '--seed', '42'];
    const runs = [];
    for (let i = 0; i < 2; i++) {
      const origin = await startInstalled(faults);
      const { stdout } = await run(process.execPath, [script, `${origin}/api/v1.1`], { cwd: dir, timeout: 120_000 });
      runs.push(JSON.parse(stdout) as { summary: Record<string, unknown>; outcomes: { index: number; status: string }[] });
    }
    const [first, second] = runs as [(typeof runs)[0], (typeof runs)[0]];
    console.log(`importProfiles against altcraft-mock ${faults.join(' ')}: ${JSON.stringify(first.summary)}`);
    const indexes = first.outcomes.map((o) => o.index).sort((a, b) => a - b);
    expect(indexes).toEqual(Array.from({ length: 300 }, (_, i) => i));
    expect(first.summary.stopped).toBeNull();
    expect(first.summary.imported as number + (first.summary.failed as number) + (first.summary.unknown as number)).toBe(300);
    expect(first.summary.retries).toBeGreaterThan(0);
    // Same seed, same requests: the same faults, so the same retries and outcomes.
    expect(second.summary).toEqual(first.summary);
    expect(second.outcomes).toEqual(first.outcomes);
  }, 300_000);
});
