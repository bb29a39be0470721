// The input is read, parsed, checked against the contract and encoded in a thread of its own,
// while the main thread sends. Measured on 200,000 NDJSON lines: reading, JSON.parse, the
// contract check and the items' serialisation cost about as much CPU as sending itself, so in
// one thread the command took 1.75x the CPU of importProfiles with its profiles in memory; the
// main thread now only joins bytes into bodies, sends them and settles the outcomes. What
// crosses between the threads is bytes (transferred, not copied) and line numbers: handing over
// parsed objects would cost more than parsing them again.
import { Worker } from 'node:worker_threads';
import type { BatchFormat } from '@altcraft-api/contract';
import type { InputFormat } from './input.js';
import { adoptPrestarted } from './prestart.js';
import type { ResumeLines } from './report.js';

/** What the reading thread needs: all of it plain data. */
export interface ReaderSetup {
  /** The input file's descriptor (shared by the threads); absent: standard input, piped in. */
  fd?: number;
  inputFormat: InputFormat;
  stringColumns: string[];
  /** The request bodies' format: each profile is encoded as its item of `data` in it. */
  format: BatchFormat;
  /** The request fields every body carries (but the token): the profiles are checked with them. */
  common: Record<string, unknown>;
  strict: boolean;
  retryAmbiguous: boolean;
  resume?: ResumeLines;
}

/** A record that is not simply a profile to send, or one that carries warnings. */
export interface Note {
  /** Its position in the group. */
  at: number;
  /** Unreadable: why (the line is not sent). */
  unreadable?: string;
  /** Where in the line the unreadable part is (a number that would not be sent as written). */
  pointer?: string;
  /** In flight when an earlier run died (the line is not sent). */
  interrupted?: true;
  /** Advice the profile goes against: how many, and in words. */
  warnings?: { count: number; text: string };
  /** Breaks the contract (or warns, with --strict): not sent. */
  refused?: { message: string; pointer: string };
  /** Could not be encoded: not sent. */
  unsendable?: string;
}

/**
 * Records in input order: the line each starts on, and for each the end of its item in `data`
 * (a record without an item ends where the one before it did). Then, after the records, what
 * ends the input early: a failure every request would get (`fatal`) or a read error.
 */
export interface Group {
  lines: Int32Array;
  ends: Uint32Array;
  data: Uint8Array;
  notes: Note[];
  /** The request fields' own warnings, once, in the first group that knows them. */
  requestWarnings?: string;
  fatal?: string;
  error?: { message: string; code?: string };
  done?: true;
}

/** The records, group by group, as the reading thread produces them; it stays a bounded distance ahead. */
export class InputReader implements AsyncIterable<Group> {
  private readonly worker: Worker;
  private readonly queue: Group[] = [];
  private waiting: { resolve: (group: Group) => void; reject: (error: Error) => void } | undefined;
  private failure: Error | undefined;
  private ended = false;

  /** Sets up the thread started early (prestart.ts), or a new one. */
  constructor(setup: ReaderSetup, stdin?: NodeJS.ReadableStream) {
    const prestarted = adoptPrestarted();
    this.worker = prestarted.worker ?? new Worker(new URL('./reader-worker.js', import.meta.url), { stdin: true });
    this.worker.ref();
    if (prestarted.error) this.fail(prestarted.error);
    this.worker.stdin!.on('error', () => undefined);
    if (stdin) stdin.pipe(this.worker.stdin!);
    else this.worker.stdin!.end();
    this.worker.on('message', (group: Group) => this.push(group));
    this.worker.on('error', (error) => this.fail(error));
    this.worker.on('exit', (code) => {
      if (!this.ended) this.fail(new Error(`the input reader stopped (exit code ${code})`));
    });
    this.worker.postMessage(setup);
  }

  private push(group: Group): void {
    if (group.done || group.fatal || group.error) this.ended = true;
    if (this.waiting) {
      const { resolve } = this.waiting;
      this.waiting = undefined;
      resolve(group);
    } else this.queue.push(group);
  }

  private fail(error: Error): void {
    this.failure ??= error;
    this.ended = true;
    if (this.waiting) {
      const { reject } = this.waiting;
      this.waiting = undefined;
      reject(error);
    }
  }

  private next(): Promise<Group> {
    const group = this.queue.shift();
    if (group) return Promise.resolve(group);
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => (this.waiting = { resolve, reject }));
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Group> {
    for (;;) {
      const group = await this.next();
      yield group;
      if (group.done || group.fatal || group.error) return;
      // Consumed: the reader may go that much further ahead.
      this.worker.postMessage(group.data.length);
    }
  }

  /** Stops the reading thread (at the end, or when the run stops before the input does). */
  async close(): Promise<void> {
    this.ended = true;
    await this.worker.terminate();
  }
}
