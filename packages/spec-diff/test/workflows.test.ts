// The GitHub Actions workflows that run this package's gate, the tests and the package checks on
// pull requests: valid YAML, and every command they run names a script or file that exists.
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../src/load.js';

interface Step {
  uses?: string;
  run?: string;
  with?: Record<string, string>;
}
interface Job {
  /** A job that calls a reusable workflow has `uses` and no steps. */
  steps?: Step[];
  uses?: string;
  if?: string;
  needs?: string | string[];
  permissions?: Record<string, string>;
  container?: string;
  strategy?: { matrix?: Record<string, unknown[]> };
}
interface Workflow {
  on: Record<string, unknown>;
  jobs: Record<string, Job>;
}

const workflowsDir = join(REPO_ROOT, '.github/workflows');
const sources = Object.fromEntries(
  readdirSync(workflowsDir)
    .filter((name) => /\.ya?ml$/.test(name))
    .map((name) => [name, readFileSync(join(workflowsDir, name), 'utf8')]),
);
const workflows = Object.entries(sources).map(
  ([name, source]) => [name, parse(source, { uniqueKeys: true, strict: true }) as Workflow] as const,
);
const workflow = (name: string): Workflow => {
  const found = workflows.find(([file]) => file === name);
  if (!found) throw new Error(`no workflow ${name}`);
  return found[1];
};

/**
 * A third-party action is pinned to a full commit SHA (a tag can be moved to other code), with the
 * release it is in a comment for humans and update tools: `owner/repo@<40 hex> # vX.Y.Z`.
 */
const PINNED_ACTION = /^uses:\s*([\w.-]+\/[\w.-]+)@([0-9a-f]{40}) # v\d+\.\d+\.\d+$/;

/** Each `uses:` line of a workflow's source that is not pinned as PINNED_ACTION says. */
function unpinned(source: string): string[] {
  return source
    .split('\n')
    .map((line) => line.trim().replace(/^-\s*/, ''))
    .filter((line) => line.startsWith('uses:') && !line.startsWith('uses: ./'))
    .filter((line) => !PINNED_ACTION.test(line));
}
const root = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8'));
/** pnpm's own commands the workflows may use. */
const PNPM_COMMANDS = new Set(['install']);

function scriptsOf(filter: string): Record<string, string> {
  for (const dir of ['packages', 'apps']) {
    for (const name of readdirSync(join(REPO_ROOT, dir))) {
      const manifest = JSON.parse(readFileSync(join(REPO_ROOT, dir, name, 'package.json'), 'utf8'));
      if (manifest.name === filter) return manifest.scripts ?? {};
    }
  }
  throw new Error(`no workspace package ${filter}`);
}

/** Every command line a workflow runs, including the ones it hands to actions (changesets/action). */
function commands(workflow: Workflow): string[] {
  return Object.values(workflow.jobs).flatMap((job) =>
    (job.steps ?? []).flatMap((step) => [...(step.run?.split('\n') ?? []), ...Object.values(step.with ?? {})].map(String).map((line) => line.trim())),
  );
}

function problemsOf(line: string): string[] {
  const problems: string[] = [];
  for (const [, args] of line.matchAll(/(?:^|[;&|]\s*)pnpm\s+([^|;&]+)/g)) {
    const words = (args ?? '').trim().split(/\s+/);
    if (words[0] === '--filter') {
      const [, filter, script] = words;
      if (!(script && script in scriptsOf(filter ?? ''))) problems.push(`${filter} has no script "${script}"`);
    } else if (!(words[0] && (words[0] in root.scripts || PNPM_COMMANDS.has(words[0])))) {
      problems.push(`no root script "${words[0]}"`);
    }
  }
  for (const [, path] of line.matchAll(/^bash\s+(\S+)/g)) if (!existsSync(join(REPO_ROOT, path ?? ''))) problems.push(`no file ${path}`);
  for (const [, version] of line.matchAll(/pnpm@(\S+)/g)) if (`pnpm@${version}` !== root.packageManager) problems.push(`pnpm@${version} is not ${root.packageManager}`);
  return problems;
}

