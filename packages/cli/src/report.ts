import { createReadStream, existsSync } from 'node:fs';
import { open, rename, rm, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { OutcomeError } from '@altcraft-api/client';
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
  | { line: number; status: 'imported'; profile_id: string }
  | { line: number; status: 'queued'; task_id: string }
  | { line: number; status: 'failed' | 'unknown'; error: OutcomeError | LocalError };

/** Written (and synced) before each request: the input lines it carries, first and last. */
export interface SendingRecord {
  sending: [number, number];
}

type Entry = ReportLine | SendingRecord;

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
}

function isEntry(value: unknown): value is Entry {
  if (typeof value !== 'object' || value === null) return false;
  const entry = value as Record<string, unknown>;
  if (Array.isArray(entry.sending)) return entry.sending.length === 2 && entry.sending.every((n) => Number.isInteger(n) && (n as number) > 0) && entry.sending[0] <= entry.sending[1];
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
 * Reads the report of an earlier run and rewrites it in place (atomically: a new file renamed
 * over it) with one line per input line whose outcome stands, plus the ranges that were in
 * flight and are still open. Lines to send again lose their line, so that the report keeps one
 * line per input line; a torn last line is dropped, so that appending after it is safe.
 */
export async function resumeReport(path: string, options: { retryAmbiguous: boolean }): Promise<ResumeState> {
  const last = new LineTable();
  const settled = new LineTable();
  // Where each line was last recorded as sending (a line may be sent again after an answer).
  const sent = new LineTable();
  let maxSent = 0;
  if (existsSync(path)) {
    let number = 0;
    for await (const { entry } of entries(path)) {
      number++;
      if ('sending' in entry) {
        for (let line = entry.sending[0]; line <= entry.sending[1]; line++) sent.set(line, number);
        maxSent = Math.max(maxSent, entry.sending[1]);
      }
      else last.set(entry.line, number);
    }
  }
  const carried: LineTally = { imported: 0, queued: 0, failed: 0, unknown: 0, unreadable: 0 };
  let resent = 0;
  const kept: string[] = [];
  const temporary = `${path}.${process.pid}.tmp`;
  const out = await open(temporary, 'w');
  try {
    if (existsSync(path)) {
      let number = 0;
      for await (const { entry, text } of entries(path)) {
        number++;
        if ('sending' in entry || last.get(entry.line) !== number) continue;
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
    // because the platform never took them) leave the ranges.
    const inFlight = runsOf(maxSent, (line) => sent.get(line) > 0 && last.get(line) < sent.get(line));
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
    };
  } catch (error) {
    await out.close().catch(() => undefined);
    await rm(temporary, { force: true });
    throw error;
  }
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
        this.unwritten.push(...lines.filter((line) => !line.startsWith('{"sending"')));
        this.onError(this.error);
      }
    });
    return this.queue;
  }

  async close(): Promise<void> {
    await this.flush(true);
    if (this.error) this.unwritten.push(...this.buffer.splice(0).filter((line) => !line.startsWith('{"sending"')));
    await this.handle.close().catch(() => undefined);
  }
}
