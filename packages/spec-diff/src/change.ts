/** How a change affects a client built against the base contract. */
export type Severity = 'breaking' | 'non-breaking';

export interface Change {
  severity: Severity;
  /** Which check found it: one of ours (`limit-lowered`, ...) or the external differ's (`api-smart-diff`). */
  rule: string;
  /** JSON Pointer to the changed node: in the head contract, or in the base one when it is gone. */
  pointer: string;
  /** Where a client meets it, e.g. `POST /api/v1.1/workflows/import_and_start_batch request application/xml`. */
  where: string;
  message: string;
  source: 'altcraft' | 'api-smart-diff';
}

/** One change, with every place a client meets it (a shared schema is met in many). */
export interface ReportedChange extends Omit<Change, 'where'> {
  where: string[];
}

export interface DiffReport {
  breaking: boolean;
  changes: ReportedChange[];
}
