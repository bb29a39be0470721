import { createReadStream, createWriteStream, existsSync, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import type { OutcomeError } from '@altcraft-api/client';

/** One line of the report: an input line and what became of it. */
export type ReportLine =
  | { line: number; status: 'imported'; profile_id: string }
  | { line: number; status: 'queued'; task_id: string }
  | { line: number; status: 'failed' | 'unknown'; error: OutcomeError | { kind: 'input'; message: string } };

/** Lines already settled in a report, as a bitset (a million lines take 125 KB). */
export class SettledLines {
  private bits = new Uint8Array(1024);
  count = 0;
  add(line: number): void {
    if (line >> 3 >= this.bits.length) {
      const grown = new Uint8Array(Math.max(this.bits.length * 2, (line >> 3) + 1));
      grown.set(this.bits);
      this.bits = grown;
    }
    if (!this.has(line)) this.count++;
    this.bits[line >> 3]! |= 1 << (line & 7);
  }
  has(line: number): boolean {
    return line >> 3 < this.bits.length && (this.bits[line >> 3]! & (1 << (line & 7))) !== 0;
  }
}

/** The settled lines of an earlier report; a line cut short by a crash is ignored (and redone). */
export async function readReport(path: string): Promise<SettledLines> {
  const settled = new SettledLines();
  if (!existsSync(path)) return settled;
  for await (const text of createInterface({ input: createReadStream(path), crlfDelay: Infinity })) {
    try {
      const entry = JSON.parse(text) as { line?: unknown };
      if (Number.isInteger(entry.line)) settled.add(entry.line as number);
    } catch {
      // a partial last line
    }
  }
  return settled;
}

/** Appends report lines as outcomes arrive, waiting when the disk is slower than the import. */
export class ReportWriter {
  private readonly stream: WriteStream;
  constructor(path: string, append: boolean) {
    this.stream = createWriteStream(path, { flags: append ? 'a' : 'w' });
  }
  async write(entry: ReportLine): Promise<void> {
    if (!this.stream.write(`${JSON.stringify(entry)}\n`)) await once(this.stream, 'drain');
  }
  close(): Promise<void> {
    return new Promise((resolve, reject) => this.stream.end((error?: Error | null) => (error ? reject(error) : resolve())));
  }
}
