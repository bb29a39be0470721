import type { Change, DiffReport, ReportedChange } from './change.js';
import { compareContracts, type Document } from './compare.js';
import { externalChanges } from './external.js';

/**
 * Compares two bundled contracts: our checks, then the external differ for the rest. A change to
 * a shared schema is reported once, with every place a client meets it.
 */
export function diffContracts(base: Document, head: Document): DiffReport {
  const ours = compareContracts(base, head);
  // Where our checks found something in the same subtree, the external differ's word is dropped:
  // it may see an added `parameters` list as one annotation where we see a required parameter.
  // Parameter lists count as one subtree: the external differ merges the path item's parameters
  // into the operation's and numbers them its own way.
  const unit = (pointer: string) => pointer.replace(/\/parameters\/\d+(\/.*)?$/, '/parameters');
  const overlaps = (pointer: string) =>
    ours.some((change) => {
      const [mine, theirs] = [unit(change.pointer), unit(pointer)];
      // By whole segments: /a/b and /a/bc are siblings, not one inside the other.
      return mine === theirs || mine.startsWith(`${theirs}/`) || theirs.startsWith(`${mine}/`);
    });
  const theirs = externalChanges(base, head).filter((change) => !overlaps(change.pointer));
  const merged = new Map<string, ReportedChange>();
  for (const change of [...ours, ...theirs]) {
    const key = [change.severity, change.rule, change.pointer, change.message].join('\u0000');
    const known = merged.get(key);
    if (known) {
      if (!known.where.includes(change.where)) known.where.push(change.where);
    } else {
      merged.set(key, { ...withoutWhere(change), where: [change.where] });
    }
  }
  const changes = [...merged.values()].sort((a, b) => (a.severity === b.severity ? a.pointer.localeCompare(b.pointer) : a.severity === 'breaking' ? -1 : 1));
  return { breaking: changes.some((change) => change.severity === 'breaking'), changes };
}

function withoutWhere({ where: _where, ...rest }: Change): Omit<Change, 'where'> {
  return rest;
}
