#!/usr/bin/env node
// `pnpm spec:diff [BASE]`: what changed in the contract, each change classified as breaking or
// not for a client. By default: what the working tree changed since the commit CI compares with.
import { parseOptions, seeHelp, UsageError } from '@altcraft-api/contract/cli-args';
import { CONTRACT_PACKAGE, changesetProblem, pendingBump } from './changesets.js';
import { diffContracts } from './diff.js';
import { formatText } from './format.js';
import { CURRENT_PATH, RELEASED_PATH, REPO_ROOT, defaultBase, loadContract } from './load.js';

const USAGE = `usage: pnpm spec:diff [BASE | --release] [--head HEAD] [--json] [--all-places] [--fail-on-breaking] [--require-changeset]

What the working tree changed in the contract: by default against the merge base of HEAD with
main (what CI compares a pull request with), or the last commit on main itself. The first line
of the report says what was compared.

BASE and HEAD are spec files (a bundle, or a spec root that is bundled first; relative paths
from the repository root) or git revisions (main, HEAD~1, a tag). HEAD defaults to the working
tree's spec/ as bundled by pnpm build (packages/contract/dist/openapi.json).

  --release             compare with the last released contract (packages/contract/released/)
  --json                print the report as JSON, and nothing else on stdout
  --all-places          list every change of each kind, with every place a client meets it
                        (default: breaking changes in full, then per kind a count and the first few)
  --fail-on-breaking    exit 1 when a change is breaking
  --require-changeset   exit 1 unless the pending changesets bump ${CONTRACT_PACKAGE} enough:
                        major for a breaking change, at least patch for any change (CI's gate);
                        compares with the last release unless BASE is given

Exit status: 0, 1 (a check above failed), 2 (bad arguments, or a side cannot be loaded).`;

const OPTIONS = {
  head: { type: 'string' },
  release: { type: 'boolean', default: false },
  json: { type: 'boolean', default: false },
  'all-places': { type: 'boolean', default: false },
  'fail-on-breaking': { type: 'boolean', default: false },
  'require-changeset': { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

/** The base side to load, and the words for the report's first line when it is not named. */
function baseOf(positional: string | undefined, release: boolean): { source: string; words?: string } {
  if (positional !== undefined) return { source: positional };
  if (release) return { source: RELEASED_PATH, words: 'the last release (packages/contract/released/openapi.json)' };
  const { ref, description } = defaultBase();
  return { source: ref, words: `${description}; --release compares with the last release` };
}

function usageError(message: string): number {
  console.error(`spec:diff: ${message}\n${seeHelp('pnpm spec:diff')}`);
  return 2;
}

function main(): Promise<number> | number {
  let parsed;
  try {
    parsed = parseOptions({ allowPositionals: true, options: OPTIONS });
  } catch (error) {
    if (error instanceof UsageError) return usageError(error.message);
    throw error;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (positionals.length > 1) return usageError('one BASE at most');
  if (positionals.length > 0 && values.release) return usageError('BASE or --release, not both');
  // Through pnpm and turbo the process runs in this package, whatever the caller's directory was:
  // relative paths are the repository's, as `pnpm spec:diff` runs from its root.
  const cwd = REPO_ROOT;
  let base, head, compared: string | undefined;
  try {
    // The release gate is about releases: its default base stays the last release.
    const side = baseOf(positionals[0], values.release || values['require-changeset']);
    base = loadContract(side.source, cwd);
    head = loadContract(values.head ?? CURRENT_PATH, cwd);
    if (side.words) compared = `${values.head === undefined ? 'the working tree (spec/)' : head.label} against ${side.words}`;
  } catch (error) {
    console.error(`spec:diff: ${(error as Error).message}`);
    return 2;
  }
  const report = diffContracts(base.document, head.document);
  const text = () => formatText(report, base.label, head.label, { allPlaces: values['all-places'], compared });
  console.log(values.json ? JSON.stringify({ base: base.label, head: head.label, ...(compared ? { compared } : {}), ...report }, null, 2) : text());
  if (values['fail-on-breaking'] && report.breaking) {
    const count = report.changes.filter((change) => change.severity === 'breaking').length;
    console.error(`spec:diff: ${count} breaking change(s) from ${base.label} to ${head.label} (--fail-on-breaking)`);
    return 1;
  }
  if (values['require-changeset']) {
    // SPEC_DIFF_CHANGESET_ROOT: another repository's pending changesets (its .changeset/), for a
    // contract kept below the repository root, and for the gate's own tests.
    return pendingBump(process.env.SPEC_DIFF_CHANGESET_ROOT ?? REPO_ROOT, CONTRACT_PACKAGE).then((bump) => {
      const problem = changesetProblem(report, bump, CONTRACT_PACKAGE);
      if (problem) console.error(`\nspec:diff: ${problem}`);
      else if (report.changes.length > 0) console.error(`\nspec:diff: the pending changesets bump ${CONTRACT_PACKAGE} (${bump}): enough for these changes`);
      return problem ? 1 : 0;
    });
  }
  return 0;
}

process.exitCode = await main();
