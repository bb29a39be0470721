import { createReadStream, existsSync } from 'node:fs';
import { open, rename, rm, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { OutcomeError, ProfileOutcome } from '@altcraft-api/client';
import type { LineTally } from './exit.js';
import { rawLines } from './lines.js';
import { fileReason } from './text.js';

/**
 * Why a line failed or is unknown without the platform's word on it: `input` (unreadable line),
 * `invalid` (breaks the contract: not sent), `interrupted` (in flight when an earlier run died).
 */
export interface LocalError {
  kind: 'input' | 'invalid' | 'interrupted';
  message: string;
  retryable: false;
  pointer?: string;
}

/** One line of the report: an input line and what became of it. */
export type ReportLine =
  /** `profile_id` is missing only for a task whose result counts the profiles without naming them. */
  | { line: number; status: 'imported'; profile_id?: string; task_id?: string }
  | { line: number; status: 'queued'; task_id: string }
  | { line: number; status: 'failed' | 'unknown'; error: OutcomeError | LocalError };

/** The report line of a profile's outcome. */
export function reportLineOf(line: number, outcome: ProfileOutcome): ReportLine {
  switch (outcome.status) {
    case 'imported':
      return {
        line,
        status: 'imported',
        ...(outcome.profileId === undefined ? {} : { profile_id: outcome.profileId }),
        ...(outcome.taskId === undefined ? {} : { task_id: outcome.taskId }),
      };
    case 'queued':
      return { line, status: 'queued', task_id: outcome.taskId };
    default:
      return { line, status: outcome.status, error: outcome.error };
  }
}

/** Written (and synced) before each request: the input lines it carries, first and last. */
export interface SendingRecord {
  sending: [number, number];
}

/**
 * Written (and synced) once a batch is queued as a task, before its task is followed: the task
 * and the input lines of the batch, in the batch's order (sorted runs). A resume follows the task
 * again for the lines that have no outcome after it, instead of sending them again.
 */
export interface TaskRecord {
  task: string;
  lines: [number, number][];
}

/** A task an earlier run queued and did not see settled, as --resume finds it. */
export interface ResumedTask {
  taskId: string;
  /** Every line of the task's batch, in the batch's order (a profile's position in the task's result). */
  lines: number[];
  /** The lines still without an outcome: the ones to settle from the task. */
  open: Set<number>;
}

type Entry = ReportLine | SendingRecord | TaskRecord;

/** The most lines one request carries (the platform's batch limit): a task record naming more is corrupt. */
export const MAX_RECORD_LINES = 10_000;

const isRun = (run: unknown): run is [number, number] =>
  Array.isArray(run) && run.length === 2 && run.every((n) => Number.isInteger(n) && (n as number) > 0) && run[0] <= run[1];

// A record's lines are walked one by one on resume: a crafted [[1, 2000000000]] must not be.
const isRuns = (runs: unknown): runs is [number, number][] =>
  Array.isArray(runs) && runs.length <= MAX_RECORD_LINES && runs.every(isRun) && runs.reduce((sum, [first, last]) => sum + last - first + 1, 0) <= MAX_RECORD_LINES;

/** A growable array of small integers indexed by line number (a million lines take 4 MB). */
class LineTable {
  values = new Int32Array(1024);
  get(line: number): number {
    return line < this.values.length ? this.values[line]! : 0;
  }
  set(line: number, value: number): void {
    if (line >= this.values.length) {
      const grown = new Int32Array(Math.max(this.values.length * 2, line + 1));
      grown.set(this.values);
      this.values = grown;
    }
    this.values[line] = value;
  }
}

/**
 * Which lines an earlier report settled, and which it had in flight, as plain data (it goes to
 * the thread that reads the input): `settled[line]` is 1 for a settled line; `inFlight` holds
 * sorted, disjoint runs of lines.
 */
export interface ResumeLines {
  settled: Int32Array;
  inFlight: [number, number][];
}

/** Lines whose outcome stands: not read again. */
export const isSettledIn = (lines: ResumeLines, line: number): boolean => line < lines.settled.length && lines.settled[line] === 1;

/** Lines sent by a run that died before their answer was written: they may have been imported. */
export const wasInFlightIn = (lines: ResumeLines, line: number): boolean => covers(lines.inFlight, line);

/** What an earlier report says about the input, for `--resume`. */
export interface ResumeState {
  lines: ResumeLines;
  isSettled(line: number): boolean;
  wasInFlight(line: number): boolean;
  /** The outcomes that stand, by status (they count in the exit status). */
  carried: LineTally;
  /** Lines the report had as failed-but-retryable (or unknown, with --retry-ambiguous): sent again. */
  resent: number;
  /** Tasks queued by an earlier run whose lines have no final outcome: followed, not sent again. */
  tasks: ResumedTask[];
}

function isEntry(value: unknown): value is Entry {
  if (typeof value !== 'object' || value === null) return false;
  const entry = value as Record<string, unknown>;
  if (typeof entry.task === 'string') return entry.task !== '' && isRuns(entry.lines) && entry.lines.length > 0;
  // Not bounded like a task's lines: a request's span of lines also covers the lines between its
  // profiles that were unreadable or settled before (a resumed run), any number of them.
  if (Array.isArray(entry.sending)) return isRun(entry.sending);
  const line = entry.line;
  if (!Number.isInteger(line) || (line as number) < 1) return false;
  switch (entry.status) {
    case 'imported':
    case 'queued':
      return true;
    case 'failed':
    case 'unknown':
      return typeof entry.error === 'object' && entry.error !== null;
    default:
      return false;
  }
}

/** The report's entries in order; a torn last line (a run killed mid-write) is left out. */
async function* entries(path: string): AsyncGenerator<{ entry: Entry; text: string }> {
  for await (const raw of rawLines(createReadStream(path))) {
    const text = raw.bytes.toString('utf8');
    if (text.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      value = undefined;
    }
    if (isEntry(value)) {
      yield { entry: value, text };
      continue;
    }
    if (!raw.terminated) return;
    throw new Error(`${path}: line ${raw.number} is not a report line (only a torn last line is tolerated): ${text.length > 80 ? `${text.slice(0, 80)}...` : text}`);
  }
}

/** Whether a settled line is sent again: never-imported failures always, unknown ones on request. */
function resend(entry: ReportLine, retryAmbiguous: boolean): boolean {
  if (entry.status === 'failed') return (entry.error as { retryable?: unknown }).retryable === true;
  if (entry.status === 'unknown') return retryAmbiguous;
  return false;
}

async function writeAll(handle: FileHandle, text: string): Promise<void> {
  const bytes = Buffer.from(text);
  for (let at = 0; at < bytes.length; ) at += (await handle.write(bytes, at)).bytesWritten;
}

/**
 * An unknown line whose task was still running when the run stopped following it (it outlived
 * --task-timeout, was aborted, or its status could not be read): the task stays open like a queued one, so a
 * resume follows it again and --retry-ambiguous never queues its profiles a second time.
 */
function stillRunning(entry: ReportLine): boolean {
  if (entry.status !== 'unknown') return false;
  const error = entry.error as { kind?: unknown; taskId?: unknown; taskStatus?: unknown };
  if (typeof error.taskId !== 'string') return false;
  return error.kind === 'timeout' || error.kind === 'aborted' || (error.kind === 'task' && error.taskStatus === undefined);
}

/** Where each line was last recorded, by record number (0: never), from a first pass over the report. */
class Scan {
  readonly last = new LineTable();
  /** Where each line was last recorded as sending (a line may be sent again after an answer). */
  readonly sent = new LineTable();
  /** The last task record holding each line, and whether the line's last outcome was `queued`. */
  readonly taskAt = new LineTable();
  readonly queued = new LineTable();
  readonly tasks = new Map<number, TaskRecord>();
  maxSent = 0;

  static async of(path: string): Promise<Scan> {
    const scan = new Scan();
    if (!existsSync(path)) return scan;
    let number = 0;
    for await (const { entry } of entries(path)) scan.add(entry, ++number);
    return scan;
  }

  private add(entry: Entry, number: number): void {
    if ('sending' in entry) {
      for (let line = entry.sending[0]; line <= entry.sending[1]; line++) this.sent.set(line, number);
      this.maxSent = Math.max(this.maxSent, entry.sending[1]);
    } else if ('task' in entry) {
      this.tasks.set(number, entry);
      for (const [first, last] of entry.lines) for (let line = first; line <= last; line++) this.taskAt.set(line, number);
    } else {
      this.last.set(entry.line, number);
      this.queued.set(entry.line, entry.status === 'queued' || stillRunning(entry) ? 1 : 0);
    }
  }

  /** Queued as a task after its last sending, and no final outcome since: its task is followed again. */
  inTask(line: number): boolean {
    const task = this.taskAt.get(line);
    return task > 0 && task > this.sent.get(line) && (this.last.get(line) < task || this.queued.get(line) === 1);
  }

  /** Sent with no outcome nor task recorded after it: in flight when a run died. */
  inFlight(line: number): boolean {
    const sent = this.sent.get(line);
    return sent > 0 && this.last.get(line) < sent && this.taskAt.get(line) < sent;
  }

  /** The tasks that still hold lines to settle, each with its record's own lines. */
  openTasks(): ResumedTask[] {
    const found: ResumedTask[] = [];
    for (const [number, record] of this.tasks) {
      const lines = record.lines.flatMap(([first, last]) => Array.from({ length: last - first + 1 }, (_, i) => first + i));
      const open = new Set(lines.filter((line) => this.taskAt.get(line) === number && this.inTask(line)));
      if (open.size > 0) found.push({ taskId: record.task, lines, open });
    }
    return found;
  }
}

/**
 * Reads the report of an earlier run and rewrites it in place (atomically: a new file renamed
 * over it) with one line per input line whose outcome stands, plus the ranges that were in
 * flight and the tasks that are still open. Lines to send again lose their line, so that the
 * report keeps one line per input line; a torn last line is dropped, so that appending after it
 * is safe. The lines of an open task are neither carried nor sent: the caller follows the task.
 */
export async function resumeReport(path: string, options: { retryAmbiguous: boolean }): Promise<ResumeState> {
  const scan = await Scan.of(path);
  const settled = new LineTable();
  const carried: LineTally = { imported: 0, queued: 0, failed: 0, unknown: 0, unreadable: 0 };
  let resent = 0;
  const kept: string[] = [];
  const temporary = `${path}.${process.pid}.tmp`;
  const out = await open(temporary, 'w');
  try {
    // Open tasks first: a line's outcome recorded after its task must stay after it.
    const tasks = scan.openTasks();
    for (const task of tasks) {
      kept.push(JSON.stringify({ task: task.taskId, lines: runsOfLines(task.lines) } satisfies TaskRecord));
      for (const line of task.open) settled.set(line, 1);
    }
    if (existsSync(path)) {
      let number = 0;
      for await (const { entry, text } of entries(path)) {
        number++;
        if ('sending' in entry || 'task' in entry || scan.last.get(entry.line) !== number || scan.inTask(entry.line)) continue;
        if (resend(entry, options.retryAmbiguous)) {
          resent++;
          continue;
        }
        settled.set(entry.line, 1);
        if (entry.status === 'failed' && entry.error.kind === 'input') carried.unreadable++;
        else carried[entry.status]++;
        kept.push(text);
        if (kept.length >= 4096) await writeAll(out, `${kept.splice(0).join('\n')}\n`);
      }
    }
    // Lines sent with no outcome recorded after it were in flight when a run died. Their ranges
    // stay in the report until each line has an outcome: a run killed again before reaching them
    // must still not resend them silently. Lines with an outcome (kept, or to be sent again
    // because the platform never took them) leave the ranges. Open tasks stay for the same reason.
    const inFlight = runsOf(scan.maxSent, (line) => scan.inFlight(line));
    for (const range of inFlight) kept.push(JSON.stringify({ sending: range } satisfies SendingRecord));
    if (kept.length > 0) await writeAll(out, `${kept.join('\n')}\n`);
    await out.sync();
    await out.close();
    await rename(temporary, path);
    await syncDirectory(dirname(path));
    const lines: ResumeLines = { settled: settled.values, inFlight };
    return {
      lines,
      isSettled: (line) => isSettledIn(lines, line),
      wasInFlight: (line) => wasInFlightIn(lines, line),
      carried,
      resent,
      tasks,
    };
  } catch (error) {
    await out.close().catch(() => undefined);
    await rm(temporary, { force: true });
    throw error;
  }
}

/** Lines in order as runs of consecutive lines: [1,2,3,7] is [[1,3],[7,7]]. */
export function runsOfLines(lines: number[]): [number, number][] {
  const runs: [number, number][] = [];
  for (const line of lines) {
    const previous = runs.at(-1);
    if (previous && previous[1] === line - 1) previous[1] = line;
    else runs.push([line, line]);
  }
  return runs;
}

/** The maximal runs of lines for which `inFlight` holds, from 1 to `max`, sorted and disjoint. */
function runsOf(max: number, inFlight: (line: number) => boolean): [number, number][] {
  const runs: [number, number][] = [];
  for (let line = 1; line <= max; line++) {
    if (!inFlight(line)) continue;
    const previous = runs.at(-1);
    if (previous && previous[1] === line - 1) previous[1] = line;
    else runs.push([line, line]);
  }
  return runs;
}

/** Whether sorted disjoint runs hold the line (binary search: a resume asks for every line). */
function covers(runs: [number, number][], line: number): boolean {
  let low = 0;
  let high = runs.length - 1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    const [first, last] = runs[middle]!;
    if (line < first) high = middle - 1;
    else if (line > last) low = middle + 1;
    else return true;
  }
  return false;
}

