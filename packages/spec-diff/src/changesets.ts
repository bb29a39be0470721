import readChangesets from '@changesets/read';

/** The package whose version follows the contract (spec/). */
export const CONTRACT_PACKAGE = '@altcraft-api/contract';

export type Bump = 'none' | 'patch' | 'minor' | 'major';
const ORDER: Bump[] = ['none', 'patch', 'minor', 'major'];

/** The largest bump the pending changesets (.changeset/*.md) give a package. */
export async function pendingBump(repoRoot: string, packageName: string): Promise<Bump> {
  const changesets = await readChangesets(repoRoot);
  let bump: Bump = 'none';
  for (const changeset of changesets) {
    for (const release of changeset.releases) {
      if (release.name === packageName && ORDER.indexOf(release.type as Bump) > ORDER.indexOf(bump)) bump = release.type as Bump;
    }
  }
  return bump;
}

/**
 * Why a contract change cannot ship with the pending changesets, or undefined when it can: a
 * breaking change needs a major bump of the contract, any other change at least a patch.
 */
export function changesetProblem(report: { breaking: boolean; changes: unknown[] }, bump: Bump, packageName: string): string | undefined {
  if (report.breaking && bump !== 'major') {
    return `the contract has breaking changes, but the pending changesets bump ${packageName} ${bump === 'none' ? 'not at all' : `only to ${bump}`}: add a major changeset (pnpm changeset)`;
  }
  if (report.changes.length > 0 && bump === 'none') {
    return `the contract changed, but no pending changeset bumps ${packageName}: add one (pnpm changeset) that names the change`;
  }
  return undefined;
}
