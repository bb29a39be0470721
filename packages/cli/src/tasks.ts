// Task mode in altcraft-import: each queued batch's task id recorded (synced) in the report
// before the task is followed, and the tasks an earlier run left open followed again on
// --resume, instead of sending their lines a second time.
import { followTask, type AltcraftClient, type ImportProfilesOptions, type Verdict } from '@altcraft-api/client';
import type { CliOptions } from './args.js';
import { reportLineOf, runsOfLines, type ReportLine, type ReportWriter, type ResumedTask, type ResumeState } from './report.js';

/** What the task steps need of a run. */
export interface TaskContext {
  options: Pick<CliOptions, 'task' | 'wait' | 'taskTimeoutMs' | 'pollIntervalMs' | 'concurrency' | 'format'>;
  report: ReportWriter | undefined;
  resumed: ResumeState | undefined;
  /** The input line of each profile sent, by importProfiles' index. */
  lineOf: Map<number, number>;
  stop: AbortController;
  abort: AbortController;
  settle(entry: ReportLine): void | Promise<void>;
}

/** importProfiles' task options for this run: wait or not, and the task record of each queued batch. */
export function taskOptions(context: TaskContext): Pick<ImportProfilesOptions, 'waitForTasks' | 'taskTimeoutMs' | 'taskPollInterval' | 'onTaskQueued'> {
  const { options, report, lineOf } = context;
  if (!options.task) return {};
  const record = report
    ? {
        onTaskQueued: ({ first, count, taskId }: { first: number; count: number; taskId: string }) =>
          report.task(taskId, runsOfLines(Array.from({ length: count }, (_, i) => lineOf.get(first + i)!))),
      }
    : {};
  if (!options.wait) return { waitForTasks: false, ...record };
  return { waitForTasks: true, taskTimeoutMs: options.taskTimeoutMs, taskPollInterval: options.pollIntervalMs, ...record };
}

/** Settles the open lines of one resumed task from its verdicts (queued when the following stopped). */
async function settleTask(context: TaskContext, task: ResumedTask, verdicts: Verdict[] | undefined): Promise<void> {
  for (const [position, line] of task.lines.entries()) {
    if (!task.open.has(line)) continue;
    const verdict: Verdict = verdicts?.[position] ?? { status: 'queued', taskId: task.taskId };
    await context.settle(reportLineOf(line, { ...verdict, index: position } as Parameters<typeof reportLineOf>[1]));
  }
}

/**
 * Follows the tasks an earlier run queued and did not see settled, `concurrency` at a time,
 * and settles their open lines. With --no-wait they are settled `queued` again, unfollowed.
 */
export async function followResumedTasks(client: AltcraftClient, context: TaskContext): Promise<void> {
  const tasks = [...(context.resumed?.tasks ?? [])];
  const { options, stop, abort } = context;
  if (options.task && !options.wait) {
    for (const task of tasks) await settleTask(context, task, undefined);
    return;
  }
  const follow = { signal: abort.signal, stopSignal: stop.signal, timeoutMs: options.taskTimeoutMs, pollInterval: options.pollIntervalMs, format: options.format };
  const worker = async () => {
    for (let task = tasks.shift(); task; task = tasks.shift()) await settleTask(context, task, await followTask(client, task.taskId, task.lines.length, follow));
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency, tasks.length) }, worker));
}
