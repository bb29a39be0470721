import { describe, expect, it } from 'vitest';
import { FaultSpecError } from '../src/faults.js';
import { TASK_USAGE, taskStoreFromFlags } from '../src/task-flags.js';
import { TASK_DEFAULTS } from '../src/tasks.js';

describe('the task flags', () => {
  it('default to the documented values', () => {
    const store = taskStoreFromFlags({});
    expect({ durationMs: store.durationMs, ttlMs: store.ttlMs, maxTasks: store.maxTasks, maxProfiles: store.maxProfiles, maxBytes: store.maxBytes }).toEqual(TASK_DEFAULTS);
    expect(TASK_USAGE).toContain(`--task-max-bytes N      most bytes of tasks kept`);
    expect(TASK_USAGE).toContain(`default ${TASK_DEFAULTS.maxBytes}`);
  });

  it('read durations and counts', () => {
    const store = taskStoreFromFlags({ 'task-duration': '2s', 'task-ttl': '1500ms', 'task-limit': '25', 'task-profile-limit': '100' });
    expect([store.durationMs, store.ttlMs, store.maxTasks, store.maxProfiles]).toEqual([2000, 1500, 25, 100]);
    expect(taskStoreFromFlags({ 'task-duration': '0s' }).durationMs).toBe(0);
    expect(taskStoreFromFlags({ 'task-max-bytes': '1048576' }).maxBytes).toBe(1_048_576);
  });

  it.each([
    [{ 'task-duration': '2' }, FaultSpecError, /--task-duration.*not a duration/],
    [{ 'task-ttl': '-1s' }, FaultSpecError, /--task-ttl/],
    [{ 'task-duration': '99999999999ms' }, FaultSpecError, /longer than the limit/],
    [{ 'task-limit': '0' }, RangeError, /--task-limit must be a positive integer/],
    [{ 'task-limit': '1e3' }, RangeError, /--task-limit/],
    [{ 'task-profile-limit': '2.5' }, RangeError, /--task-profile-limit/],
    [{ 'task-max-bytes': '0' }, RangeError, /--task-max-bytes must be a positive integer/],
    [{ 'task-max-bytes': '64MiB' }, RangeError, /--task-max-bytes/],
  ])('refuses %j, naming the flag', (flags, type, message) => {
    expect(() => taskStoreFromFlags(flags)).toThrow(type);
    expect(() => taskStoreFromFlags(flags)).toThrow(message);
  });
});
