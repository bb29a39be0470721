import type { OutcomeError } from '@altcraft-api/client';
import type { LocalError } from './report.js';
import { grouped, plural } from './text.js';

/** A failure reason with its line count and first line, as the summary and --json give it. */
export interface Reason {
  lines: number;
  reason: string;
  first_line: number;
}

/** Pointers into a request name a position in that request: `/data/N` groups them across requests. */
const anyProfile = (text: string) => text.replace(/\/data\/\d+(?=\/|\b)/g, '/data/N');

/**
 * What went wrong with a line, without what differs from line to line (the position in a
 * request, the line number, the text of a line that is not JSON), so that lines failed for the
 * same reason are counted together. The report keeps each line's own error.
 */
export function reasonOf(error: OutcomeError | LocalError): string {
  switch (error.kind) {
    case 'api': {
      const { status, debug, message } = error as OutcomeError;
      return anyProfile(debug ? `HTTP ${status} ${debug}` : message.replace(/^\w+ failed: /, ''));
    }
    case 'item':
      return `refused by the platform: ${error.message}`;
    case 'input':
      return `unreadable: ${error.message.startsWith('not JSON:') ? 'not JSON' : error.message.replace(/\b(line) \d+/g, '$1 N').replace(/\d{16,}/g, 'N')}`;
    default:
      return anyProfile(error.message.replace(/^\w+ failed: /, ''));
  }
}

/** Failed and unknown lines grouped by reason, for the end of the run. */
export class Reasons {
  private readonly byReason = new Map<string, { count: number; line: number }>();
  add(line: number, error: OutcomeError | LocalError): void {
    const reason = reasonOf(error);
    const known = this.byReason.get(reason);
    if (known) {
      known.count++;
      known.line = Math.min(known.line, line);
    } else if (this.byReason.size < 10_000) this.byReason.set(reason, { count: 1, line });
  }

  get size(): number {
    return this.byReason.size;
  }

  top(count: number): Reason[] {
    return [...this.byReason]
      .sort((a, b) => b[1].count - a[1].count || a[1].line - b[1].line)
      .slice(0, count)
      .map(([reason, { count: lines, line }]) => ({ lines, reason: reason.length > 300 ? `${reason.slice(0, 300)}...` : reason, first_line: line }));
  }

  /**
   * `failed or unknown lines by reason:` and one line per reason, most frequent first; where
   * each line's own error is (the report), or would have been.
   */
  lines(options: { top: number; report?: string; reportFailed?: boolean; dryRun: boolean }): string[] {
    if (this.byReason.size === 0) return [];
    const shown = this.top(options.top);
    const more = this.byReason.size > shown.length ? ` (the ${shown.length} most frequent of ${grouped(this.byReason.size)})` : '';
    const where = options.dryRun
      ? 'a dry run writes no report'
      : options.reportFailed
        ? 'the report could not be written: the lines it lacks follow'
        : options.report
        ? `each line's error is in the report ${options.report}`
        : "each line's error would be in a report: run with --report FILE to keep them";
    return [
      `failed or unknown lines by reason${more}; ${where}:`,
      ...shown.map(({ lines, reason, first_line }) => `  ${plural(lines, 'line')}: ${reason} (first: line ${first_line})`),
    ];
  }
}