describe('.github/workflows', () => {
  it.each(workflows)('%s runs only scripts and files that exist, with actions pinned to a commit', (name, workflow) => {
    expect(commands(workflow).flatMap(problemsOf)).toEqual([]);
    expect(unpinned(sources[name]!)).toEqual([]);
    for (const job of Object.values(workflow.jobs)) {
      for (const step of job.steps ?? []) if (step.uses) expect(step.uses).toMatch(/^[\w.-]+\/[\w.-]+@[0-9a-f]{40}$/);
      // A job that calls a workflow calls one of ours.
      if (job.uses) expect(existsSync(join(REPO_ROOT, job.uses)), job.uses).toBe(true);
    }
  });

  it('would notice an action pinned to a tag or a branch, or without its release named', () => {
    expect(unpinned('      - uses: actions/checkout@v4')).toEqual(['uses: actions/checkout@v4']);
    expect(unpinned('      - uses: actions/checkout@main')).toHaveLength(1);
    expect(unpinned('      - uses: actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1')).toHaveLength(1);
    expect(unpinned('      - uses: actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1 # v7.0.1')).toEqual([]);
    expect(unpinned('    uses: ./.github/workflows/pages.yml')).toEqual([]);
  });

  it('runs the suite on every supported Node: 20, 22 and 24, each in its own container', () => {
    const job = workflow('ci.yml').jobs.test!;
    expect(job.strategy?.matrix?.node).toEqual([20, 22, 24]);
    expect(job.container).toBe('node:${{ matrix.node }}-bookworm');
    expect(commands(workflow('ci.yml'))).toContain('bash .ci/run');
  });

  it('fails CI when the committed generated files (bundle, client types) differ from what the build writes', () => {
    const ciRun = readFileSync(join(REPO_ROOT, '.ci/run'), 'utf8');
    const test = ciRun.indexOf('\npnpm test\n');
    const check = ciRun.indexOf('\nscripts/check-generated.sh\n');
    expect(test).toBeGreaterThanOrEqual(0);
    expect(check).toBeGreaterThan(test);
    expect(commands(workflow('ci.yml'))).toContain('bash .ci/run');

    // The check itself, on a repository whose generated bundle was rebuilt differently.
    const repo = mkdtempSync(join(tmpdir(), 'check-generated-'));
    try {
      const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...args], { cwd: repo });
      mkdirSync(join(repo, 'scripts'));
      mkdirSync(join(repo, 'packages/contract/src/generated'), { recursive: true });
      copyFileSync(join(REPO_ROOT, 'scripts/check-generated.sh'), join(repo, 'scripts/check-generated.sh'));
      writeFileSync(join(repo, 'packages/contract/src/generated/openapi.yaml'), 'openapi: 3.1.0\n');
      git('init', '--quiet');
      git('add', '.');
      git('commit', '--quiet', '-m', 'fixture');
      const check = () => spawnSync('bash', [join(repo, 'scripts/check-generated.sh')], { encoding: 'utf8' });
      expect(check().status).toBe(0);
      writeFileSync(join(repo, 'packages/contract/src/generated/openapi.yaml'), 'openapi: 3.1.1\n');
      const drifted = check();
      expect(drifted.status).toBe(1);
      expect(drifted.stderr).toContain('packages/contract/src/generated/openapi.yaml');
    } finally {
      rmSync(repo, { recursive: true, force: true });
    }
  });

  it('builds the docs and deploys apps/docs/dist to GitHub Pages on release, and after the release workflow publishes', () => {
    const pages = workflow('pages.yml');
    expect(Object.keys(pages.on)).toEqual(expect.arrayContaining(['release', 'workflow_call']));
    expect(pages.on.release).toEqual({ types: ['published'] });
    const steps = Object.values(pages.jobs).flatMap((job) => job.steps ?? []);
    const build = steps.findIndex((step) => step.run === 'pnpm build');
    const upload = steps.findIndex((step) => step.uses?.startsWith('actions/upload-pages-artifact@'));
    expect(build).toBeGreaterThanOrEqual(0);
    expect(upload).toBeGreaterThan(build);
    expect(steps[upload]?.with).toEqual({ path: 'apps/docs/dist' });
    const deploy = Object.values(pages.jobs).find((job) => job.steps?.some((step) => step.uses?.startsWith('actions/deploy-pages@')));
    expect(deploy?.permissions).toEqual({ pages: 'write', 'id-token': 'write' });
    expect(deploy?.needs).toBeDefined();

    // A release made with the workflow token starts no other workflow: release.yml calls pages.yml.
    const caller = Object.values(workflow('release.yml').jobs).find((job) => job.uses === './.github/workflows/pages.yml');
    expect(caller?.if).toBe("needs.release.outputs.published == 'true'");
    expect(caller?.permissions).toMatchObject({ pages: 'write', 'id-token': 'write' });
  });

  it('checks every pull request with lint and tests, the spec diff and the package checks', () => {
    const onPullRequests = workflows.filter(([, workflow]) => 'pull_request' in workflow.on).flatMap(([, workflow]) => commands(workflow));
    expect(onPullRequests).toContain('bash .ci/run');
    expect(onPullRequests).toContain('pnpm spec:diff --require-changeset');
    expect(onPullRequests).toContain('pnpm test:packages');
  });

  it('would notice a command that names no script', () => {
    expect(problemsOf('pnpm spec:dif')).toEqual(['no root script "spec:dif"']);
    expect(problemsOf('pnpm --filter @altcraft-api/client tset')).toEqual(['@altcraft-api/client has no script "tset"']);
    expect(problemsOf('bash .ci/nope')).toEqual(['no file .ci/nope']);
  });
});
