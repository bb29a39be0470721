import { describe, expect, it } from 'vitest';
import { EXIT, addTallies, exitStatus, type LineTally } from '../src/exit.js';

const tally = (counts: Partial<LineTally>): LineTally => ({ imported: 0, queued: 0, failed: 0, unknown: 0, unreadable: 0, ...counts });

describe('exitStatus', () => {
  it.each([
    ['every line imported', tally({ imported: 10 }), EXIT.ok],
    ['every line queued', tally({ queued: 10 }), EXIT.ok],
    ['nothing to do', tally({}), EXIT.ok],
    ['some failed', tally({ imported: 9, failed: 1 }), EXIT.incomplete],
    ['some unknown', tally({ imported: 9, unknown: 1 }), EXIT.incomplete],
    ['only unknown', tally({ unknown: 3 }), EXIT.incomplete],
    ['some unreadable', tally({ queued: 9, unreadable: 1 }), EXIT.incomplete],
  ])('%s', (_, counts, expected) => {
    expect(exitStatus({ fatal: false, interrupted: false, tally: counts })).toBe(expected);
  });

  it('is 130 when interrupted, even when every line so far is imported', () => {
    expect(exitStatus({ fatal: false, interrupted: true, tally: tally({ imported: 5 }) })).toBe(130);
  });

  it('is 1 on a fatal error, also when interrupted as well', () => {
    expect(exitStatus({ fatal: true, interrupted: true, tally: tally({ imported: 5, unknown: 1 }) })).toBe(1);
  });
});

it('adds the lines carried over to this run\'s, count by count', () => {
  expect(addTallies(tally({ imported: 1, unknown: 2, unreadable: 3 }), tally({ imported: 4, queued: 5, failed: 6 }))).toEqual({ imported: 5, queued: 5, failed: 6, unknown: 2, unreadable: 3 });
});
