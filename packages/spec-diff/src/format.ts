import type { DiffReport, ReportedChange } from './change.js';

function places(change: ReportedChange, hint = ''): string {
  const [first, ...rest] = change.where;
  return rest.length > 0 ? `${first} (and ${rest.length} more${hint})` : (first ?? '');
}

/**
 * The report as a terminal reads it: breaking changes first, each with where it is and where it
 * is met (the first place, or every one with `allPlaces`).
 */
export function formatText(report: DiffReport, baseLabel: string, headLabel: string, options: { allPlaces?: boolean } = {}): string {
  const breaking = report.changes.filter((change) => change.severity === 'breaking').length;
  const lines = [`${baseLabel} → ${headLabel}`, `${breaking} breaking, ${report.changes.length - breaking} non-breaking change(s)`];
  for (const change of report.changes) {
    lines.push('', `${change.severity === 'breaking' ? 'BREAKING' : 'ok      '}  ${change.message}  [${change.rule}]`, `          at ${change.pointer}`);
    if (options.allPlaces) lines.push(...change.where.map((place) => `          in ${place}`));
    else lines.push(`          in ${places(change, '; --all-places lists them')}`);
  }
  return lines.join('\n');
}

/** The report as changelog bullets. */
export function formatMarkdown(report: DiffReport): string {
  return report.changes
    .map((change) => `- ${change.severity === 'breaking' ? '**Breaking:** ' : ''}${change.message} (\`${change.pointer}\`, ${places(change)})`)
    .join('\n');
}
