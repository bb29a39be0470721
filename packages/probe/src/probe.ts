// Runs the probes one after the other and compares each answer with what the contract assumes.
import { createRedactor } from '@altcraft-api/contract';
import type { Assumption } from './assumptions.js';
import { emailOf, selectQuestions, type ProbeContext } from './questions.js';
import { endpointUrl, isAccepted, send, type Answer } from './send.js';
import { followTask } from './task.js';

export interface ProbeOptions {
  /** The installation's origin or API root, e.g. https://example.com or https://example.com/api/v1.1 */
  upstream: string;
  workflowId: number;
  token: string;
  /** Question ids to ask (the baseline always runs); all by default. */
  only?: readonly string[];
  /** The field `custom_sub` matches on (default `email`). */
  fieldName?: string;
  /** The key the `attach` probes name (default `probe-file-key`). */
  fileKey?: string;
  /** Time to wait for each answer (default 120 s: the largest probe uploads 10 MiB). */
  timeoutMs?: number;
  /** How long the task question follows its task (default 60 s), and how often it asks (default 1 s). */
  taskWaitMs?: number;
  taskPollMs?: number;
  /** Called with each row as soon as its answer is in. */
  onRow?: (row: Row) => void;
}

export interface Row {
  id: string;
  question: string;
  /** The profile this probe imports, if the platform accepts it. */
  profile: string;
  /** The answer in words, token redacted. */
  answer: string;
  /** What the contract assumes, in words. */
  assumes: string;
  /** true/false when the answer settles the question; null when no usable answer came. */
  agree: boolean | null;
  /** The answer's fields, token redacted. */
  details: Answer;
}

export interface ProbeReport {
  endpoint: string;
  workflowId: number;
  rows: Row[];
  agree: number;
  disagree: number;
  unsettled: number;
  /** Why the run stopped after the baseline, if it did. */
  stopped?: string;
}

/**
 * Replaces the token in any text: the contract's redactor, which also catches pieces of it
 * (a server may echo the token cut short), other letter cases and escaped forms.
 */
export const redactor = createRedactor;

const clip = (text: string, max = 200) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

function quoted(error: number | undefined, text: string | undefined, debug: string | undefined): string {
  const words = [text, debug].filter((part): part is string => typeof part === 'string' && part !== '').join(': ');
  return `${error === undefined ? 'no error code' : `error ${error}`}${words ? ` "${clip(words)}"` : ''}`;
}

const hasEnvelope = (answer: Answer) => answer.error !== undefined || answer.errorText !== undefined || answer.errorDebug !== undefined;
const isSuccess = (answer: Answer) => answer.status !== undefined && answer.status >= 200 && answer.status < 300;

/** The answer in words. */
export function describeAnswer(answer: Answer): string {
  if (answer.failure !== undefined) return `no answer (${answer.failure})`;
  if (answer.location !== undefined) return `HTTP ${answer.status} redirect to ${answer.location} (not followed)`;
  const http = `HTTP ${answer.status}`;
  if (isAccepted(answer)) return `accepted (${http}, error 0)`;
  if (answer.itemError) {
    const { index, error, text } = answer.itemError;
    return `rejected for the profile (${http}, result[${index}]: ${quoted(error, text, undefined)}${answer.itemErrors! > 1 ? `, ${answer.itemErrors} such items` : ''})`;
  }
  if (!hasEnvelope(answer)) {
    // An nginx 413 page and the like: something in front of the platform answered.
    const what = `not the API's envelope${answer.encoding === 'other' ? ': perhaps a proxy in front of the platform' : ''}`;
    return isSuccess(answer) ? `answered (${http}, ${what})` : `rejected (${http}, ${what})`;
  }
  return `rejected (${http}, ${quoted(answer.error, answer.errorText, answer.errorDebug)})`;
}

function orderOf(answer: Answer, baselineProfileId: string | undefined): { words: string; ordered: boolean | null } {
  if (!isAccepted(answer)) return { words: describeAnswer(answer), ordered: null };
  const [first, second] = answer.profileIds ?? [];
  if (answer.results !== 2) return { words: `${answer.results ?? 'no'} results for 2 profiles (${describeAnswer(answer)})`, ordered: null };
  if (baselineProfileId === undefined || first === undefined || second === undefined) return { words: `no profile ids to compare (${describeAnswer(answer)})`, ordered: null };
  if (second === baselineProfileId && first !== baselineProfileId) return { words: `in the order sent: result[1] is probe+1 (${baselineProfileId})`, ordered: true };
  if (first === baselineProfileId && second !== baselineProfileId) return { words: `reversed: result[0] is probe+1 (${baselineProfileId})`, ordered: false };
  return { words: `neither result is probe+1 (${baselineProfileId}): ${first}, ${second}`, ordered: null };
}

