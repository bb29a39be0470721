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