async function syncDirectory(path: string): Promise<void> {
  const directory = await open(path, 'r');
  try {
    await directory.sync();
  } catch {
    // Some file systems cannot sync a directory; the rename is then as durable as they allow.
  } finally {
    await directory.close();
  }
}

/** Why the report could not be written: `no space left on the device (ENOSPC)`. */
const reasonOf = fileReason;

/**
 * Appends report lines. Outcomes go to the file as soon as the previous write is done (what
 * arrives meanwhile goes with the next write), unsynced: a killed process loses nothing that
 * reached write(2), and a line lost anyway stays in flight, so it is never resent silently. Each
 * "sending" record is written and synced before its request leaves, which is what makes a
 * resume after `kill -9` safe. After a write error nothing more reaches the file: the lines are
 * kept in `unwritten` for the caller to hand to the user.
 */
export class ReportWriter {
  private buffer: string[] = [];
  private bytes = 0;
  private queue: Promise<void> = Promise.resolve();
  private flushQueued = false;
  /** The first write error: once set, nothing more is written. */
  error?: Error;
  readonly unwritten: string[] = [];

  private constructor(
    readonly path: string,
    private readonly handle: FileHandle,
    private readonly onError: (error: Error) => void,
  ) {}

  static async open(path: string, append: boolean, onError: (error: Error) => void): Promise<ReportWriter> {
    return new ReportWriter(path, await open(path, append ? 'a' : 'w'), onError);
  }

