import { expect, it } from 'vitest';
import { ProgressDisplay } from '../src/progress.js';

function stream(tty: boolean) {
  const written: string[] = [];
  return { written, stream: { isTTY: tty, write: (text: string) => (written.push(text), true) } as unknown as NodeJS.WriteStream };
}

const tally = { imported: 1_000, queued: 0, failed: 2, unknown: 0, unreadable: 0 };

it('task mode: the line shows the confirmed counts and the lines awaiting their tasks', () => {
  const { written, stream: out } = stream(false);
  const progress = new ProgressDisplay(out, 10_000, 'imported', 0);
  progress.inTasks = 4_000;
  progress.update(tally, 1_000, true);
  expect(written[0]).toBe('altcraft-import: 1,002/10,000 lines: 1,000 imported, 2 failed, 0 unknown, 0 unreadable; 4,000 queued, awaiting their tasks; 1,002 lines/s\n');
});

it('without tasks in flight the line is as before', () => {
  const { written, stream: out } = stream(false);
  new ProgressDisplay(out, 10_000, 'imported', 0).update(tally, 1_000, true);
  expect(written[0]).not.toContain('awaiting');
});
