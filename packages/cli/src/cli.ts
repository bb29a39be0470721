#!/usr/bin/env node
// First: starts the reading thread before the other modules load (see prestart.ts).
import './prestart.js';
import { fstatSync, readFileSync, type Stats } from 'node:fs';
import { open, readFile, stat, type FileHandle } from 'node:fs/promises';
import {
  createAltcraftClient,
  importProfiles,
  planBatches,
  type ImportProfilesOptions,
  type ImportSummary,
  type OutcomeError,
} from '@altcraft-api/client';
import { MAX_BODY_BYTES } from '@altcraft-api/contract';
import { SEE_HELP, USAGE, UsageError, parseCommandLine, wantsJson, type CliOptions } from './args.js';
import { InputReader, type Note } from './reader.js';
import { followResumedTasks, taskOptions } from './tasks.js';
import { EXIT, addTallies, exitStatus, type ExitStatus, type LineTally } from './exit.js';
import { callerDirectory, describePath, pathOf, type PathOf } from './paths.js';
import { ProgressDisplay, describeTally, settledLines } from './progress.js';
import { Reasons, type Reason } from './reasons.js';
import { ReportWriter, reportLineOf, resumeReport, type ReportLine, type ResumeState } from './report.js';
import { fileReason, grouped, plural, size } from './text.js';

class Fatal extends Error {}

/** The progress bar while one is drawn: a message clears it and draws it again below. */
let progressBar: ProgressDisplay | undefined;
const say = (message: string) => (progressBar ? progressBar.say(`altcraft-import: ${message}`) : process.stderr.write(`altcraft-import: ${message}\n`));

/** Lines with no outcome yet: every counter starts here. */
const noLines = (): LineTally => ({ imported: 0, queued: 0, failed: 0, unknown: 0, unreadable: 0 });

/** Why the command exited, for --json: `ok` 0, `incomplete` 2, `interrupted` 130, `fatal` and `usage` 1. */
type ExitReason = 'ok' | 'incomplete' | 'interrupted' | 'fatal' | 'usage';

/** Everything the run found out, filled in as it goes: a fatal error keeps what was known. */
interface RunState {
  dryRun: boolean;
  /** This run's lines (the lines carried over by --resume are in `carried`). */
  tally: LineTally;
  carried?: LineTally;
  /** Dry run: the lines that would be sent. */
  toSend: number;
  requests: number;
  retries: number;
  bytes: number;
  largestRequest: number;
  startedAt: number;
  warnings: { lines: number; total: number };
  reasons: Reasons;
  report?: string;
  stopped?: string;
}

/**
 * The --json summary: one object, snake_case like the report's lines. `lines` counts the whole
 * file, as the exit status does: with --resume, the lines carried over (`carried`) and this
 * run's (`this_run`).
 */
function jsonSummary(state: RunState, status: ExitStatus, reason: ExitReason, message: string | undefined): object {
  const whole = addTallies(state.carried ?? noLines(), state.tally);
  const toSend = state.dryRun ? { to_send: state.toSend } : {};
  return {
    dry_run: state.dryRun,
    exit: { status, reason, ...(message === undefined ? {} : { message }) },
    lines: { total: settledLines(whole) + state.toSend, ...whole, ...toSend },
    ...(state.carried
      ? { carried: { total: settledLines(state.carried), ...state.carried }, this_run: { total: settledLines(state.tally) + state.toSend, ...state.tally, ...toSend } }
      : {}),
    requests: state.requests,
    retries: state.retries,
    bytes: state.bytes,
    duration_ms: Math.round(performance.now() - state.startedAt),
    warnings: state.warnings,
    failure_reasons: state.reasons.top(5),
    report: state.report ?? null,
    stopped: state.stopped ?? null,
  } satisfies Record<string, unknown> & { failure_reasons: Reason[] };
}

function exitReason(status: ExitStatus): ExitReason {
  return status === EXIT.ok ? 'ok' : status === EXIT.incomplete ? 'incomplete' : status === EXIT.interrupted ? 'interrupted' : 'fatal';
}

