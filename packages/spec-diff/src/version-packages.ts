#!/usr/bin/env node
// `pnpm version-packages`: `changeset version` (versions and changelogs from the pending
// changesets), then the contract's changelog entry gets the list of contract changes since the
// last release, and the current bundle becomes the released artefact the next diff starts from.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { parseOptionsOrExit } from '@altcraft-api/contract/cli-args';
import { CONTRACT_PACKAGE, changesetProblem, pendingBump } from './changesets.js';
import { diffContracts } from './diff.js';
import { formatMarkdown } from './format.js';
import { CURRENT_PATH, REPO_ROOT, loadContract } from './load.js';

const USAGE = `usage: pnpm version-packages [--root DIR] [--current BUNDLE]

Applies the pending changesets, lists the contract changes since the last release in
packages/contract/CHANGELOG.md and stores the current bundle as the released contract. Refuses,
before touching anything, a contract change whose changesets do not bump ${CONTRACT_PACKAGE} enough.`;

const { values } = parseOptionsOrExit('pnpm version-packages', {
  options: { root: { type: 'string' }, current: { type: 'string' }, help: { type: 'boolean', short: 'h', default: false } },
});
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const root = values.root ?? REPO_ROOT;
const current = values.current ?? CURRENT_PATH;
const contractDir = join(root, 'packages/contract');
const releasedPath = join(contractDir, 'released/openapi.json');

function contractVersion(): string {
  return JSON.parse(readFileSync(join(contractDir, 'package.json'), 'utf8')).version;
}

/** Puts the contract changes under the new version's heading, before what the changesets say. */
function withContractChanges(changelog: string, version: string, changes: string): string {
  const heading = `## ${version}\n`;
  const at = changelog.indexOf(heading);
  if (at < 0) throw new Error(`packages/contract/CHANGELOG.md has no "## ${version}" entry`);
  const insertAt = at + heading.length;
  return `${changelog.slice(0, insertAt)}\n### Contract changes\n\n${changes}\n${changelog.slice(insertAt)}`;
}

const head = loadContract(current);
const report = diffContracts(loadContract(releasedPath).document, head.document);
// Checked before anything is written: a refused release leaves the workspace as it was.
const problem = changesetProblem(report, await pendingBump(root, CONTRACT_PACKAGE), CONTRACT_PACKAGE);
if (problem) {
  console.error(`version-packages: ${problem}`);
  process.exit(1);
}
const before = contractVersion();
const changeset = createRequire(join(root, 'package.json')).resolve('@changesets/cli/bin.js');
execFileSync(process.execPath, [changeset, 'version'], { cwd: root, stdio: 'inherit' });
const after = contractVersion();

if (after === before) {
  console.log('version-packages: @altcraft-api/contract keeps its version; the released contract stays as it is');
} else {
  const changelogPath = join(contractDir, 'CHANGELOG.md');
  const changes = report.changes.length > 0 ? formatMarkdown(report) : '- None: the operations, their bodies and answers are unchanged.';
  writeFileSync(changelogPath, withContractChanges(existsSync(changelogPath) ? readFileSync(changelogPath, 'utf8') : '', after, changes));
  mkdirSync(dirname(releasedPath), { recursive: true });
  writeFileSync(releasedPath, `${JSON.stringify(head.document, null, 2)}\n`);
  const breaking = report.changes.filter((change) => change.severity === 'breaking').length;
  console.log(`version-packages: @altcraft-api/contract ${before} → ${after}, ${report.changes.length} contract change(s) (${breaking} breaking) in its CHANGELOG.md; released/openapi.json updated`);
}
