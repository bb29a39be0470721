// `@altcraft-api/mock/testing` as another team gets it: the packed tarballs installed with npm
// in a project outside the workspace, with vitest and jest, and the README's two worked
// examples run there as they stand. One install for all (10-40 s; each costs the suite).
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { npm, scratchNpmEnvironment } from './support/npm.js';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../../../', import.meta.url));
const PACKAGES = ['packages/contract', 'apps/mock', 'packages/client'];
// Exact versions: vitest 5 needs Node 22; jest 30 runs on Node 18 and later.
const RUNNERS = { vitest: '4.1.12', jest: '30.5.2' };

let dir: string;
let env: NodeJS.ProcessEnv;

/** The README's code block that follows `<!-- example: NAME ... -->`. */
async function readmeExample(name: string): Promise<string> {
  const readme = await readFile(join(root, 'apps/mock/README.md'), 'utf8');
  const match = new RegExp(`<!-- example: ${name}\\b[^>]*-->\\s*\`\`\`js\\n([\\s\\S]*?)\`\`\``).exec(readme);
  if (!match) throw new Error(`apps/mock/README.md has no "${name}" example`);
  return match[1]!;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'altcraft-mock-testing-'));
  const tarballs = join(dir, 'tarballs');
  const ours: Record<string, string> = {};
  for (const pkg of PACKAGES) {
    const { name } = JSON.parse(await readFile(join(root, pkg, 'package.json'), 'utf8')) as { name: string };
    const packed = await run('pnpm', ['pack', '--pack-destination', tarballs], { cwd: join(root, pkg) });
    ours[name] = `file:./tarballs/${basename(packed.stdout.trim().split('\n').at(-1)!)}`;
  }
  await writeFile(
    join(dir, 'package.json'),
    JSON.stringify({ name: 'a-team-service', private: true, type: 'module', dependencies: ours, devDependencies: RUNNERS, overrides: ours, jest: { transform: {}, testEnvironment: 'node' } }),
  );
  // The outer vitest's variables would make the inner one think it runs inside a worker.
  env = Object.fromEntries(Object.entries(scratchNpmEnvironment(dir)).filter(([name]) => !/^(VITEST|TINYPOOL|JEST_WORKER)/.test(name)));
  const installed = await npm(['install', '--ignore-scripts', '--no-audit', '--no-fund'], { cwd: dir, env, budgetMs: 540_000 });
  console.log(`npm install of the tarballs with vitest ${RUNNERS.vitest} and jest ${RUNNERS.jest}: ${installed.seconds.toFixed(1)} s on node ${process.version}`);
  for (const name of ['vitest', 'jest']) {
    await mkdir(join(dir, name));
    await writeFile(join(dir, name, 'altcraft.test.js'), await readmeExample(name));
  }
}, 600_000);

afterAll(async () => {
  if (dir && !process.env.KEEP_SCRATCH) await rm(dir, { recursive: true, force: true });
});

/** Runs a test runner in the scratch project; resolves with its exit code and output. */
async function runner(args: string[], extra: NodeJS.ProcessEnv = {}): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, args, { cwd: dir, env: { ...env, CI: 'true', NO_COLOR: '1', FORCE_COLOR: '0', ...extra }, timeout: 240_000, maxBuffer: 16 << 20 }, (error, stdout, stderr) =>
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, output: `${stdout}\n${stderr}` }),
    );
  });
}

describe("@altcraft-api/mock/testing in another team's project (packed tarballs, npm)", () => {
  it("runs the README's vitest example: profiles per workflow, a request's warnings, a reset between tests", async () => {
    const { code, output } = await runner(['node_modules/vitest/vitest.mjs', 'run', 'vitest/']);
    expect(code, output).toBe(0);
    expect(output).toMatch(/Tests\s+3 passed/);
  }, 300_000);

  it("runs the README's jest example the same way", async () => {
    const { code, output } = await runner(['node_modules/jest/bin/jest.js', 'jest/'], { NODE_OPTIONS: '--experimental-vm-modules' });
    expect(code, output).toBe(0);
    expect(output).toMatch(/Tests:\s+3 passed, 3 total/);
    // Nothing of the mock keeps jest's process alive once the tests are done.
    expect(output).not.toMatch(/did not exit/);
  }, 300_000);
});