async function readContent(path: PathOf): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(path.resolved, 'utf8');
  } catch (error) {
    throw new Fatal(`cannot read --content ${describePath(path)}: ${fileReason(error)}`);
  }
  let content: unknown;
  try {
    content = JSON.parse(text);
  } catch (error) {
    throw new Fatal(`--content ${describePath(path)} is not JSON: ${(error as Error).message}`);
  }
  if (typeof content !== 'object' || content === null || Array.isArray(content)) throw new Fatal(`--content ${describePath(path)} must hold a JSON object`);
  return content as Record<string, unknown>;
}

/**
 * Opens the input now, so that a missing or unreadable file is said at once, with the path it
 * resolved to and why (a directory opens on Linux and fails only when read: it is checked).
 */
async function openInput(path: PathOf): Promise<FileHandle> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(path.resolved, 'r');
    if ((await handle.stat()).isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    return handle;
  } catch (error) {
    await handle?.close();
    throw new Fatal(`cannot read the input ${describePath(path)}: ${fileReason(error)}`);
  }
}

/** Data lines of a file, for the progress bar's total (a quick pass over the bytes, one buffer reused). */
async function countLines(path: string, header: boolean): Promise<number> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.allocUnsafe(1 << 20);
    let lines = 0;
    let last = 10;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
      if (bytesRead === 0) break;
      const chunk = buffer.subarray(0, bytesRead);
      for (let at = chunk.indexOf(10); at !== -1; at = chunk.indexOf(10, at + 1)) lines++;
      last = chunk[bytesRead - 1]!;
    }
    if (last !== 10) lines++;
    return Math.max(0, lines - (header ? 1 : 0));
  } finally {
    await handle.close();
  }
}

/**
 * Refuses a report that is the input itself (opening it for writing would truncate the input),
 * whatever path names it: the same file is the same device and inode, through a symlink, a
 * relative spelling or standard input redirected from it.
 */
async function checkReportIsNotInput(input: PathOf | '-', report: PathOf): Promise<void> {
  const reportStats = await stat(report.resolved).catch(() => undefined);
  if (!reportStats) return;
  let inputStats: Stats | undefined;
  try {
    inputStats = input === '-' ? fstatSync(0) : await stat(input.resolved);
  } catch {
    return;
  }
  if (inputStats.dev === reportStats.dev && inputStats.ino === reportStats.ino) {
    throw new Fatal(`--report ${describePath(report)} is the input ${input === '-' ? '(standard input)' : describePath(input)} itself: writing the report would destroy it; choose another file`);
  }
}

/** The first warnings and unreadable lines are printed as they come; the rest are counted. */
const SHOWN = 5;

/** The request fields every request of the run carries (but the token). */
function commonFields(options: CliOptions, content: Record<string, unknown> | undefined) {
  return {
    workflow_id: options.workflowId,
    ...options.matching,
    ...(options.skipTriggers ? { skip_triggers: true } : {}),
    ...(options.skipInvalidSubscriptions ? { skip_invalid_subscriptions: true } : {}),
    ...(options.detectGeo ? { detect_geo: true } : {}),
    ...(content ? { content } : {}),
  };
}
type CommonFields = ReturnType<typeof commonFields>;

async function run(options: CliOptions, token: string | undefined, state: RunState): Promise<ExitStatus> {
  const base = callerDirectory();
  const input = options.input === '-' ? '-' : pathOf(options.input, base);
  const reportPath = options.report === undefined ? undefined : pathOf(options.report, base);
  const inputHandle = input === '-' ? undefined : await openInput(input);
  try {
    return await runOn(options, token, state, input, reportPath, inputHandle);
  } finally {
    await inputHandle?.close();
  }
}

