// The CLI's task flags (`--task-duration`, `--task-ttl`, `--task-limit`, `--task-profile-limit`,
// `--task-max-bytes`),
// read into a TaskStore; tested without starting a process.
import { duration, MAX_TIMER_MS } from './faults.js';
import { TASK_DEFAULTS, TaskStore } from './tasks.js';

const seconds = (ms: number) => `${ms / 1000}s`;

export const TASK_USAGE = `TASKS (import_and_start_batch_task queues a task; tasks/status answers queued, in_progress,
then completed with the per-profile results the synchronous operation answers):
  --task-duration DUR     time from queued to completed, e.g. 2s, 500ms, 0s (default ${seconds(TASK_DEFAULTS.durationMs)})
  --task-ttl DUR          how long a finished task is kept; then its task_id is unknown (400)
                          (default ${seconds(TASK_DEFAULTS.ttlMs)}; 0s: only for the millisecond it completes)
  --task-limit N          most tasks kept at once; beyond it the oldest is dropped
                          (default ${TASK_DEFAULTS.maxTasks})
  --task-profile-limit N  most per-profile results kept over all tasks, oldest tasks dropped
                          first (default ${TASK_DEFAULTS.maxProfiles}; one larger batch is kept alone)
  --task-max-bytes N      most bytes of tasks kept (as JSON; with matching=profile_id results
                          echo the client's ids), oldest tasks dropped first
                          (default ${TASK_DEFAULTS.maxBytes}, 64 MiB; one larger task is kept alone)`;

type Flags = Partial<Record<'task-duration' | 'task-ttl' | 'task-limit' | 'task-profile-limit' | 'task-max-bytes', string>>;

function count(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < 1 || !/^\d+$/.test(text.trim())) throw new RangeError(`--${flag} must be a positive integer, not "${text}"`);
  return value;
}

/** A TaskStore set up as the flags say; RangeError or FaultSpecError naming the bad flag. */
export function taskStoreFromFlags(flags: Flags): TaskStore {
  const ms = (flag: 'task-duration' | 'task-ttl') => (flags[flag] === undefined ? undefined : duration(flags[flag]!, `--${flag}`, MAX_TIMER_MS));
  return new TaskStore({
    durationMs: ms('task-duration'),
    ttlMs: ms('task-ttl'),
    maxTasks: count('task-limit', flags['task-limit']),
    maxProfiles: count('task-profile-limit', flags['task-profile-limit']),
    maxBytes: count('task-max-bytes', flags['task-max-bytes']),
  });
}
