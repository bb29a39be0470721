import type { LineTally } from './exit.js';
import { grouped, plural } from './text.js';

/** Input lines with an outcome. */
export const settledLines = (tally: LineTally) => tally.imported + tally.queued + tally.failed + tally.unknown + tally.unreadable;

/**
 * The line counts, said the same way by the progress line and the summary (one set of
 * counters, one wording): `4/4 lines: 2 imported, 1 failed, 0 unknown, 1 unreadable`.
 * `sent` names what a successful line became: imported, queued, or (dry run) to send, the lines
 * a dry run would send (`toSend`), counted apart from the tally, which holds outcomes only.
 */
export function describeTally(tally: LineTally, options: { sent: 'imported' | 'queued' | 'to send'; total?: number; toSend?: number }): string {
  const toSend = options.toSend ?? 0;
  const settled = settledLines(tally) + toSend;
  const done = options.sent === 'to send' ? toSend : options.sent === 'queued' ? tally.queued : tally.imported;
  const lines = options.total === undefined ? plural(settled, 'line') : `${grouped(settled)}/${plural(options.total, 'line')}`;
  return `${lines}: ${grouped(done)} ${options.sent}, ${grouped(tally.failed)} failed, ${grouped(tally.unknown)} unknown, ${grouped(tally.unreadable)} unreadable`;
}

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
  /** Task mode: lines queued whose task is being followed (shown beside the confirmed counts). */
  inTasks = 0;
  constructor(
    private readonly stream: NodeJS.WriteStream,
    private readonly total: number | undefined,
    private readonly sent: 'imported' | 'queued',
    private readonly plainEveryMs = 5_000,
  ) {
    this.tty = stream.isTTY === true;
    // In a log, the first line comes after the first interval: a short run prints only its summary.
    if (!this.tty) this.lastDraw = Date.now();
  }

  update(tally: LineTally, elapsedMs: number, force = false, total = this.total): void {
    const now = Date.now();
    if (!force && now - this.lastDraw < (this.tty ? 100 : this.plainEveryMs)) return;
    this.lastDraw = now;
    const settled = settledLines(tally);
    const rate = elapsedMs > 0 ? (settled / elapsedMs) * 1000 : 0;
    const queued = this.inTasks > 0 ? `; ${grouped(this.inTasks)} queued, awaiting their tasks` : '';
    const counts = `${describeTally(tally, { sent: this.sent, total })}${queued}; ${grouped(rate)} lines/s`;
    if (!this.tty) {
      this.stream.write(`altcraft-import: ${counts}\n`);
      return;
    }
    const fraction = total ? Math.min(1, settled / total) : undefined;
    const width = 24;
    const bar = fraction === undefined ? '' : `[${'#'.repeat(Math.round(fraction * width)).padEnd(width, '-')}] ${(fraction * 100).toFixed(0).padStart(3)}% `;
    const eta = fraction !== undefined && fraction < 1 && rate > 0 && total ? `, ETA ${duration(((total - settled) / rate) * 1000)}` : '';
    this.stream.write(`\r\x1b[K${bar}${counts}${eta}`);
  }

  /**
   * Draws the final state on a terminal (with the total now known: blank lines and multi-line
   * CSV records made the first count an estimate) and leaves it on a fresh line; logs get the
   * summary instead.
   */
  end(tally: LineTally, elapsedMs: number, complete: boolean): void {
    if (!this.tty) return;
    this.update(tally, elapsedMs, true, complete ? settledLines(tally) : this.total);
    this.stream.write('\n');
  }
}
