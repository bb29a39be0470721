import type { ImportProgress } from '@altcraft-api/client';

export interface Counts {
  done: number;
  failed: number;
  unknown: number;
  elapsedMs: number;
}

const grouped = (n: number) => Math.round(n).toLocaleString('en-US');

function duration(ms: number): string {
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  return minutes < 60 ? `${minutes}m ${seconds % 60}s` : `${Math.floor(minutes / 60)}h ${minutes % 60}m`;
}

/**
 * Progress on stderr: a bar redrawn in place on a terminal, plain periodic lines otherwise (logs
 * of a CI job or a cron run). `total` is known when the input is a file.
 */
export class ProgressDisplay {
  private lastDraw = 0;
  private readonly tty: boolean;
  constructor(
    private readonly stream: NodeJS.WriteStream,
    private readonly total: number | undefined,
    private readonly plainEveryMs = 5_000,
  ) {
    this.tty = stream.isTTY === true;
  }

  static countsOf(progress: ImportProgress, malformed: number): Counts {
    return { done: progress.settled + malformed, failed: progress.failed + malformed, unknown: progress.unknown, elapsedMs: progress.elapsedMs };
  }

  update(counts: Counts, force = false): void {
    const now = Date.now();
    if (!force && now - this.lastDraw < (this.tty ? 100 : this.plainEveryMs)) return;
    this.lastDraw = now;
    const rate = counts.elapsedMs > 0 ? (counts.done / counts.elapsedMs) * 1000 : 0;
    const tally = `${grouped(counts.done)}${this.total ? `/${grouped(this.total)}` : ''} done, ${grouped(counts.failed)} failed, ${grouped(counts.unknown)} unknown, ${grouped(rate)}/s`;
    if (!this.tty) {
      this.stream.write(`altcraft-import: ${tally}\n`);
      return;
    }
    const fraction = this.total ? Math.min(1, counts.done / this.total) : undefined;
    const width = 24;
    const bar = fraction === undefined ? '' : `[${'#'.repeat(Math.round(fraction * width)).padEnd(width, '-')}] ${(fraction * 100).toFixed(0).padStart(3)}% `;
    const eta = fraction && rate > 0 && this.total ? `, ETA ${duration(((this.total - counts.done) / rate) * 1000)}` : '';
    this.stream.write(`\r\x1b[K${bar}${tally}${eta}`);
  }

  /** Draws the final state on a terminal and leaves it on a fresh line (logs get the summary). */
  end(counts: Counts): void {
    if (!this.tty) return;
    this.update(counts, true);
    this.stream.write('\n');
  }
}