async function runOn(options: CliOptions, token: string | undefined, state: RunState, input: PathOf | '-', reportPath: PathOf | undefined, inputHandle: FileHandle | undefined): Promise<ExitStatus> {
  if (reportPath && !options.dryRun) {
    state.report = reportPath.resolved;
    await checkReportIsNotInput(input, reportPath);
  }
  const content = options.contentFile ? await readContent(pathOf(options.contentFile, callerDirectory())) : undefined;

  let resumed: ResumeState | undefined;
  if (options.resume && reportPath) {
    try {
      resumed = await resumeReport(reportPath.resolved, { retryAmbiguous: options.retryAmbiguous });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new Fatal(`cannot resume from ${describePath(reportPath)}: ${code ? fileReason(error) : (error as Error).message}`);
    }
    const { carried } = resumed;
    state.carried = carried;
    say(
      `resuming: ${plural(settledLines(carried), 'line')} of ${reportPath.resolved} stand (${grouped(carried.imported + carried.queued)} done, ${grouped(carried.failed + carried.unreadable)} failed, ` +
        `${grouped(carried.unknown)} unknown) and are not sent again; ${plural(resumed.resent, 'line')} the platform never took ${resumed.resent === 1 ? 'is' : 'are'} sent again`,
    );
    const open = resumed.tasks.reduce((sum, task) => sum + task.open.size, 0);
    if (open > 0) say(`resuming: ${plural(open, 'line')} of ${plural(resumed.tasks.length, 'task')} queued by the earlier run ${options.task && !options.wait ? 'stay queued' : 'are followed to their end'}, not sent again`);
  }

  // The first Ctrl-C stops gently: nothing new is sent, what is in flight is settled and
  // reported. A second one cancels the requests in flight.
  const stop = new AbortController();
  const abort = new AbortController();
  let fatal: string | undefined;
  const fail = (reason: string) => {
    if (fatal) return;
    fatal = reason;
    say(reason);
    stop.abort();
  };

  let report: ReportWriter | undefined;
  if (reportPath && !options.dryRun) {
    try {
      report = await ReportWriter.open(reportPath.resolved, options.resume, (error) => fail(`${error.message}; sending stopped`));
    } catch (error) {
      throw new Fatal(`cannot write the report ${describePath(reportPath)}: ${fileReason(error)}`);
    }
  }
  if (reportPath && options.dryRun) say(`dry run: the report ${reportPath.resolved} is not written`);
  const common = commonFields(options, content);
  // Started first: the reading thread loads the contract's validators while this one counts.
  const reader = new InputReader(
    {
      ...(inputHandle ? { fd: inputHandle.fd } : {}),
      inputFormat: options.inputFormat,
      stringColumns: [...options.stringColumns],
      format: options.format,
      common,
      strict: options.strict,
      retryAmbiguous: options.retryAmbiguous,
      ...(resumed ? { resume: resumed.lines } : {}),
    },
    inputHandle ? undefined : process.stdin,
  );
  try {
    return await readAndSend({ options, token, state, resumed, report, reader, common, stop, abort }, input, fail, () => fatal);
  } finally {
    await reader.close();
    if (!inputHandle) process.stdin.destroy();
  }
}

/** One run's reading, sending and reporting, shared by the steps of readAndSend. */
interface Session {
  options: CliOptions;
  token: string | undefined;
  state: RunState;
  resumed: ResumeState | undefined;
  report: ReportWriter | undefined;
  reader: InputReader;
  common: CommonFields;
  stop: AbortController;
  abort: AbortController;
  /** The input line of each profile sent (by importProfiles' index), until it has an outcome. */
  lineOf: Map<number, number>;
  progress: ProgressDisplay;
  redraw(): void;
  /**
   * Every line's outcome goes through here: the counters, the reasons and the report agree.
   * A promise only when the report makes the run wait (no microtask per line otherwise).
   */
  settle(entry: ReportLine): void | Promise<void>;
  requestWarnings?: string;
}

function openSession(base: Omit<Session, 'lineOf' | 'progress' | 'redraw' | 'settle'>, total: number | undefined): Session {
  const { options, state, report } = base;
  const { tally, reasons } = state;
  const progress = (progressBar = new ProgressDisplay(process.stderr, total, options.task && !options.wait ? 'queued' : 'imported'));
  if (base.resumed) progress.carryOver(base.resumed.carried);
  const redraw = () => {
    if (!options.dryRun) progress.update(tally, performance.now() - state.startedAt);
  };
  function settle(entry: ReportLine): void | Promise<void> {
    if (entry.status === 'failed' || entry.status === 'unknown') {
      reasons.add(entry.line, entry.error);
      if (entry.status === 'failed' && entry.error.kind === 'input') tally.unreadable++;
      else tally[entry.status]++;
    } else tally[entry.status]++;
    const written = report?.write(entry);
    if (written) return written.then(redraw);
    redraw();
  }
  return { ...base, lineOf: new Map(), progress, redraw, settle };
}

