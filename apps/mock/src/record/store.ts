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

/** Case files being written at once at most: past it a case is dropped (and said) rather than held. */
const MAX_PENDING = 64;

/** A case file's name: its sequence number (the order of recording) and its operation. */
export const CASE_NAME = /^(\d{10,})-([A-Za-z]+)\.json$/;

/** Case names by their number, oldest first: past 9999999999 the number has 11 digits and sorts after. */
export const byNumber = (a: string, b: string) => {
  const [na, nb] = [CASE_NAME.exec(a)?.[1], CASE_NAME.exec(b)?.[1]];
  if (na === undefined || nb === undefined) return a < b ? -1 : a > b ? 1 : 0;
  return na.length - nb.length || (na < nb ? -1 : na > nb ? 1 : 0);
};

/**
 * The case files of one directory, within a number of files and of bytes: the oldest are
 * removed to make room, and the log says so. Each file is written whole to a temporary name
 * and renamed, so a proxy killed mid-write leaves a stray `.tmp-` file (removed at the next
 * start, skipped by the report) and never half a case. A failed write (full disk, a directory
 * that cannot be written) is logged and the recording goes on; it never reaches the exchange.
 */
export class CaseStore {
  private readonly files: Entry[] = [];
  private bytes = 0;
  private next = 1;
  private readonly writing = new Set<Promise<void>>();
  private dropped = 0;
  private refused = 0;
  /** Writes failed since the last that succeeded: said once, then counted (a full disk failed every one). */
  private failed = 0;

  constructor(
    readonly dir: string,
    readonly limits: StoreLimits,
    private readonly log: (line: string) => void,
  ) {
    let names: string[] = [];
    try {
      mkdirSync(dir, { recursive: true });
      names = readdirSync(dir).sort(byNumber);
    } catch (error) {
      this.log(`altcraft-mock: recording: ${dir} cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); cases will be tried anyway`);
    }
    for (const name of names) this.scan(name);
  }

  /**
   * One entry of the directory at start. Each has its own try: a `.tmp-` directory (EISDIR)
   * stopped the scan, and the case files after it were not counted against the bounds.
   */
  private scan(name: string): void {
    try {
      if (name.startsWith('.tmp-')) return void unlinkSync(join(this.dir, name));
      const match = CASE_NAME.exec(name);
      // A number past 2^53 (a stray, hand-made name) is no case of ours: as the next number, `++`
      // no longer moved it and every new case replaced the last one (review4 #9).
      if (!match || !Number.isSafeInteger(Number(match[1]) + 1)) return;
      const stat = statSync(join(this.dir, name));
      if (!stat.isFile()) return;
      this.files.push({ name, size: stat.size, gone: false });
      this.bytes += stat.size;
      this.next = Math.max(this.next, Number(match[1]) + 1);
    } catch (error) {
      this.log(`altcraft-mock: recording: ${name} in ${this.dir} skipped at start (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
    }
  }

  /**
   * Writes one case (its file name's operation part and its text); resolves once it is settled.
   * The room is made at once, so the bounds hold however many writes are under way.
   */
  add(operation: string, text: string): Promise<void> {
    const name = `${String(this.next++).padStart(10, '0')}-${operation.replace(/[^A-Za-z]/g, '') || 'other'}.json`;
    const size = Buffer.byteLength(text);
    if (size > this.limits.maxBytes) {
      this.log(`altcraft-mock: recording: ${name} is ${size} bytes, over --record-max-bytes ${this.limits.maxBytes}; not written`);
      return Promise.resolve();
    }
    if (this.writing.size >= MAX_PENDING) {
      // Said the first time and once per thousand: a disk slower than the traffic drops cases, never answers.
      if (this.refused++ % 1000 === 0) this.log(`altcraft-mock: recording: ${MAX_PENDING} cases are being written; ${this.refused} case(s) dropped so far`);
      return Promise.resolve();
    }
    const room = this.makeRoom(size);
    const entry: Entry = { name, size, gone: false };
    this.files.push(entry);
    this.bytes += size;
    const write = this.write(entry, text, room).finally(() => this.writing.delete(write));
    this.writing.add(write);
    return write;
  }

  /** Resolves once every case added so far is written (or dropped). */
  async settled(): Promise<void> {
    while (this.writing.size > 0) await Promise.all([...this.writing]);
  }

  private async write(entry: Entry, text: string, room: Promise<unknown>): Promise<void> {
    const temporary = join(this.dir, `.tmp-${entry.name}`);
    try {
      await writeFile(temporary, text);
      // The files it replaces are gone first: the directory is never over its bounds.
      await room;
      await rename(temporary, join(this.dir, entry.name));
      // Dropped to make room while it was being written: it must not outlive its drop.
      if (entry.gone) await unlink(join(this.dir, entry.name)).catch(() => undefined);
      if (this.failed > 0) this.log(`altcraft-mock: recording: cases are written again, after ${this.failed} that could not be`);
      this.failed = 0;
    } catch (error) {
      await unlink(temporary).catch(() => undefined);
      this.forget(entry);
      // One line, then one per thousand with the count, until a write succeeds again.
      if (this.failed++ % 1000 === 0) {
        const more = this.failed > 1 ? `; ${this.failed} failed so far` : '; the next failures are counted, not each said';
        this.log(`altcraft-mock: recording: ${entry.name} could not be written (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); the exchange was not affected${more}`);
      }
    }
  }

  private forget(entry: Entry): void {
    const at = this.files.indexOf(entry);
    if (at < 0) return;
    this.files.splice(at, 1);
    this.bytes -= entry.size;
  }

  private makeRoom(size: number): Promise<unknown> {
    let dropped = 0;
    const removed: Promise<unknown>[] = [];
    while (this.files.length > 0 && (this.files.length + 1 > this.limits.maxFiles || this.bytes + size > this.limits.maxBytes)) {
      const oldest = this.files.shift()!;
      this.bytes -= oldest.size;
      oldest.gone = true;
      removed.push(unlink(join(this.dir, oldest.name)).catch(() => undefined));
      dropped++;
    }
    if (dropped === 0) return Promise.resolve();
    // Said the first time and then once per thousand, so a full directory does not flood the log.
    const before = this.dropped;
    this.dropped += dropped;
    if (before === 0 || Math.floor(before / 1000) !== Math.floor(this.dropped / 1000)) {
      this.log(
        `altcraft-mock: recording: dropped the oldest case file(s), ${this.dropped} so far, to stay within ${this.limits.maxFiles} files and ${this.limits.maxBytes} bytes (--record-max-files, --record-max-bytes)`,
      );
    }
    return Promise.all(removed);
  }
}

interface Entry {
  name: string;
  size: number;
  /** Dropped to make room; its file is removed, or will be once written. */
  gone: boolean;
}
