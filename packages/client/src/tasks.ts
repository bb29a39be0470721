// The task status request (`POST /api/v1.1/tasks/status`) and the polling built on it.
// Sourced (guides.altcraft.com, developer-guide/profiles/3115796, step 2): the request carries
// `token` and `task_id`; the answer is `{data: {status, progress, result}, error, error_text}`;
// `completed` and `success` are the statuses the page shows for a finished task. Assumed [?]:
// `failed`, `error`, `canceled` and `cancelled` end a task without success (the page names no
// failure status); any other status means "not yet" and is polled again until the time limit.
import { XmlEncodeError, taskStatusRequestXml } from '@altcraft-api/contract';
import type { CallOptions, ClientInternals, Format, SerializedBody } from './client.js';
import { AltcraftApiError, AltcraftError, AltcraftResponseError, AltcraftTaskTimeoutError, AltcraftValidationError } from './errors.js';
import { checkTaskTiming } from './durations.js';

/** The `data` of a status answer. `result` is whatever the platform reports (unknown for import tasks [?]). */
export interface TaskStatus {
  status: string;
  progress?: unknown;
  result?: unknown;
}

export interface WaitOptions {
  format?: Format;
  /** Stops waiting: rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Gives up after this long (AltcraftTaskTimeoutError). Default 600,000 ms. */
  timeoutMs?: number;
  /** First delay between two status requests; grows 1.5x per unfinished answer up to 10,000 ms. Default 1,000 ms. */
  pollInterval?: number;
  /** Longest delay after a failed status request, and longest `Retry-After` honoured. Default 30,000 ms. */
  maxDelayMs?: number;
  /** Called with each status answered (progress displays). */
  onStatus?: (status: TaskStatus) => void;
}

/** How a status ends a task: `done` (sourced), `failed` (assumed [?]), or undefined: not final. */
export function finalState(status: string): 'done' | 'failed' | undefined {
  const lower = status.toLowerCase();
  if (lower === 'completed' || lower === 'success') return 'done';
  if (lower === 'failed' || lower === 'error' || lower === 'canceled' || lower === 'cancelled') return 'failed';
  return undefined;
}

/**
 * The task id of a `_task` answer: `task_id` at the top level, else `data.task_id` (the shape
 * `profiles/get_all` answers with). Undefined when neither is a non-empty string.
 */
export function taskIdOf(answer: unknown): string | undefined {
  const top = (answer as { task_id?: unknown } | null)?.task_id;
  if (typeof top === 'string' && top !== '') return top;
  const nested = (answer as { data?: { task_id?: unknown } | null } | null)?.data?.task_id;
  return typeof nested === 'string' && nested !== '' ? nested : undefined;
}

function encodeStatusRequest(internals: ClientInternals, taskId: string, format: Format): SerializedBody {
  const body = { ...internals.envelope, task_id: taskId };
  try {
    return { format, text: format === 'xml' ? taskStatusRequestXml.encode(body) : JSON.stringify(body) };
  } catch (error) {
    if (error instanceof XmlEncodeError) throw new AltcraftValidationError('getTaskStatus', [{ pointer: internals.redact(error.pointer), message: internals.redact(error.message) }]);
    throw error;
  }
}

/** One status request; the answer's `data`, with the texts a server sent redacted. */
export async function getTaskStatus(internals: ClientInternals, taskId: string, options: CallOptions = {}): Promise<TaskStatus> {
  if (typeof taskId !== 'string' || taskId === '') throw new TypeError('getTaskStatus: taskId must be a non-empty string');
  const answer = (await internals.send('getTaskStatus', encodeStatusRequest(internals, taskId, options.format ?? 'json'), options.signal)) as { data: TaskStatus };
  const { status, progress, result } = answer.data;
  return { status: internals.redact(status), ...(progress === undefined ? {} : { progress }), ...(result === undefined ? {} : { result }) };
}

/** At most `size` holders at once; the others wait in line. */
export class Limiter {
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  constructor(private readonly size: number) {}
  async run<T>(job: () => Promise<T>): Promise<T> {
    if (this.active >= this.size) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.active++;
    try {
      return await job();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    }
  }
}

/** Whether a failed status request is worth asking again: a status request changes nothing, so any transient failure is. */
function transient(error: unknown): { retryAfterMs: number } | undefined {
  if (error instanceof AltcraftApiError) {
    const code = error.status === 200 ? error.code : error.status;
    if (code !== 429 && code < 500) return undefined;
    return { retryAfterMs: (error.retryAfterSeconds ?? 0) * 1000 };
  }
  // A whole 200 whose content breaks the contract would be answered the same way again: waiting
  // out the time limit for it would only delay the profiles' `unknown`.
  if (error instanceof AltcraftResponseError && error.status === 200 && error.message.includes('breaks the contract')) return undefined;
  if (error instanceof AltcraftError && error.name !== 'AltcraftRedirectError' && error.name !== 'AltcraftValidationError') return { retryAfterMs: 0 };
  return undefined;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      if (signal.aborted) reject(signal.reason);
      else resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

/**
 * Polls until the task's status is final and answers it (done or failed: see finalState).
 * Status requests go through `limiter` when given (many tasks followed at once).
 */
export async function pollTask(internals: ClientInternals, taskId: string, options: WaitOptions & { limiter?: Limiter } = {}): Promise<TaskStatus> {
  const { signal, timeoutMs = 600_000, pollInterval = 1_000, maxDelayMs = 30_000, limiter, onStatus, format } = options;
  checkTaskTiming('waitForTask', { timeout: 'timeoutMs', poll: 'pollInterval' }, timeoutMs, pollInterval);
  const deadline = AbortSignal.timeout(timeoutMs);
  const stop = signal ? AbortSignal.any([signal, deadline]) : deadline;
  let interval = pollInterval;
  let failures = 0;
  let last: string | undefined;
  const timedOut = () => new AltcraftTaskTimeoutError(internals.redact(taskId), timeoutMs, last);
  for (;;) {
    let delay: number;
    try {
      const ask = () => getTaskStatus(internals, taskId, { signal: stop, ...(format ? { format } : {}) });
      const status = await (limiter ? limiter.run(ask) : ask());
      last = status.status;
      onStatus?.(status);
      if (finalState(status.status)) return status;
      failures = 0;
      delay = interval;
      interval = Math.min(10_000, interval * 1.5);
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      if (deadline.aborted) throw timedOut();
      const again = transient(error);
      if (!again) throw error;
      const exponential = Math.min(maxDelayMs, pollInterval * 2 ** failures++);
      delay = Math.min(maxDelayMs, Math.max(exponential / 2 + (Math.random() * exponential) / 2, again.retryAfterMs));
    }
    try {
      await sleep(delay, stop);
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      if (deadline.aborted) throw timedOut();
      throw error;
    }
  }
}

/** The client's task methods, bound to its internals. */
export function taskMethods(internals: ClientInternals) {
  return {
    getTaskStatus: (taskId: string, options?: CallOptions) => getTaskStatus(internals, taskId, options),
    waitForTask: (taskId: string, options?: WaitOptions) => pollTask(internals, taskId, options),
  };
}
