// Reading a task's result into verdicts, with hostile items: what the platform sends in a status
// answer's `result` is not validated item by item, so every field is read defensively.
import { describe, expect, it } from 'vitest';
import { itemVerdict, taskVerdicts } from '../src/task-follow.js';
import type { BatchResultItem } from '../src/types.js';

const redact = (text: string) => text.replaceAll('SECRET', '[redacted]');
const item = (value: Record<string, unknown>) => value as unknown as BatchResultItem;

describe('itemVerdict with hostile items', () => {
  it('an error_text that is not a string is replaced by a fixed text, the item still failed with its code', () => {
    for (const text of [42, { a: 1 }, ['x'], true, null]) {
      expect(itemVerdict(item({ error: 7, error_text: text }), redact, 't1')).toEqual({
        status: 'failed',
        error: { kind: 'item', message: 'error 7', code: 7, retryable: false, taskId: 't1' },
      });
    }
    expect(itemVerdict(item({ error: 7, error_text: 'bad SECRET' }), redact)).toMatchObject({ status: 'failed', error: { message: 'bad [redacted]' } });
  });

  it('error counts only as a non-zero integer: "0", "7", 1.5, true, null do not fail an item', () => {
    for (const error of ['0', '7', 1.5, true, null, [], {}]) {
      expect(itemVerdict(item({ error, profile_id: 'p1' }), redact), JSON.stringify(error)).toEqual({ status: 'imported', profileId: 'p1' });
    }
    expect(itemVerdict(item({ error: -3, error_text: 'no' }), redact)).toMatchObject({ status: 'failed', error: { code: -3, message: 'no' } });
  });
});

describe('taskVerdicts', () => {
  const items = [{ profile_id: 'a' }, { error: 5, error_text: 'bad email' }, { profile_id: 'c' }];

  it('a completed task with a per-item list settles each item as the synchronous answer does', () => {
    expect(taskVerdicts({ status: 'completed', result: { result: items } }, 3, 't1', redact).map((v) => v.status)).toEqual(['imported', 'failed', 'imported']);
  });

  it('a task that ended failed never settles a profile imported: unknown with the raw status, failed only on an item error', () => {
    for (const status of ['failed', 'ERROR', 'cancelled']) {
      const verdicts = taskVerdicts({ status, result: { result: items } }, 3, 't1', redact);
      expect(verdicts.map((v) => v.status)).toEqual(['unknown', 'failed', 'unknown']);
      expect(verdicts[0]).toMatchObject({ error: { kind: 'task', taskId: 't1', taskStatus: status, retryable: false } });
      expect(verdicts[1]).toMatchObject({ error: { kind: 'item', code: 5, message: 'bad email' } });
    }
  });
});
