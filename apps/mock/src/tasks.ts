// The tasks `import_and_start_batch_task` creates, and the answers of `tasks/status` about them
// (spec/DECISIONS.md rows 25-29). A task's state is a function of the clock: it is `queued`,
// then `in_progress` with a rising `progress`, then `completed` with the per-profile results the
// synchronous operation answers for the same batch. Only `completed` is a documented value; the
// other two are the mock's assumption. The store is bounded: at most `maxTasks` tasks,
// `maxProfiles` result items and `maxBytes` of tasks as JSON in all (oldest dropped first), each
// dropped once `ttlMs` has passed after it finished. Bytes matter because with
// matching=profile_id every result item echoes whatever profile_id the client sent.
import type { ChildProcess } from 'node:child_process';
import { isJsonObject, listExamples, type OperationId } from '@altcraft-api/contract';
import { answerFor } from './answers.js';

export interface TaskOptions {
  /** Time from queued to completed (`--task-duration`). */
  durationMs?: number;
  /** How long a finished task is kept (`--task-ttl`). */
  ttlMs?: number;
  /** Most tasks kept at once (`--task-limit`). */
  maxTasks?: number;
  /** Most result items kept over all tasks (`--task-profile-limit`); one larger batch is still kept, alone. */
  maxProfiles?: number;
  /** Most bytes of tasks (as UTF-8 JSON) kept over all tasks (`--task-max-bytes`); one larger task is still kept, alone. */
  maxBytes?: number;
  /** The clock (tests move it). */
  now?: () => number;
}

export const TASK_DEFAULTS = { durationMs: 1000, ttlMs: 600_000, maxTasks: 10_000, maxProfiles: 1_000_000, maxBytes: 64 * 2 ** 20 } as const;

/** What a task is: enough to answer its status at any time, in any mock process. */
export interface TaskRecord {
  id: string;
  createdAt: number;
  durationMs: number;
  /** One item per profile, in the order sent: `{profile_id}` or `{error, error_text}`. */
  results: object[];
}

/** The share of the duration a task stays `queued` before it is `in_progress`. */
const QUEUED_SHARE = 0.1;

/** The error_debug of a status request for a task the mock does not keep. */
export const UNKNOWN_TASK = 'no task with this task_id (unknown, or expired)';

const SUCCESS = { error: 0, error_text: 'Successful operation' } as const;

// The contract's own example task ids answer their example, so the docs' samples and the Postman
// collection get a success from the mock (DECISIONS 29).
const exampleAnswers = new Map<string, unknown>();
{
  const examples = listExamples().filter((e) => e.operationId === 'getTaskStatus' && e.mediaType === 'application/json');
  const answer = examples.find((e) => e.part === '200')?.value;
  for (const e of examples) {
    const taskId = isJsonObject(e.value) ? e.value.task_id : undefined;
    if (e.part === 'request' && typeof taskId === 'string' && answer !== undefined) exampleAnswers.set(taskId, answer);
  }
}

/** What a task weighs against `maxBytes`: its size as UTF-8 JSON, as a hand-over sends it. */
export const recordBytes = (record: TaskRecord): number => Buffer.byteLength(JSON.stringify(record));

function isRecord(value: unknown): value is TaskRecord {
  if (!isJsonObject(value)) return false;
  const { id, createdAt, durationMs, results } = value;
  return typeof id === 'string' && Number.isFinite(createdAt) && Number.isFinite(durationMs) && (durationMs as number) >= 0 && Array.isArray(results);
}

export class TaskStore {
  readonly durationMs: number;
  readonly ttlMs: number;
  readonly maxTasks: number;
  readonly maxProfiles: number;
  readonly maxBytes: number;
  private readonly now: () => number;
  // In insertion order, which is creation order: the first entry is the oldest.
  private readonly tasks = new Map<string, TaskRecord>();
  private readonly sizes = new Map<string, number>();
  private profiles = 0;
  private bytes = 0;
  // Whether the tasks expire in insertion order. This store's own do (one duration); a handed-over
  // one may expire before tasks kept earlier, and then a sweep from the oldest stopped at the first
  // unexpired task and kept expired ones past it (review4 #14).
  private inOrder = true;
  private lastExpiry = -Infinity;
  /** Called with each task this store creates (not with the ones handed to it). */
  onCreate: ((record: TaskRecord) => void) | undefined;

