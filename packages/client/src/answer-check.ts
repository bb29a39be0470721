// What the client holds a successful answer to (spec/DECISIONS.md row 37): the contract tier of
// its schema, nothing more. An answer the pages allow settles its profiles as the platform said,
// however odd by our advice; the oddities are warnings. Only a contract violation (a result that
// is not an array, a profile_id that is not a string, ...) leaves the batch's fate unknown.
import { validateResponse, type OperationId, type Violation } from '@altcraft-api/contract';

export interface AnswerCheck {
  /** Why the answer cannot be relied on (it breaks the contract), redacted; undefined when it holds. */
  problem?: string;
  /** Advice-tier oddities, redacted; computed only when asked for. */
  warnings: Violation[];
  truncated: boolean;
}

/**
 * Checks the answer of a 200 whose `error` is 0. `warnings`: also compute the advice (when
 * someone listens). The pointers and messages can quote the answer's field names, and an answer
 * may echo the token: everything returned has gone through `redact`.
 */
export function checkAnswer(operationId: OperationId, answer: Record<string, unknown>, warnings: boolean, redact: (text: string) => string): AnswerCheck {
  const result = validateResponse(operationId, 200, answer, { advice: warnings });
  const first = result.violations[0];
  if (first !== undefined) {
    return { problem: redact(`the answer breaks the contract: ${first.pointer || '/'} ${first.message}`), warnings: [], truncated: false };
  }
  const clean = result.warnings.map((w) => ({ pointer: redact(w.pointer), message: redact(w.message) }));
  return { warnings: clean, truncated: result.warningsTruncated };
}