async function readAndSend(base: Omit<Session, 'lineOf' | 'progress' | 'redraw' | 'settle'>, input: PathOf | '-', fail: (reason: string) => void, fatalReason: () => string | undefined): Promise<ExitStatus> {
  const { options, resumed } = base;
  const total = input === '-' ? undefined : await countLines(input.resolved, options.inputFormat === 'csv');
  const session = openSession(base, total);
  let summary: ImportSummary | undefined;
  if (options.dryRun) await plan(options, session.token, session.common, encodedProfiles(session), session.state, session.lineOf, session.settle);
  else summary = await send(session);
  sayTotals(session, summary);
  return conclude(session, summary, fail, fatalReason);
}

/** A line the reading thread noted, settled (true) or to be sent after its warnings are counted (false). */
async function settleNoted(session: Session, line: number, note: Note): Promise<boolean> {
  const { state, options, settle } = session;
  if (note.unreadable !== undefined) {
    if (state.tally.unreadable < SHOWN * 2) say(`line ${line}: ${note.unreadable}; skipped`);
    await settle({ line, status: 'failed', error: { kind: 'input', message: note.unreadable, retryable: false, ...(note.pointer === undefined ? {} : { pointer: note.pointer }) } });
    return true;
  }
  if (note.interrupted) {
    const message = 'sent by a run that stopped before the answer was recorded: the platform may have imported it (--retry-ambiguous sends it again)';
    await settle({ line, status: 'unknown', error: { kind: 'interrupted', message, retryable: false } });
    return true;
  }
  if (note.warnings) {
    const warned = state.warnings;
    warned.lines++;
    warned.total += note.warnings.count;
    if (warned.lines <= SHOWN) say(`line ${line}: warning: ${note.warnings.text}${options.strict ? ' (--strict: not sent)' : ''}`);
  }
  if (note.refused) {
    await settle({ line, status: 'failed', error: { kind: 'invalid', message: note.refused.message, pointer: note.refused.pointer, retryable: false } });
    return true;
  }
  if (note.unsendable !== undefined) {
    await settle({ line, status: 'failed', error: { kind: 'local', message: `not sent: ${note.unsendable}`, retryable: false } as OutcomeError });
    return true;
  }
  return false;
}

/**
 * The profiles to send, encoded by the reading thread, a run of consecutive ones at a time
 * (one step for many profiles); the lines not to send are settled on the way, in input order.
 */
async function* encodedProfiles(session: Session): AsyncGenerator<Uint8Array[]> {
  const { lineOf } = session;
  let index = 0;
  for await (const group of session.reader) {
    session.requestWarnings ??= group.requestWarnings;
    const { lines, ends, data, notes } = group;
    let run: Uint8Array[] = [];
    let next = 0;
    let start = 0;
    for (let at = 0; at < lines.length; at++) {
      const line = lines[at]!;
      const end = ends[at]!;
      const note = notes[next]?.at === at ? notes[next++] : undefined;
      if (note && (note.unreadable !== undefined || note.interrupted || note.refused || note.unsendable !== undefined)) {
        // The profiles before it go first, as they came.
        if (run.length > 0) yield run;
        run = [];
      }
      if (note && (await settleNoted(session, line, note))) continue;
      lineOf.set(index++, line);
      run.push(data.subarray(start, end));
      start = end;
    }
    if (run.length > 0) yield run;
    if (group.fatal) throw new Fatal(group.fatal);
    if (group.error) throw Object.assign(new Error(group.error.message), group.error.code ? { code: group.error.code } : {});
  }
}

