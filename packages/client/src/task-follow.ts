// What a queued batch became: its task followed to a final status and read into one verdict per
// profile. The platform's result for an import task is an open question [?] (the status page
// documents export tasks): a profile is `imported` only on evidence, a per-item list of the
// batch's length, or a completed task whose result reports no errors and a `total` equal to the
// batch size. Anything else leaves the batch `unknown`, with the task id and the raw status.
import { clientInternals, type AltcraftClient, type ClientInternals, type Format } from './client.js';
import { AltcraftTaskTimeoutError } from './errors.js';
import type { OutcomeError, ProfileOutcome } from './import-profiles.js';
import { Limiter, finalState, pollTask, type TaskStatus } from './tasks.js';
import type { BatchResultItem, DistributiveOmit } from './types.js';

/** A profile's outcome without its input index. */
export type Verdict = DistributiveOmit<ProfileOutcome, 'index'>;

export interface FollowOptions {
  format?: Format;
  /** Stops following at once: the batch is `unknown` (kind `aborted`). */
  signal?: AbortSignal;
  /** Stops following gently: the batch stays `queued` (its task may still finish). */
  stopSignal?: AbortSignal;
  /** Time a task may take from the first status request. Default 1,800,000 ms. */
  timeoutMs?: number;
  /** Default 1,000 ms (see WaitOptions). */
  pollInterval?: number;
  maxDelayMs?: number;
  /** Shared between the tasks followed at once: status requests in flight are bounded. */
  limiter?: Limiter;
}

/**
 * The error code an item carries, or undefined: only a non-zero integer is one. A task's result
 * is not validated item by item, so `"0"`, `true` or `1.5` must not fail a profile.
 */
function itemError(item: BatchResultItem): number | undefined {
  const code: unknown = item.error;
  return Number.isInteger(code) && code !== 0 ? (code as number) : undefined;
}

/** One item of a per-profile result, as the synchronous answer's items are read. */
export function itemVerdict(item: BatchResultItem, redact: (text: string) => string, taskId?: string): Verdict {
  const task = taskId === undefined ? {} : { taskId };
  const code = itemError(item);
  if (code !== undefined) {
    const text: unknown = item.error_text;
    return { status: 'failed', error: { kind: 'item', message: typeof text === 'string' ? redact(text) : `error ${code}`, code, retryable: false, ...task } };
  }
  if (typeof item.profile_id !== 'string' || item.profile_id === '') return { status: 'unknown', error: { kind: 'response', message: 'the result has no profile_id', retryable: false, ...task } };
  return { status: 'imported', profileId: redact(item.profile_id), ...task };
}

/** The per-item list of a task's result: `result.result` (the synchronous answer's shape) or `result` itself. */
function itemsOf(result: unknown): unknown[] | undefined {
  if (Array.isArray(result)) return result;
  const inner = (result as { result?: unknown } | null | undefined)?.result;
  return Array.isArray(inner) ? inner : undefined;
}

const ERROR_FIELDS = ['errors', 'error_count', 'failed', 'failed_count'] as const;

/**
 * A result that says all `count` profiles went through: a `total` of `count` and errors reported
 * as none, an empty list (`errors: []`, as the page's export result has it) or a zero count.
 */
function reportsAllDone(result: unknown, count: number): boolean {
  if (typeof result !== 'object' || result === null) return false;
  const fields = result as Record<string, unknown>;
  const reported = ERROR_FIELDS.filter((name) => fields[name] !== undefined);
  const none = (value: unknown) => value === 0 || (Array.isArray(value) && value.length === 0);
  return fields.total === count && reported.length > 0 && reported.every((name) => none(fields[name]));
}

/** One verdict per profile of a batch of `count` from its task's final status. */
export function taskVerdicts(final: TaskStatus, count: number, taskId: string, redact: (text: string) => string): Verdict[] {
  const items = itemsOf(final.result);
  const listed = items !== undefined && items.length === count && items.every((item) => typeof item === 'object' && item !== null);
  const done = finalState(final.status) === 'done';
  if (listed && done) return items.map((item) => itemVerdict(item as BatchResultItem, redact, taskId));
  if (done && reportsAllDone(final.result, count)) return Array.from({ length: count }, () => ({ status: 'imported', taskId }));
  const why = listed ? 'a per-profile result' : items !== undefined ? `a result of ${items.length} items for ${count} profiles` : 'no per-profile result';
  const error: OutcomeError = { kind: 'task', message: `the task ended with status ${final.status} and ${why}`, retryable: false, taskId, taskStatus: final.status };
  // A task that ended failed may have stopped anywhere: an item's own error fails it, and no
  // item is taken as imported on the word of a list the failed task left behind.
  if (listed) return items.map((item) => (itemError(item as BatchResultItem) === undefined ? { status: 'unknown', error } : itemVerdict(item as BatchResultItem, redact, taskId)));
  return Array.from({ length: count }, () => ({ status: 'unknown', error }));
}

/**
 * Follows the task of a batch of `count` profiles to its end. Answers one verdict per profile,
 * or undefined when `stopSignal` stopped the following (the profiles are still queued).
 */
export async function followTaskOf(internals: ClientInternals, taskId: string, count: number, options: FollowOptions = {}): Promise<Verdict[] | undefined> {
  const { signal, stopSignal, timeoutMs = 1_800_000, pollInterval = 1_000, maxDelayMs, limiter, format } = options;
  const stops = [signal, stopSignal].filter((s): s is AbortSignal => s !== undefined);
  const shown = internals.redact(taskId);
  const all = (error: OutcomeError): Verdict[] => Array.from({ length: count }, () => ({ status: 'unknown', error }));
  try {
    const final = await pollTask(internals, taskId, {
      timeoutMs,
      pollInterval,
      ...(maxDelayMs === undefined ? {} : { maxDelayMs }),
      ...(stops.length > 0 ? { signal: AbortSignal.any(stops) } : {}),
      ...(limiter ? { limiter } : {}),
      ...(format ? { format } : {}),
    });
    return taskVerdicts(final, count, shown, internals.redact);
  } catch (error) {
    if (signal?.aborted) return all({ kind: 'aborted', message: `aborted while following task ${shown}`, retryable: false, taskId: shown });
    if (stopSignal?.aborted) return undefined;
    if (error instanceof AltcraftTaskTimeoutError) {
      return all({ kind: 'timeout', message: error.message, retryable: false, taskId: shown, ...(error.lastStatus === undefined ? {} : { taskStatus: error.lastStatus }) });
    }
    const message = error instanceof Error ? error.message : String(error);
    return all({ kind: 'task', message: `the task's status could not be read: ${message}`, retryable: false, taskId: shown });
  }
}

/** followTaskOf for a client made by createAltcraftClient: the CLI follows tasks an earlier run queued. */
export function followTask(client: AltcraftClient, taskId: string, count: number, options: FollowOptions = {}): Promise<Verdict[] | undefined> {
  return followTaskOf(clientInternals(client), taskId, count, options);
}