  /** Queues one outcome; a promise to wait for only when much is waiting for the disk. */
  write(entry: ReportLine): Promise<void> | undefined {
    const text = JSON.stringify(entry);
    if (this.error) {
      this.unwritten.push(text);
      return undefined;
    }
    this.buffer.push(text);
    this.bytes += text.length;
    const flushed = this.flushQueued ? this.queue : this.flush(false);
    return this.bytes >= 1 << 16 ? flushed : undefined;
  }

  /** Records that the lines first..last are about to be sent, durably; rejects when it cannot. */
  async sending(first: number, last: number): Promise<void> {
    if (this.error) throw this.error;
    this.buffer.push(JSON.stringify({ sending: [first, last] } satisfies SendingRecord));
    await this.flush(true);
    if (this.error) throw this.error;
  }

  /** Records, durably, that the batch of these lines (in its order) is queued as task `taskId`. */
  async task(taskId: string, lines: [number, number][]): Promise<void> {
    if (this.error) throw this.error;
    this.buffer.push(JSON.stringify({ task: taskId, lines } satisfies TaskRecord));
    await this.flush(true);
    if (this.error) throw this.error;
  }

  private flush(sync: boolean): Promise<void> {
    this.flushQueued = true;
    this.queue = this.queue.then(async () => {
      this.flushQueued = false;
      if (this.error) return;
      const lines = this.buffer;
      this.buffer = [];
      this.bytes = 0;
      try {
        // An earlier write may have taken the lines of this one: the sync is still owed.
        if (lines.length > 0) await writeAll(this.handle, `${lines.join('\n')}\n`);
        if (sync) await this.handle.sync();
      } catch (error) {
        this.error = new Error(`cannot write the report ${this.path}: ${reasonOf(error)}`, { cause: error });
        // A line may have reached the file in part: all of the batch is handed back, and a
        // line present twice settles the same way both times.
        this.unwritten.push(...lines.filter((line) => line.startsWith('{"line"')));
        this.onError(this.error);
      }
    });
    return this.queue;
  }

  async close(): Promise<void> {
    await this.flush(true);
    if (this.error) this.unwritten.push(...this.buffer.splice(0).filter((line) => line.startsWith('{"line"')));
    await this.handle.close().catch(() => undefined);
  }
}