  constructor(options: TaskOptions = {}) {
    this.durationMs = options.durationMs ?? TASK_DEFAULTS.durationMs;
    this.ttlMs = options.ttlMs ?? TASK_DEFAULTS.ttlMs;
    this.maxTasks = options.maxTasks ?? TASK_DEFAULTS.maxTasks;
    this.maxProfiles = options.maxProfiles ?? TASK_DEFAULTS.maxProfiles;
    this.maxBytes = options.maxBytes ?? TASK_DEFAULTS.maxBytes;
    this.now = options.now ?? Date.now;
    for (const [name, value] of Object.entries({ durationMs: this.durationMs, ttlMs: this.ttlMs })) {
      if (!(Number.isSafeInteger(value) && value >= 0)) throw new RangeError(`task ${name} must be a whole number of ms, not ${value}`);
    }
    for (const [name, value] of Object.entries({ maxTasks: this.maxTasks, maxProfiles: this.maxProfiles, maxBytes: this.maxBytes })) {
      if (!(Number.isSafeInteger(value) && value >= 1)) throw new RangeError(`task ${name} must be a positive integer, not ${value}`);
    }
  }

  get size(): number {
    return this.tasks.size;
  }

  /** Result items kept over all tasks. */
  get profileCount(): number {
    return this.profiles;
  }

  /** Bytes of the tasks kept (see `recordBytes`). */
  get byteCount(): number {
    return this.bytes;
  }

  /** Queues a task; a task of that id still kept stays as it is (the same batch sent again). */
  create(id: string, results: object[]): void {
    this.sweep();
    if (this.tasks.has(id)) return;
    const record: TaskRecord = { id, createdAt: this.now(), durationMs: this.durationMs, results };
    this.keep(record);
    this.onCreate?.(record);
  }

  /** Takes tasks another mock process created (pnpm dev's hand-over); false for one it refuses. */
  add(record: unknown): boolean {
    if (!isRecord(record) || this.tasks.has(record.id)) return false;
    this.sweep();
    if (this.expired(record)) return false;
    this.keep(record);
    return true;
  }

  /** Every task kept, oldest first. */
  records(): TaskRecord[] {
    this.sweep();
    return [...this.tasks.values()];
  }

  /** The status answer for `taskId`, or undefined when the mock does not keep that task. */
  status(taskId: string): object | undefined {
    this.sweep();
    const task = this.tasks.get(taskId);
    if (task === undefined || this.expired(task)) return exampleAnswers.get(taskId) as object | undefined;
    const elapsed = this.now() - task.createdAt;
    if (elapsed >= task.durationMs) return { ...SUCCESS, data: { status: 'completed', progress: 100, result: { result: task.results } } };
    if (elapsed < task.durationMs * QUEUED_SHARE) return { ...SUCCESS, data: { status: 'queued', progress: 0 } };
    const progress = Math.min(99, Math.max(1, Math.floor((elapsed / task.durationMs) * 100)));
    return { ...SUCCESS, data: { status: 'in_progress', progress } };
  }

  // Kept for `ttlMs` after it completed, that millisecond included: with a ttl of 0 a status
  // request in the millisecond the task completes still sees its results.
  private expired(task: TaskRecord): boolean {
    return this.now() > this.expiryOf(task);
  }

  private keep(record: TaskRecord): void {
    const bytes = recordBytes(record);
    const full = () => this.tasks.size >= this.maxTasks || this.profiles + record.results.length > this.maxProfiles || this.bytes + bytes > this.maxBytes;
    while (this.tasks.size > 0 && full()) this.drop(this.tasks.keys().next().value as string);
    this.tasks.set(record.id, record);
    const expiry = this.expiryOf(record);
    if (expiry < this.lastExpiry) this.inOrder = false;
    this.lastExpiry = Math.max(this.lastExpiry, expiry);
    this.sizes.set(record.id, bytes);
    this.profiles += record.results.length;
    this.bytes += bytes;
  }

  private drop(id: string): void {
    this.profiles -= this.tasks.get(id)!.results.length;
    this.bytes -= this.sizes.get(id)!;
    this.tasks.delete(id);
    this.sizes.delete(id);
  }

  /**
   * Drops expired tasks. In expiry order, from the oldest on: the first one still kept ends the
   * walk. Out of order (a hand-over), every task is looked at, at most maxTasks, until the tasks
   * left expire in order again.
   */
  private sweep(): void {
    if (this.inOrder) {
      for (const task of this.tasks.values()) {
        if (!this.expired(task)) return;
        this.drop(task.id);
      }
      return;
    }
    let last = -Infinity;
    let ordered = true;
    for (const task of [...this.tasks.values()]) {
      if (this.expired(task)) this.drop(task.id);
      else {
        ordered &&= this.expiryOf(task) >= last;
        last = Math.max(last, this.expiryOf(task));
      }
    }
    this.inOrder = ordered;
  }

  private expiryOf(task: TaskRecord): number {
    return task.createdAt + task.durationMs + this.ttlMs;
  }
}

type Request = Parameters<typeof answerFor>[1] & { task_id?: unknown };

