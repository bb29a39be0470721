import { addTallies, type LineTally } from './exit.js';
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
  // Lines carried over by --resume may have become the other of the two (imported lines of an
  // earlier run in a --no-wait run, queued ones in a waiting run): said when there are some, so
  // that the counts add up to the lines.
  const other = options.sent === 'queued' ? 'imported' : options.sent === 'imported' ? 'queued' : undefined;
  const carried = other !== undefined && tally[other] > 0 ? `, ${grouped(tally[other])} ${other}` : '';
  return `${lines}: ${grouped(done)} ${options.sent}${carried}, ${grouped(tally.failed)} failed, ${grouped(tally.unknown)} unknown, ${grouped(tally.unreadable)} unreadable`;
}

function duration(ms: number): string {
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  return minutes < 60 ? `${minutes}m ${seconds % 60}s` : `${Math.floor(minutes / 60)}h ${minutes % 60}m`;
}

/**
 * The import rate an ETA can be given from: unknown until a few batches have settled or a few
 * seconds have passed since the first one (the time before it, counting the input and waiting for
 * the first answer, says nothing of the rate), then smoothed over about ten seconds so that one
 * slow or fast batch does not swing the ETA.
 */
export class RateEstimate {
  private first: { lines: number; ms: number } | undefined;
  private last: { lines: number; ms: number } | undefined;
  private steps = 0;
  private lastStepMs = 0;
  private smoothed: number | undefined;
  constructor(
    private readonly knownAfterSteps = 3,
    private readonly knownAfterMs = 3_000,
    private readonly smoothingMs = 10_000,
    /** Lines settled closer together than this are one batch's (a batch settles line by line). */
    private readonly batchGapMs = 100,
  ) {}

  /** Lines settled so far in this run, at `ms` since it started. */
  observe(lines: number, ms: number): void {
    if (lines === 0) return;
    if (!this.first || !this.last) {
      this.first = this.last = { lines, ms };
      this.lastStepMs = ms;
      return;
    }
    const dt = ms - this.last.ms;
    if (lines !== this.last.lines && ms - this.lastStepMs >= this.batchGapMs) {
      this.steps++;
      this.lastStepMs = ms;
    }
    if (dt <= 0) return;
    const instant = (lines - this.last.lines) / dt;
    const span = ms - this.first.ms;
    if (this.smoothed === undefined) {
      if (this.steps >= this.knownAfterSteps || span >= this.knownAfterMs) this.smoothed = (lines - this.first.lines) / span;
    } else {
      this.smoothed += (1 - Math.exp(-dt / this.smoothingMs)) * (instant - this.smoothed);
    }
    this.last = { lines, ms };
  }

  /** Lines per millisecond, once known. */
  get perMs(): number | undefined {
    return this.smoothed !== undefined && this.smoothed > 0 ? this.smoothed : undefined;
  }
}

/**
 * `line` cut to fit one row of a terminal `columns` wide, with the last column left free: a line
 * that wraps leaves its first rows behind, since \r and ESC [K only reach the last one. The bar
 * and the counts come first, so what is cut is the tail (the rate, the ETA).
 */
function fitted(line: string, columns: number | undefined): string {
  if (columns === undefined || !(columns > 1) || line.length <= columns - 1) return line;
  return `${line.slice(0, columns - 2)}…`;
}

/**
 * Progress on stderr: a bar redrawn in place on a terminal, plain periodic lines otherwise (logs
 * of a CI job or a cron run). `total` is known when the input is a file: all its lines, those a
 * --resume carries over (`carryOver`) included, as the summary and the exit status count them.
 */
export class ProgressDisplay {
  private lastDraw = 0;
  private readonly tty: boolean;
  /** What the terminal's last line shows, while the bar is on it: a message goes above it. */
  private drawn: string | undefined;
  private carried: LineTally = { imported: 0, queued: 0, failed: 0, unknown: 0, unreadable: 0 };
  private readonly rate = new RateEstimate();
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

  /** The lines --resume takes from the report: counted as settled, not in the rate. */
  carryOver(carried: LineTally): void {
    this.carried = carried;
  }

  /** A message on its own line: on a terminal, the bar is cleared first and drawn again under it. */
  say(message: string): void {
    if (this.drawn === undefined) this.stream.write(`${message}\n`);
    else this.stream.write(`\r\x1b[K${message}\n${this.drawn}`);
  }

  update(tally: LineTally, elapsedMs: number, force = false, total = this.total): void {
    const thisRun = settledLines(tally);
    // The rate is the platform's: unreadable lines settle as they are read, ahead of the answers.
    this.rate.observe(thisRun - tally.unreadable, elapsedMs);
    const now = Date.now();
    if (!force && now - this.lastDraw < (this.tty ? 100 : this.plainEveryMs)) return;
    this.lastDraw = now;
    const whole = addTallies(this.carried, tally);
    const settled = settledLines(whole);
    const rate = elapsedMs > 0 ? (thisRun / elapsedMs) * 1000 : 0;
    const queued = this.inTasks > 0 ? `; ${grouped(this.inTasks)} queued, awaiting their tasks` : '';
    const counts = `${describeTally(whole, { sent: this.sent, total })}${queued}; ${grouped(rate)} lines/s`;
    if (!this.tty) {
      this.stream.write(`altcraft-import: ${counts}\n`);
      return;
    }
    const fraction = total ? Math.min(1, settled / total) : undefined;
    const width = 24;
    const bar = fraction === undefined ? '' : `[${'#'.repeat(Math.round(fraction * width)).padEnd(width, '-')}] ${(fraction * 100).toFixed(0).padStart(3)}% `;
    const perMs = this.rate.perMs;
    const eta = fraction !== undefined && fraction < 1 && perMs !== undefined && total ? `, ETA ${duration((total - settled) / perMs)}` : '';
    this.drawn = fitted(`${bar}${counts}${eta}`, this.stream.columns);
    this.stream.write(`\r\x1b[K${this.drawn}`);
  }

  /**
   * Draws the final state on a terminal (with the total now known: blank lines and multi-line
   * CSV records made the first count an estimate) and leaves it on a fresh line; logs get the
   * summary instead.
   */
  end(tally: LineTally, elapsedMs: number, complete: boolean): void {
    if (!this.tty) return;
    this.update(tally, elapsedMs, true, complete ? settledLines(addTallies(this.carried, tally)) : this.total);
    this.stream.write('\n');
    this.drawn = undefined;
  }
}
