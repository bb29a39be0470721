// The task question's exchange: queue one profile with import_and_start_batch_task, then ask
// tasks/status about its task until it says it finished, or the wait is over. The answer the
// probe judges is the last status answer (or the _task answer, when no task came of it).
import type { ProbeRequest } from './questions.js';
import { endpointUrl, isAccepted, send, type Answer } from './send.js';

export interface TaskWait {
  /** Time to wait for each answer. */
  timeoutMs: number;
  /** How long to keep asking before the question is left open (default 60 s). */
  waitMs?: number;
  /** Time between two status requests (default 1 s). */
  pollMs?: number;
  /** The status values that mean finished (the contract's documented ones). */
  finished: readonly string[];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Queues `request` as a task on `upstream` and follows it; never throws. */
export async function followTask(upstream: string, request: ProbeRequest, token: string, wait: TaskWait): Promise<Answer> {
  const created = await send(endpointUrl(upstream, 'importAndStartBatchTask'), request, token, wait.timeoutMs);
  if (!isAccepted(created) || created.taskId === undefined) return created;
  const statusUrl = endpointUrl(upstream, 'getTaskStatus');
  const status: ProbeRequest = { body: { task_id: created.taskId, format: 'json' }, encoding: 'json', auth: request.auth };
  const deadline = Date.now() + (wait.waitMs ?? 60_000);
  for (let polls = 1; ; polls++) {
    const answer = await send(statusUrl, status, token, wait.timeoutMs);
    // An answer without a status will not grow one: asking again only waits out the deadline.
    const state = answer.task?.status;
    const settled = !isAccepted(answer) || state === undefined || wait.finished.includes(state);
    if (settled || Date.now() + (wait.pollMs ?? 1000) > deadline) return { ...answer, taskId: created.taskId, polls };
    await sleep(wait.pollMs ?? 1000);
  }
}
