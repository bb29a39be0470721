// Durations the caller hands over, checked before they reach a timer: setTimeout and
// AbortSignal.timeout turn anything over 2^31 - 1 ms into 1 ms (a wait of 30 days gave up at
// once), Infinity throws from deep inside, and a poll interval of 0 or NaN asks for a task's
// status hundreds of times a second.

/** The longest delay a Node.js timer keeps (about 24.8 days). */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** The shortest interval between two status requests of one task. */
export const MIN_POLL_INTERVAL_MS = 10;

/** `value` when it is a number of milliseconds from `min` to MAX_TIMER_MS; a RangeError naming it otherwise. */
export function checkMs(where: string, name: string, value: number, min: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > MAX_TIMER_MS) {
    throw new RangeError(`${where}: ${name} must be a number of milliseconds from ${min} to ${MAX_TIMER_MS}, got ${String(value)}`);
  }
  return value;
}

/** The time limit and poll interval of a task's following, checked. */
export function checkTaskTiming(where: string, names: { timeout: string; poll: string }, timeoutMs: number, pollInterval: number): void {
  checkMs(where, names.timeout, timeoutMs, 1);
  checkMs(where, names.poll, pollInterval, MIN_POLL_INTERVAL_MS);
}
