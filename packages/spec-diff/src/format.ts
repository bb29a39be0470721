import type { DiffReport, ReportedChange } from './change.js';

/** How many changes of one kind the grouped report shows before `and N more`. */
export const FIRST_FEW = 3;
const ALL_PLACES_HINT = '--all-places lists them';

function places(change: ReportedChange, hint = ''): string {
  const [first, ...rest] = change.where;
  return rest.length > 0 ? `${first} (and ${rest.length} more${hint})` : (first ?? '');
}

const isUnclassified = (change: ReportedChange) => change.rule.endsWith(':unclassified');

/** One change in full: what, the rule, where it is and where a client meets it. */
function entry(change: ReportedChange, label: string, allPlaces: boolean): string[] {
  const lines = [`${label}  ${change.message}  [${change.rule}]`, `          at ${change.pointer}`];
  if (allPlaces) lines.push(...change.where.map((place) => `          in ${place}`));
  else lines.push(`          in ${places(change, `; ${ALL_PLACES_HINT}`)}`);
  return lines;
}

/** Non-breaking changes by kind (rule), largest kind first: a count, then the first few. */
function byKind(changes: ReportedChange[], allPlaces: boolean): string[] {
  const kinds = new Map<string, ReportedChange[]>();
  for (const change of changes) kinds.set(change.rule, [...(kinds.get(change.rule) ?? []), change]);
  const sorted = [...kinds].sort(([a, x], [b, y]) => y.length - x.length || a.localeCompare(b));
  const lines: string[] = [];
  for (const [rule, members] of sorted) {
    lines.push('', `${rule}: ${members.length}`);
    const shown = allPlaces ? members : members.slice(0, FIRST_FEW);
    for (const change of shown) {
      if (allPlaces) lines.push(...entry(change, 'ok      ', true));
      else lines.push(`  ${change.message}`, `      at ${change.pointer}`);
    }
    if (shown.length < members.length) lines.push(`  and ${members.length - shown.length} more (${ALL_PLACES_HINT}, with every place)`);
  }
  return lines;
}

/**
 * The report as a terminal reads it: the counts, every breaking change in full, then the
 * non-breaking ones grouped by kind (the first few of each, or all with `allPlaces`), then what
 * no rule classified, apart.
 */
export function formatText(report: DiffReport, baseLabel: string, headLabel: string, options: { allPlaces?: boolean; compared?: string } = {}): string {
  const allPlaces = options.allPlaces ?? false;
  const breaking = report.changes.filter((change) => change.severity === 'breaking');
  const unclassified = report.changes.filter((change) => change.severity !== 'breaking' && isUnclassified(change));
  const rest = report.changes.filter((change) => change.severity !== 'breaking' && !isUnclassified(change));
  const counts = `${breaking.length} breaking, ${rest.length} non-breaking${unclassified.length > 0 ? `, ${unclassified.length} unclassified` : ''} change(s)`;
  const lines = [options.compared ?? `${baseLabel} → ${headLabel}`, counts];
  if (breaking.length > 0) lines.push('', `Breaking (${breaking.length}):`);
  for (const change of breaking) lines.push('', ...entry(change, 'BREAKING', allPlaces));
  if (rest.length > 0) lines.push('', `Non-breaking, by kind (${rest.length}):`, ...byKind(rest, allPlaces));
  if (unclassified.length > 0) {
    lines.push('', `Unclassified (${unclassified.length}): neither our rules nor api-smart-diff classify these; read each`);
    for (const change of unclassified) lines.push('', ...entry(change, '?       ', allPlaces));
  }
  return lines.join('\n');
}

/** The report as changelog bullets. */
export function formatMarkdown(report: DiffReport): string {
  return report.changes
    .map((change) => `- ${change.severity === 'breaking' ? '**Breaking:** ' : ''}${change.message} (\`${change.pointer}\`, ${places(change)})`)
    .join('\n');
}
