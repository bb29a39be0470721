#!/usr/bin/env node
// `pnpm spec:diff [BASE]`: what changed in the contract since BASE (default: the last release),
// each change classified as breaking or not for a client.
import { parseArgs } from 'node:util';
import { CONTRACT_PACKAGE, changesetProblem, pendingBump } from './changesets.js';
import { diffContracts } from './diff.js';
import { formatText } from './format.js';
import { CURRENT_PATH, RELEASED_PATH, REPO_ROOT, loadContract } from './load.js';

const USAGE = `usage: pnpm spec:diff [BASE] [--head HEAD] [--json] [--all-places] [--fail-on-breaking] [--require-changeset]

BASE and HEAD are spec files (a bundle, or a spec root that is bundled first; relative paths
from the repository root) or git revisions (main, HEAD~1, a tag). BASE defaults to the last released contract
(packages/contract/released/openapi.json), HEAD to the current bundle (pnpm build).

  --json                print the report as JSON, and nothing else on stdout
  --all-places          list every place a client meets each change (default: the first, and a count)
  --fail-on-breaking    exit 1 when a change is breaking
  --require-changeset   exit 1 unless the pending changesets bump ${CONTRACT_PACKAGE} enough:
                        major for a breaking change, at least patch for any change (CI's gate)

Exit status: 0, 1 (a check above failed), 2 (bad arguments, or a side cannot be loaded).`;

function main(): Promise<number> | number {
  let parsed;
  try {
    parsed = parseArgs({
      allowPositionals: true,
      options: {
        head: { type: 'string' },
        json: { type: 'boolean', default: false },
        'all-places': { type: 'boolean', default: false },
        'fail-on-breaking': { type: 'boolean', default: false },
        'require-changeset': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    console.error(`spec:diff: ${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (positionals.length > 1) {
    console.error(`spec:diff: one BASE at most\n\n${USAGE}`);
    return 2;
  }
  // Through pnpm and turbo the process runs in this package, whatever the caller's directory was:
  // relative paths are the repository's, as `pnpm spec:diff` runs from its root.
  const cwd = REPO_ROOT;
  let base, head;
  try {
    base = loadContract(positionals[0] ?? RELEASED_PATH, cwd);
    head = loadContract(values.head ?? CURRENT_PATH, cwd);
  } catch (error) {
    console.error(`spec:diff: ${(error as Error).message}`);
    return 2;
  }
  const report = diffContracts(base.document, head.document);
  console.log(values.json ? JSON.stringify({ base: base.label, head: head.label, ...report }, null, 2) : formatText(report, base.label, head.label, { allPlaces: values['all-places'] }));
  if (values['fail-on-breaking'] && report.breaking) {
    const count = report.changes.filter((change) => change.severity === 'breaking').length;
    console.error(`spec:diff: ${count} breaking change(s) from ${base.label} to ${head.label} (--fail-on-breaking)`);
    return 1;
  }
  if (values['require-changeset']) {
    return pendingBump(REPO_ROOT, CONTRACT_PACKAGE).then((bump) => {
      const problem = changesetProblem(report, bump, CONTRACT_PACKAGE);
      if (problem) console.error(`\nspec:diff: ${problem}`);
      else if (report.changes.length > 0) console.error(`\nspec:diff: the pending changesets bump ${CONTRACT_PACKAGE} (${bump}): enough for these changes`);
      return problem ? 1 : 0;
    });
  }
  return 0;
}

process.exitCode = await main();