/** Whether `answer` matches `assumption`; null when the answer cannot tell. */
export function judge(assumption: Assumption, answer: Answer, context: { baselineProfileId?: string } = {}): { answer: string; agree: boolean | null } {
  const words = describeAnswer(answer);
  if (answer.failure !== undefined || answer.location !== undefined) return { answer: words, agree: null };
  switch (assumption.kind) {
    case 'acceptance':
      // A 2xx without the envelope says neither yes nor no.
      return { answer: words, agree: isSuccess(answer) && !hasEnvelope(answer) ? null : isAccepted(answer) === assumption.accepted };
    case 'encoding':
      return { answer: `${answer.encoding === 'other' ? 'neither JSON nor XML' : answer.encoding}, ${words}`, agree: answer.encoding === assumption.encoding };
    case 'refusal': {
      // The HTTP status itself, not only the envelope's `error`: whether the platform ever
      // answers errors with a non-200 status is one of the questions.
      const text = assumption.text === undefined || [answer.errorDebug, answer.errorText].some((part) => part?.includes(assumption.text!));
      return { answer: words, agree: answer.status === assumption.status && text };
    }
    case 'order': {
      const { words: order, ordered } = orderOf(answer, context.baselineProfileId);
      return { answer: order, agree: ordered === null ? null : ordered === assumption.ordered };
    }
    case 'task-id': {
      if (!isAccepted(answer)) return { answer: words, agree: null };
      const at = answer.taskIdAt === 'top' ? '`task_id` at the top' : answer.taskIdAt === 'data' ? '`data.task_id`' : 'no task id string at the top or in data';
      return { answer: `${at} (${words})`, agree: answer.taskIdAt !== undefined && assumption.forms.includes(answer.taskIdAt) };
    }
    case 'task':
      return judgeTask(assumption.finished, answer, words);
  }
}

/** The task question: a status answer that finishes with one result item per profile agrees. */
function judgeTask(finished: readonly string[], answer: Answer, words: string): { answer: string; agree: boolean | null } {
  if (answer.taskId === undefined) return { answer: `no task to follow: the _task request was ${words}`, agree: null };
  const task = `task ${clip(answer.taskId, 64)}`;
  if (!isAccepted(answer)) return { answer: `${task}: the status request was ${words}`, agree: false };
  const { status, progress, resultItems, resultText } = answer.task ?? {};
  if (status === undefined) return { answer: `${task}: ${words}, without data.status`, agree: false };
  const state = `status "${clip(status, 40)}", progress ${progress ?? 'absent'} after ${answer.polls} status request(s)`;
  if (!finished.includes(status)) return { answer: `${task}: ${state}, not finished (the question stays open)`, agree: null };
  return { answer: `${task}: ${state}; result holds ${resultText === undefined ? 'nothing' : clip(resultText)}`, agree: resultItems === 1 };
}

const redactAnswer = (answer: Answer, redact: (text: string) => string): Answer =>
  JSON.parse(JSON.stringify(answer), (_, value: unknown) => (typeof value === 'string' ? redact(value) : value)) as Answer;

/** Asks every selected question, in order; stops after the baseline if that was not accepted. */
export async function runProbe(options: ProbeOptions): Promise<ProbeReport> {
  const redact = redactor(options.token);
  const url = endpointUrl(options.upstream);
  const context: ProbeContext = { workflowId: options.workflowId, fieldName: options.fieldName ?? 'email', fileKey: options.fileKey ?? 'probe-file-key' };
  const report: ProbeReport = { endpoint: url.href, workflowId: options.workflowId, rows: [], agree: 0, disagree: 0, unsettled: 0 };
  for (const { question, n } of selectQuestions(options.only)) {
    const request = question.request(n, context);
    const assumption = question.assumes(request);
    // Redacted before anything is put into words: a clipped text could otherwise cut the token
    // in half and print its first part.
    const timeoutMs = options.timeoutMs ?? 120_000;
    const target = request.operation === undefined ? url : endpointUrl(options.upstream, request.operation);
    const sent = question.followsTask
      ? followTask(options.upstream, request, options.token, { timeoutMs, waitMs: options.taskWaitMs, pollMs: options.taskPollMs, finished: assumption.kind === 'task' ? assumption.finished : [] })
      : send(target, request, options.token, timeoutMs);
    const answer = redactAnswer(await sent, redact);
    const verdict = judge(assumption, answer, context);
    const row: Row = {
      id: question.id,
      question: question.question,
      profile: emailOf(n),
      answer: verdict.answer,
      assumes: assumption.says,
      agree: verdict.agree,
      details: answer,
    };
    report.rows.push(row);
    if (row.agree === true) report.agree++;
    else if (row.agree === false) report.disagree++;
    else report.unsettled++;
    options.onRow?.(row);
    if (question.id === 'baseline') {
      if (!isAccepted(answer)) {
        report.stopped = `the baseline request was not accepted (${row.answer}): check the URL, the token and the workflow id; no other question was asked`;
        break;
      }
      context.baselineProfileId = answer.profileIds?.[0];
    }
  }
  return report;
}
