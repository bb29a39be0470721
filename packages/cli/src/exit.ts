/** Exit statuses of altcraft-import (the help text documents them). */
export const EXIT = { ok: 0, fatal: 1, incomplete: 2, interrupted: 130 } as const;
export type ExitStatus = (typeof EXIT)[keyof typeof EXIT];

/** Where every input line of the whole report stands: this run's outcomes plus the lines carried over. */
export interface LineTally {
  imported: number;
  queued: number;
  failed: number;
  unknown: number;
  unreadable: number;
}

/** Two tallies added up: the lines carried over by --resume and this run's make the whole file's. */
export function addTallies(a: LineTally, b: LineTally): LineTally {
  return { imported: a.imported + b.imported, queued: a.queued + b.queued, failed: a.failed + b.failed, unknown: a.unknown + b.unknown, unreadable: a.unreadable + b.unreadable };
}

/**
 * The exit status of a run. `fatal` (nothing could be done, or the report could not be written)
 * wins over `interrupted`, which wins over the tally: an interrupted run is not finished, whatever
 * its lines say. Otherwise 0 only when every line of the report is imported or queued.
 */
export function exitStatus(run: { fatal: boolean; interrupted: boolean; tally: LineTally }): ExitStatus {
  if (run.fatal) return EXIT.fatal;
  if (run.interrupted) return EXIT.interrupted;
  const { failed, unknown, unreadable } = run.tally;
  return failed + unknown + unreadable === 0 ? EXIT.ok : EXIT.incomplete;
}
