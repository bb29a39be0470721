// The built command, as `pnpm spec:diff` runs it.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { CURRENT_PATH, RELEASED_PATH } from '../src/load.js';

const cli = new URL('../dist/cli.js', import.meta.url).pathname;
const work = mkdtempSync(join(tmpdir(), 'spec-diff-cli-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

async function specDiff(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return specDiffIn(process.env, ...args);
}

async function specDiffIn(env: NodeJS.ProcessEnv, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [cli, ...args], { env });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const { code, stdout, stderr } = error as { code: number; stdout: string; stderr: string };
    return { code, stdout, stderr };
  }
}

/**
 * The current bundle with a batch limit of 5,000 in the contract (today 10,000 is only advice):
 * the breaking change this endpoint fears most.
 */
function loweredBatchLimit(): string {
  const document = JSON.parse(readFileSync(CURRENT_PATH, 'utf8'));
  document.components.schemas.ProfileBatchItems.maxItems = 5000;
  const path = join(work, 'lowered.json');
  writeFileSync(path, JSON.stringify(document));
  return path;
}

describe('pnpm spec:diff', { timeout: 60_000 }, () => {
  it('with --fail-on-breaking prints the report, then one line on stderr, and exits 1', async () => {
    const { code, stdout, stderr } = await specDiff(CURRENT_PATH, '--head', loweredBatchLimit(), '--fail-on-breaking');
    expect(code).toBe(1);
    expect(stdout).toContain('BREAKING  maxItems none → 5000');
    expect(stderr).toMatch(/^spec:diff: 1 breaking change\(s\) from packages\/contract\/dist\/openapi\.json to .*lowered\.json \(--fail-on-breaking\)\n$/);
  });

  it('compares the working tree with the commit CI compares with by default, and says so first', async () => {
    const { code, stdout } = await specDiff('--head', loweredBatchLimit());
    expect(code).toBe(0);
    const [first, counts] = stdout.split('\n');
    expect(first).toMatch(/^\S*lowered\.json against the (last commit|merge base with (origin\/)?main) \([0-9a-f]{7}\); --release compares with the last release$/);
    expect(counts).toBe('1 breaking, 0 non-breaking change(s)');
    const working = await specDiff('--json');
    expect(JSON.parse(working.stdout).compared).toMatch(/^the working tree \(spec\/\) against the /);
  });

  it('compares with the last release one flag away', async () => {
    const { code, stdout } = await specDiff('--release');
    expect(code).toBe(0);
    expect(stdout.split('\n')[0]).toBe('the working tree (spec/) against the last release (packages/contract/released/openapi.json)');
    expect((await specDiff('HEAD', '--release')).stderr).toBe('spec:diff: BASE or --release, not both\npnpm spec:diff --help lists every option\n');
  });

  it('prints each breaking change with where it is and where a client meets it', async () => {
    // Against the current bundle, so the pending (unreleased) contract changes do not count.
    const { code, stdout } = await specDiff(CURRENT_PATH, '--head', loweredBatchLimit());
    expect(code).toBe(0);
    expect(stdout).toContain('1 breaking, 0 non-breaking change(s)');
    expect(stdout).toContain('BREAKING  maxItems none → 5000  [constraint-tightened]');
    expect(stdout).toContain('at /components/schemas/ProfileBatchItems/maxItems');
    expect(stdout).toContain('in POST /api/v1.1/workflows/import_and_start_batch request application/json (and 3 more; --all-places lists them)');
  });

  it('lists every place a client meets a change with --all-places', async () => {
    const { code, stdout } = await specDiff(CURRENT_PATH, '--head', loweredBatchLimit(), '--all-places');
    expect(code).toBe(0);
    expect(stdout).not.toContain('more');
    const places = stdout.split('\n').filter((line) => line.startsWith('          in '));
    expect(places).toEqual([
      '          in POST /api/v1.1/workflows/import_and_start_batch request application/json',
      '          in POST /api/v1.1/workflows/import_and_start_batch request application/xml',
      '          in POST /api/v1.1/workflows/import_and_start_batch_task request application/json',
      '          in POST /api/v1.1/workflows/import_and_start_batch_task request application/xml',
    ]);
  });

  it('exits 1 on a breaking change with --fail-on-breaking, and speaks JSON with --json', async () => {
    const { code, stdout } = await specDiff('--head', loweredBatchLimit(), '--fail-on-breaking', '--json');
    expect(code).toBe(1);
    const report = JSON.parse(stdout);
    expect(report).toMatchObject({ breaking: true, base: expect.stringMatching(/^git:[0-9a-f]{40}$/) });
    expect(report.changes[0].where).toHaveLength(4);
  });

  it('refuses a breaking change without a major changeset (CI gate)', async () => {
    // A repository whose only pending changeset bumps the contract to minor: this one's own
    // changesets may already hold a major bump.
    const repo = join(work, 'minor-only');
    mkdirSync(join(repo, '.changeset'), { recursive: true });
    writeFileSync(join(repo, '.changeset', 'config.json'), '{}');
    writeFileSync(join(repo, '.changeset', 'minor.md'), "---\n'@altcraft-api/contract': minor\n---\n\nA minor change.\n");
    const { code, stderr } = await specDiffIn({ ...process.env, SPEC_DIFF_CHANGESET_ROOT: repo }, '--head', loweredBatchLimit(), '--require-changeset');
    expect(code).toBe(1);
    expect(stderr).toMatch(/breaking changes, but the pending changesets bump @altcraft-api\/contract (only to \w+|not at all): add a major changeset/);
  });

  it("lets this repository's own contract through its gate", async () => {
    const { code, stderr } = await specDiff('--require-changeset');
    // Quiet when nothing changed since the release; with pending changes, it says their changeset suffices.
    expect(stderr.trim()).toMatch(/^$|^spec:diff: the pending changesets bump @altcraft-api\/contract \(\w+\): enough for these changes$/);
    expect(code).toBe(0);
  });

  it('bundles a spec root and reads a git revision', async () => {
    const fromYaml = await specDiff(RELEASED_PATH, '--head', 'spec/openapi.yaml', '--json');
    expect(fromYaml.code, fromYaml.stderr).toBe(0);
    // Whether it is breaking depends on what is pending since the release; that it was read is the point.
    expect(JSON.parse(fromYaml.stdout)).toMatchObject({ head: 'spec/openapi.yaml', breaking: expect.any(Boolean) });
    const fromGit = await specDiff('HEAD', '--head', 'HEAD', '--json');
    expect(fromGit.code, fromGit.stderr).toBe(0);
    expect(JSON.parse(fromGit.stdout)).toMatchObject({ base: 'git:HEAD', head: 'git:HEAD', changes: [] });
    // Three Redocly bundles (spec/, and HEAD's twice): about 6 s idle, over 30 s under a full pnpm test.
  }, 120_000);

  it('says what is wrong with a base it cannot load, and exits 2', async () => {
    const missing = await specDiff('no-such-revision-or-file');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('"no-such-revision-or-file" is neither a file nor a git revision');
    const usage = await specDiff('a', 'b');
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('one BASE at most');
  });
});