/** Sends the profiles (and follows the tasks an earlier run left open); the summary, unless the report failed first. */
async function send(session: Session): Promise<ImportSummary | undefined> {
  const { options, state, report, stop, abort, lineOf } = session;
  const onSignal = (signal: NodeJS.Signals) => {
    if (!stop.signal.aborted) {
      say(`${signal}: finishing the requests in flight (again to cancel them)`);
      stop.abort();
    } else abort.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const client = createAltcraftClient({ baseUrl: options.baseUrl, token: session.token!, timeoutMs: options.timeoutMs });
  const sender: ImportProfilesOptions = {
    ...session.common,
    encodedProfiles: encodedProfiles(session),
    format: options.format,
    operation: options.task ? 'task' : 'sync',
    concurrency: options.concurrency,
    maxProfilesPerRequest: options.batchSize,
    retryAmbiguous: options.retryAmbiguous,
    signal: abort.signal,
    stopSignal: stop.signal,
    ...(report ? { onSend: async ({ first, count }) => report.sending(lineOf.get(first)!, lineOf.get(first + count - 1)!) } : {}),
    ...taskOptions(session),
    onOutcome: (outcome) => {
      const line = lineOf.get(outcome.index)!;
      lineOf.delete(outcome.index);
      return session.settle(reportLineOf(line, outcome));
    },
    onProgress: ({ requests, retries, bytesSent, inTasks }) => {
      Object.assign(state, { requests, retries, bytes: bytesSent });
      session.progress.inTasks = inTasks;
      session.redraw();
    },
  };
  let summary: ImportSummary | undefined;
  try {
    // Both settle before the report closes, whichever fails.
    const [sent, resumedTasks] = await Promise.allSettled([importProfiles(client, sender), followResumedTasks(client, session)]);
    if (sent.status === 'rejected') throw sent.reason;
    if (resumedTasks.status === 'rejected') throw resumedTasks.reason;
    summary = sent.value;
    Object.assign(state, { requests: summary.requests, retries: summary.retries, bytes: summary.bytesSent });
  } catch (error) {
    if (!report?.error) throw error;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await report?.close();
  }
  if (summary) session.progress.end(state.tally, performance.now() - state.startedAt, summary.stopped === undefined);
  return summary;
}

/** The summary lines on standard error: counts for the whole file, warnings, failure reasons. */
function sayTotals(session: Session, summary: ImportSummary | undefined): void {
  const { options, state, resumed, report } = session;
  const { tally } = state;
  const sent = options.dryRun ? 'to send' : options.task && !options.wait ? 'queued' : 'imported';
  const seconds = (performance.now() - state.startedAt) / 1000;
  // The summary counts the whole file, as the exit status does: the lines carried over included.
  const carried = resumed?.carried ?? noLines();
  const whole = addTallies(carried, tally);
  const parts = resumed ? ` (${grouped(settledLines(carried))} carried over from the report, ${grouped(settledLines(tally) + state.toSend)} this run)` : '';
  if (options.dryRun) {
    say(
      `dry run: ${describeTally(whole, { sent, toSend: state.toSend })}${parts}; ${plural(state.requests, 'request')} of ${size(state.bytes)} would be sent` +
        `${state.requests > 1 ? ` (the largest ${size(state.largestRequest)})` : ''}; nothing was sent`,
    );
  } else if (summary) {
    say(
      `${describeTally(whole, { sent })}${parts}; ${plural(state.requests, 'request')}, ${plural(state.retries, 'retry', 'retries')}, ${size(state.bytes)} sent, ` +
        `${seconds.toFixed(1)} s (${grouped(settledLines(tally) / Math.max(seconds, 0.001))} lines/s)${state.report ? `; report: ${state.report}` : ''}`,
    );
  }
  if (tally.unreadable > SHOWN * 2) say(`${plural(tally.unreadable, 'unreadable line')} (the first ${SHOWN * 2} above)`);
  if (session.requestWarnings !== undefined && !options.strict) say(`warning, for every request: ${session.requestWarnings}`);
  const warned = state.warnings;
  if (warned.lines > 0) {
    say(
      `${plural(warned.total, 'warning')} on ${plural(warned.lines, 'line')}${warned.lines > SHOWN ? ` (the first ${SHOWN} above)` : ''}: ` +
        (options.strict ? 'with --strict those lines failed' : `${options.dryRun ? 'they would be sent' : 'sent'} anyway (advice, not the contract); --strict makes them failures`),
    );
  }
  for (const line of state.reasons.lines({ top: SHOWN, report: state.report, reportFailed: report?.error !== undefined, dryRun: options.dryRun })) say(line);
  if (report?.error && report.unwritten.length > 0) {
    say(`the ${plural(report.unwritten.length, 'report line')} that could not be written to ${state.report} ${report.unwritten.length === 1 ? 'follows' : 'follow'} (NDJSON): keep ${report.unwritten.length === 1 ? 'it' : 'them'}`);
    process.stderr.write(`${report.unwritten.join('\n')}\n`);
  }
}

/** Says why the run stopped, if it did, and gives its exit status (or throws the fatal error). */
function conclude(session: Session, summary: ImportSummary | undefined, fail: (reason: string) => void, fatalReason: () => string | undefined): ExitStatus {
  const { options, state, report, resumed } = session;
  const stopped = summary?.stopped;
  if (stopped) state.stopped = stopped.reason;
  if (stopped && stopped.reason !== 'aborted' && stopped.reason !== 'stopped') {
    // A failure every batch would get: the reason goes to the terminal, not only to the report.
    const why = stopped.error?.message ?? stopped.reason;
    fail(stopped.reason === 'unreachable' ? `nothing could be sent: ${why}` : `stopped: the platform refused the requests (${why}); nothing more was sent`);
  }
  const fatal = fatalReason();
  const interrupted = !fatal && stopped !== undefined;
  if (interrupted) say(`interrupted: ${state.report ? `run again with --resume --report ${options.report} to continue` : 'use --report FILE to be able to resume'}`);
  if (fatal && state.report && !report?.error) say(`the lines not sent can be sent later with --resume --report ${options.report}`);
  if (fatal) throw new Fatal(fatal, { cause: 'said' });
  return exitStatus({ fatal: false, interrupted, tally: addTallies(resumed?.carried ?? noLines(), state.tally) });
}

/**
 * The dry run: the batches importProfiles would send, planned by the same planner with the same
 * fields (the token's length counts in each body; without ALTCRAFT_TOKEN a 32-character one is
 * assumed), measured and dropped.
 */
async function plan(
  options: CliOptions,
  token: string | undefined,
  common: Record<string, unknown>,
  profiles: AsyncIterable<Uint8Array[]>,
  state: RunState,
  lineOf: Map<number, number>,
  settle: (entry: ReportLine) => void | Promise<void>,
): Promise<void> {
  const fields = { ...common, token: 'x'.repeat(token?.length ?? 32), ...(options.format === 'xml' ? { format: 'xml' } : {}) };
  const batches = planBatches(profiles, { format: options.format, fields, maxProfiles: options.batchSize, maxBodyBytes: MAX_BODY_BYTES, startIndex: 0, encoded: true });
  for await (const planned of batches) {
    if (planned.kind === 'unsendable') {
      await settle({ line: lineOf.get(planned.index)!, status: 'failed', error: { kind: 'local', message: `not sent: ${planned.reason}`, retryable: false } as OutcomeError });
      continue;
    }
    state.requests++;
    state.bytes += planned.body.bytes;
    state.largestRequest = Math.max(state.largestRequest, planned.body.bytes);
    state.toSend += planned.count;
    for (let index = planned.first; index < planned.first + planned.count; index++) lineOf.delete(index);
  }
}

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  const json = wantsJson(argv);
  const state: RunState = {
    dryRun: argv.includes('--dry-run'),
    tally: noLines(),
    toSend: 0,
    requests: 0,
    retries: 0,
    bytes: 0,
    largestRequest: 0,
    startedAt: performance.now(),
    warnings: { lines: 0, total: 0 },
    reasons: new Reasons(),
  };
  const finish = (status: ExitStatus, reason: ExitReason, message?: string): number => {
    if (json) process.stdout.write(`${JSON.stringify(jsonSummary(state, status, reason, message))}\n`);
    return status;
  };
  let parsed;
  try {
    parsed = parseCommandLine(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    say(error.message);
    process.stderr.write(`${SEE_HELP}\n`);
    return finish(EXIT.fatal, 'usage', error.message);
  }
  if ('help' in parsed) {
    process.stdout.write(`${USAGE}\n`);
    return EXIT.ok;
  }
  if ('version' in parsed) {
    const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    process.stdout.write(`altcraft-import ${version}\n`);
    return EXIT.ok;
  }
  const token = process.env.ALTCRAFT_TOKEN || undefined;
  if (!token && !parsed.options.dryRun) {
    const message = 'ALTCRAFT_TOKEN is not set: export the API token in the environment (it is never read from the command line, where every user of the machine can see it)';
    say(message);
    return finish(EXIT.fatal, 'fatal', message);
  }
  try {
    const status = await run(parsed.options, token, state);
    return finish(status, exitReason(status));
  } catch (error) {
    const message = error instanceof Fatal ? error.message : `failed: ${(error as Error).message}`;
    if (!(error instanceof Fatal && error.cause === 'said')) say(message);
    return finish(EXIT.fatal, 'fatal', message);
  }
}

process.exitCode = await main();