/**
 * The answer of a valid request, with the task store in the loop: the task operation queues a
 * task holding the synchronous answer's results (the same code, so the same values), and the
 * status request reads it. Undefined for a task the store does not keep.
 */
export function answerWithTasks(operationId: OperationId, request: Request, tasks: TaskStore, refuses?: (profileId: string) => boolean): object | undefined {
  if (operationId === 'getTaskStatus') return typeof request.task_id === 'string' ? tasks.status(request.task_id) : undefined;
  const answer = answerFor(operationId, request, refuses);
  if (operationId === 'importAndStartBatchTask') {
    const { result } = answerFor('importAndStartBatch', request, refuses) as { result: object[] };
    tasks.create((answer as { task_id: string }).task_id, result);
  }
  return answer;
}

type TaskMessage = { tasks: unknown[]; reply?: boolean } | { task: unknown } | { tasksLoaded: number };

const isTaskMessage = (message: unknown): message is TaskMessage =>
  isJsonObject(message) && (Array.isArray(message.tasks) || 'task' in message || typeof message.tasksLoaded === 'number');

/**
 * In a mock process started by pnpm dev (over IPC): tells the parent each task it creates, and
 * takes the tasks the parent hands over, so a hot swap or a crash loses none.
 */
export function shareTasksWithParent(store: TaskStore): void {
  const send = process.send?.bind(process);
  if (!send) return;
  store.onCreate = (record) => void send({ task: record });
  process.on('message', (message: unknown) => {
    if (!isTaskMessage(message) || !('tasks' in message)) return;
    let loaded = 0;
    for (const record of message.tasks) if (store.add(record)) loaded++;
    if (message.reply) send({ tasksLoaded: loaded });
  });
}

/** Most bytes of tasks pnpm dev sends in one IPC message: far below V8's longest string. */
export const HANDOVER_CHUNK_BYTES = 8 * 2 ** 20;

/** `records` in runs of at most `maxBytes` (a larger record alone); always one run at least. */
function inChunks(records: TaskRecord[], maxBytes: number): TaskRecord[][] {
  const chunks: TaskRecord[][] = [[]];
  let bytes = 0;
  for (const record of records) {
    const size = recordBytes(record);
    if (chunks.at(-1)!.length > 0 && bytes + size > maxBytes) {
      chunks.push([]);
      bytes = 0;
    }
    chunks.at(-1)!.push(record);
    bytes += size;
  }
  return chunks;
}

/**
 * In pnpm dev, outside the mock processes it swaps: keeps a copy of every task they create (as
 * bounded as theirs), passes each one to the other live processes (a retiring one may still
 * queue a task), and hands all of them to a new process before it serves.
 */
export class TaskKeeper {
  private readonly store: TaskStore;
  private readonly children = new Set<ChildProcess>();
  /** Most bytes of tasks in one hand-over message (one larger task goes alone). */
  private readonly chunkBytes: number;

  constructor(options: { chunkBytes?: number; store?: TaskOptions } = {}) {
    this.store = new TaskStore(options.store);
    this.chunkBytes = options.chunkBytes ?? HANDOVER_CHUNK_BYTES;
  }

  /**
   * Follows `child`'s tasks; resolves once it holds the tasks kept so far. A child that does not
   * take them in time (or that cannot be sent them) is killed: it must not serve without them.
   */
  handOver(child: ChildProcess, timeoutMs = 30_000): Promise<void> {
    this.children.add(child);
    child.once('exit', () => this.children.delete(child));
    child.on('message', (message: unknown) => {
      if (!isTaskMessage(message) || !('task' in message) || !this.store.add(message.task)) return;
      for (const other of this.children) if (other !== child && other.connected) other.send({ tasks: [message.task] });
    });
    return new Promise<void>((resolve, reject) => {
      const fail = (error: Error) => {
        clearTimeout(timer);
        child.off('message', loaded);
        child.kill('SIGTERM');
        reject(error);
      };
      const timer = setTimeout(() => fail(new Error(`the mock process did not take the ${this.store.size} kept task(s) within ${timeoutMs} ms`)), timeoutMs);
      const loaded = (message: unknown) => {
        if (!isTaskMessage(message) || !('tasksLoaded' in message)) return;
        clearTimeout(timer);
        child.off('message', loaded);
        resolve();
      };
      child.on('message', loaded);
      try {
        // In order over one channel: the reply to the last chunk comes after all were taken.
        const chunks = inChunks(this.store.records(), this.chunkBytes);
        chunks.forEach((tasks, at) => child.send({ tasks, reply: at === chunks.length - 1 }));
      } catch (error) {
        fail(error as Error);
      }
    });
  }

  get size(): number {
    return this.store.size;
  }
}
