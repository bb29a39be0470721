// The summary's reasons: lines failed for the same reason are counted together, whatever their
// position in a request or their line number, and the table stays bounded.
import { describe, expect, it } from 'vitest';
import { reasonOf, Reasons } from '../src/reasons.js';

const api = (debug: string) => ({ kind: 'api', status: 400, debug, message: 'importAndStartBatch failed: HTTP 400', retryable: false }) as never;

describe('reasonOf', () => {
  it('names a profile of any request as /data/N, and a line of any number as line N', () => {
    expect(reasonOf(api('/data/3/data/email: must match format "email"'))).toBe('HTTP 400 /data/N/data/email: must match format "email"');
    expect(reasonOf(api('/data/9999/data/email: must match format "email"'))).toBe(reasonOf(api('/data/0/data/email: must match format "email"')));
    expect(reasonOf({ kind: 'input', message: 'a record over line 17 is not closed' } as never)).toBe('unreadable: a record over line N is not closed');
    expect(reasonOf({ kind: 'input', message: 'not JSON: Unexpected token } in "{"a":}"' } as never)).toBe('unreadable: not JSON');
    expect(reasonOf({ kind: 'item', message: 'Invalid email' } as never)).toBe('refused by the platform: Invalid email');
  });

  it('keeps the text of a line that is not JSON out of the reason (it may hold anything)', () => {
    expect(reasonOf({ kind: 'input', message: 'not JSON: the secret-looking text' } as never)).not.toContain('secret');
  });
});

describe('Reasons', () => {
  it('counts lines per reason, most frequent first, with the first line of each', () => {
    const reasons = new Reasons();
    reasons.add(7, { kind: 'item', message: 'Invalid email' } as never);
    reasons.add(3, { kind: 'item', message: 'Invalid email' } as never);
    reasons.add(1, { kind: 'item', message: 'Duplicate' } as never);
    expect(reasons.top(5)).toEqual([
      { lines: 2, reason: 'refused by the platform: Invalid email', first_line: 3 },
      { lines: 1, reason: 'refused by the platform: Duplicate', first_line: 1 },
    ]);
    expect(reasons.lines({ top: 1, report: 'r.ndjson', dryRun: false })).toEqual([
      "failed or unknown lines by reason (the 1 most frequent of 2); each line's error is in the report r.ndjson:",
      '  2 lines: refused by the platform: Invalid email (first: line 3)',
    ]);
  });

  it('hostile: 20,000 different reasons keep at most 10,000, and a 1 MB reason is cut in the summary', () => {
    const reasons = new Reasons();
    for (let line = 1; line <= 20_000; line++) reasons.add(line, { kind: 'item', message: `reason ${line}` } as never);
    expect(reasons.size).toBe(10_000);
    // A line of a known reason still counts once the table is full.
    reasons.add(20_001, { kind: 'item', message: 'reason 1' } as never);
    expect(reasons.top(1)[0]).toEqual({ lines: 2, reason: 'refused by the platform: reason 1', first_line: 1 });
    const long = new Reasons();
    long.add(1, { kind: 'item', message: 'x'.repeat(1 << 20) } as never);
    expect(long.top(1)[0]!.reason).toHaveLength(303);
  });
});
