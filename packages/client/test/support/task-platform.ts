// A fake platform with tasks, in process on 127.0.0.1:0 (the mock's task support is built
// elsewhere): `_task` queues a task that is queued, then in progress, then completed with one
// result item per profile in the order sent; the status request reports it. Emails starting
// `bad-` fail in the result, a batch holding a `stuck-` email never finishes. It counts every
// task and every profile queued, so that a test can prove nothing was queued twice.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Fault = 'ok' | 'reset' | 'hold' | { status: number; retryAfter?: number };

export interface TaskPlatformOptions {
  /** Time from queuing to completion. Default 300 ms. */
  durationMs?: number;
  /** Where the `_task` answer puts the id: `top` (task_id) or `nested` (data.task_id). */
  idAt?: 'top' | 'nested';
  /** The id of the n-th task queued (from 1); `task-N` by default. */
  idOf?: (n: number) => string;
  /** Decides each request's fate before it is served (status requests and `_task` alike). */
  fault?: (request: { kind: 'queue' | 'status'; number: number; taskId?: string; emails?: string[] }) => Fault;
  /** What a completed task's result holds. Default: per-item list. */
  resultOf?: (emails: string[]) => unknown;
}

interface Task {
  id: string;
  emails: string[];
  queuedAt: number;
}

export interface TaskPlatform {
  baseUrl: string;
  tasks: Map<string, Task>;
  /** Times each email was queued in a task (a valid profile must be at 1). */
  queuedCount: Map<string, number>;
  statusRequests: number;
  /** Requests held unanswered (`hold`), released (reset) on close. */
  held: number;
  /** Task ids answered to the client (an answer held or reset is not). */
  answered: string[];
  /** Most status requests in flight at once. */
  maxStatusInFlight: number;
  close(): Promise<void>;
}

const envelope = (status: number, text: string) => ({ error: status, error_text: text });

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

function statusOf(task: Task, now: number, durationMs: number, resultOf: (emails: string[]) => unknown) {
  const age = now - task.queuedAt;
  if (task.emails.some((email) => email.startsWith('stuck-')) || age < durationMs) {
    const status = age < durationMs / 3 ? 'queued' : 'in_progress';
    return { status, progress: Math.min(99, Math.floor((age / durationMs) * 100)) };
  }
  return { status: 'completed', progress: 100, result: resultOf(task.emails) };
}

export const perItem = (emails: string[]) => ({
  result: emails.map((email, position) =>
    email.startsWith('bad-') ? { error: 13, error_text: `Invalid email at ${position}` } : { profile_id: `id-${email}` },
  ),
});

export async function startTaskPlatform(options: TaskPlatformOptions = {}): Promise<TaskPlatform> {
  const { durationMs = 300, idAt = 'top', fault = () => 'ok', resultOf = perItem, idOf = (n: number) => `task-${n}` } = options;
  const holding = new Set<ServerResponse>();
  let number = 0;
  const platform: Omit<TaskPlatform, 'baseUrl' | 'close'> = { tasks: new Map(), queuedCount: new Map(), statusRequests: 0, held: 0, answered: [], maxStatusInFlight: 0 };
  let statusInFlight = 0;
  const serve = async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { task_id?: string; data?: { data: { email: string } }[] };
    const queue = req.url!.endsWith('/import_and_start_batch_task');
    const emails = queue ? body.data!.map((item) => item.data.email) : undefined;
    if (!queue) {
      platform.statusRequests++;
      platform.maxStatusInFlight = Math.max(platform.maxStatusInFlight, ++statusInFlight);
      res.on('close', () => statusInFlight--);
      // Answered a little later, so that requests of several tasks overlap when they may.
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const fate = fault({ kind: queue ? 'queue' : 'status', number: ++number, ...(body.task_id ? { taskId: body.task_id } : {}), ...(emails ? { emails } : {}) });
    if (fate === 'reset') return res.destroy();
    if (fate === 'hold') {
      platform.held++;
      holding.add(res);
      return;
    }
    if (fate !== 'ok') return send(res, fate.status, envelope(fate.status, 'Injected fault'), fate.retryAfter === undefined ? {} : { 'Retry-After': String(fate.retryAfter) });
    if (queue) {
      const id = idOf(platform.tasks.size + 1);
      platform.tasks.set(id, { id, emails: emails!, queuedAt: Date.now() });
      for (const email of emails!) platform.queuedCount.set(email, (platform.queuedCount.get(email) ?? 0) + 1);
      platform.answered.push(id);
      return send(res, 200, { error: 0, error_text: 'Successful operation', ...(idAt === 'top' ? { task_id: id } : { data: { task_id: id } }) });
    }
    const task = platform.tasks.get(body.task_id ?? '');
    if (!task) return send(res, 400, envelope(400, 'Task not found'));
    send(res, 200, { error: 0, error_text: 'Successful operation', data: statusOf(task, Date.now(), durationMs, resultOf) });
  };
  const server = createServer((req, res) => void serve(req, res).catch(() => res.destroy()));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(platform, {
    baseUrl: `http://127.0.0.1:${port}/api/v1.1`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of holding) res.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}
