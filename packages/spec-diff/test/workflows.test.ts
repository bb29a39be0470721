// The GitHub Actions workflows that run this package's gate, the tests and the package checks on
// pull requests: valid YAML, and every command they run names a script or file that exists.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../src/load.js';

interface Step {
  uses?: string;
  run?: string;
  with?: Record<string, string>;
}
interface Workflow {
  on: Record<string, unknown>;
  jobs: Record<string, { steps: Step[] }>;
}

const workflowsDir = join(REPO_ROOT, '.github/workflows');
const workflows = readdirSync(workflowsDir)
  .filter((name) => /\.ya?ml$/.test(name))
  .map((name) => [name, parse(readFileSync(join(workflowsDir, name), 'utf8'), { uniqueKeys: true, strict: true }) as Workflow] as const);
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
    job.steps.flatMap((step) => [...(step.run?.split('\n') ?? []), ...Object.values(step.with ?? {})].map(String).map((line) => line.trim())),
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
  it.each(workflows)('%s runs only scripts and files that exist, with pinned actions', (_name, workflow) => {
    expect(commands(workflow).flatMap(problemsOf)).toEqual([]);
    for (const job of Object.values(workflow.jobs)) {
      for (const step of job.steps) if (step.uses) expect(step.uses).toMatch(/^[\w.-]+\/[\w.-]+@v\d+$/);
    }
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
