import { mkdirSync, readdirSync, statSync, unlinkSync } from 'node:fs';
import { rename, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface StoreLimits {
  /** Case files kept at most; the oldest go first. */
  maxFiles: number;
  /** Bytes of case files kept at most; the oldest go first. */
  maxBytes: number;
}

export const DEFAULT_STORE_LIMITS: StoreLimits = { maxFiles: 1000, maxBytes: 256 * 1024 * 1024 };

/** Case files waiting to be written at most: past it a case is dropped (and said) rather than held. */
const MAX_PENDING = 64;

/** A case file's name: its sequence number (the order of recording) and its operation. */
export const CASE_NAME = /^(\d{10})-([A-Za-z]+)\.json$/;

/**
 * The case files of one directory, within a number of files and of bytes: the oldest are
 * removed to make room, and the log says so. Each file is written whole to a temporary name
 * and renamed, so a proxy killed mid-write leaves a stray `.tmp-` file (removed at the next
 * start, skipped by the report) and never half a case. A failed write (full disk, a directory
 * that cannot be written) is logged and the recording goes on; it never reaches the exchange.
 */
export class CaseStore {
  private readonly files: { name: string; size: number }[] = [];
  private bytes = 0;
  private next = 1;
  private pending = 0;
  private queue: Promise<void> = Promise.resolve();
  private dropped = 0;

  constructor(
    readonly dir: string,
    readonly limits: StoreLimits,
    private readonly log: (line: string) => void,
  ) {
    try {
      mkdirSync(dir, { recursive: true });
      for (const name of readdirSync(dir).sort()) {
        if (name.startsWith('.tmp-')) {
          unlinkSync(join(dir, name));
          continue;
        }
        const match = CASE_NAME.exec(name);
        if (!match) continue;
        const size = statSync(join(dir, name)).size;
        this.files.push({ name, size });
        this.bytes += size;
        this.next = Math.max(this.next, Number(match[1]) + 1);
      }
    } catch (error) {
      this.log(`altcraft-mock: recording: ${dir} cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); cases will be tried anyway`);
    }
  }

  /** Queues one case (its file name's operation part and its text); resolves once it is settled. */
  add(operation: string, text: string): Promise<void> {
    if (this.pending >= MAX_PENDING) {
      this.log(`altcraft-mock: recording: ${MAX_PENDING} cases are waiting to be written; this one is dropped`);
      return Promise.resolve();
    }
    this.pending++;
    const name = `${String(this.next++).padStart(10, '0')}-${operation.replace(/[^A-Za-z]/g, '') || 'other'}.json`;
    this.queue = this.queue.then(() => this.write(name, text)).finally(() => this.pending--);
    return this.queue;
  }

  /** Resolves once every queued case is written (or dropped). */
  settled(): Promise<void> {
    return this.queue;
  }

  private async write(name: string, text: string): Promise<void> {
    const size = Buffer.byteLength(text);
    if (size > this.limits.maxBytes) {
      this.log(`altcraft-mock: recording: ${name} is ${size} bytes, over --record-max-bytes ${this.limits.maxBytes}; not written`);
      return;
    }
    await this.makeRoom(size);
    const temporary = join(this.dir, `.tmp-${name}`);
    try {
      await writeFile(temporary, text);
      await rename(temporary, join(this.dir, name));
    } catch (error) {
      await unlink(temporary).catch(() => undefined);
      this.log(`altcraft-mock: recording: ${name} could not be written (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); the exchange was not affected`);
      return;
    }
    this.files.push({ name, size });
    this.bytes += size;
  }

  private async makeRoom(size: number): Promise<void> {
    let dropped = 0;
    while (this.files.length > 0 && (this.files.length + 1 > this.limits.maxFiles || this.bytes + size > this.limits.maxBytes)) {
      const oldest = this.files.shift()!;
      this.bytes -= oldest.size;
      await unlink(join(this.dir, oldest.name)).catch(() => undefined);
      dropped++;
    }
    if (dropped === 0) return;
    // Said the first time and then once per thousand, so a full directory does not flood the log.
    const before = this.dropped;
    this.dropped += dropped;
    if (before === 0 || Math.floor(before / 1000) !== Math.floor(this.dropped / 1000)) {
      this.log(
        `altcraft-mock: recording: dropped the oldest case file(s), ${this.dropped} so far, to stay within ${this.limits.maxFiles} files and ${this.limits.maxBytes} bytes (--record-max-files, --record-max-bytes)`,
      );
    }
  }
}
