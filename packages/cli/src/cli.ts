#!/usr/bin/env node
import { createReadStream, fstatSync, readFileSync, type Stats } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import {
  createAltcraftClient,
  importProfiles,
  type ImportProfilesOptions,
  type ImportSummary,
  type OutcomeError,
  type ProfileData,
  type ProfileOutcome,
} from '@altcraft-api/client';
import { USAGE, UsageError, parseCommandLine, type CliOptions } from './args.js';
import { ProfileChecker, describeViolations } from './check.js';
import { EXIT, exitStatus, type LineTally } from './exit.js';
import { readRecords } from './input.js';
import { ProgressDisplay } from './progress.js';
import { ReportWriter, resumeReport, type LocalError, type ReportLine, type ResumeState } from './report.js';

class Fatal extends Error {}

const say = (message: string) => process.stderr.write(`altcraft-import: ${message}\n`);
const grouped = (n: number) => n.toLocaleString('en-US');

function readContent(path: string): Record<string, unknown> {
  let content: unknown;
  try {
    content = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Fatal(`--content ${path}: ${(error as Error).message}`);
  }
  if (typeof content !== 'object' || content === null || Array.isArray(content)) throw new Fatal(`--content ${path}: must hold a JSON object`);
  return content as Record<string, unknown>;
}

/** Data lines of a file, for the progress bar's total (a quick pass over the bytes). */
async function countLines(path: string, header: boolean): Promise<number> {
  let lines = 0;
  let last = 10;
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
    for (let at = chunk.indexOf(10); at !== -1; at = chunk.indexOf(10, at + 1)) lines++;
    last = chunk.at(-1) ?? last;
  }
  if (last !== 10) lines++;
  return Math.max(0, lines - (header ? 1 : 0));
}

/**
 * Refuses a report that is the input itself (opening it for writing would truncate the input),
 * whatever path names it: the same file is the same device and inode, through a symlink, a
 * relative spelling or standard input redirected from it.
 */
async function checkReportIsNotInput(input: string, report: string): Promise<void> {
  const reportStats = await stat(report).catch(() => undefined);
  if (!reportStats) return;
  let inputStats: Stats | undefined;
  try {
    inputStats = input === '-' ? fstatSync(0) : await stat(input);
  } catch {
    return;
  }
  if (inputStats.dev === reportStats.dev && inputStats.ino === reportStats.ino) {
    throw new Fatal(`--report ${report} is the input ${input === '-' ? '(standard input)' : input} itself: writing the report would destroy it; choose another file`);
  }
}

function reportLineOf(line: number, outcome: ProfileOutcome): ReportLine {
  switch (outcome.status) {
    case 'imported':
      return { line, status: 'imported', profile_id: outcome.profileId };
    case 'queued':
      return { line, status: 'queued', task_id: outcome.taskId };
    default:
      return { line, status: outcome.status, error: outcome.error };
  }
}

/** Failure reasons with their counts and first line, for the terminal at the end. */
class Reasons {
  private readonly byText = new Map<string, { count: number; line: number }>();
  add(line: number, error: OutcomeError | LocalError): void {
    const text = `${error.kind}: ${error.message}`;
    const known = this.byText.get(text);
    if (known) known.count++;
    else if (this.byText.size < 10_000) this.byText.set(text, { count: 1, line });
  }
  print(top = 5): void {
    const sorted = [...this.byText].sort((a, b) => b[1].count - a[1].count);
    if (sorted.length === 0) return;
    say(`failure reasons${sorted.length > top ? ` (the ${top} most frequent of ${grouped(sorted.length)})` : ''}:`);
    for (const [text, { count, line }] of sorted.slice(0, top)) {
      process.stderr.write(`  ${grouped(count)} x ${text.length > 300 ? `${text.slice(0, 300)}...` : text} (first: line ${line})\n`);
    }
  }
}

async function run(options: CliOptions, token: string): Promise<number> {
  if (options.input !== '-') {
    await access(options.input).catch(() => {
      throw new Fatal(`cannot read ${options.input}`);
    });
  }
  if (options.report) await checkReportIsNotInput(options.input, options.report);
  const content = options.contentFile ? readContent(options.contentFile) : undefined;

  let resumed: ResumeState | undefined;
  if (options.resume) {
    try {
      resumed = await resumeReport(options.report!, { retryAmbiguous: options.retryAmbiguous });
    } catch (error) {
      throw new Fatal(`cannot resume from ${options.report}: ${(error as Error).message}`);
    }
    const { carried } = resumed;
    const kept = carried.imported + carried.queued + carried.failed + carried.unknown + carried.unreadable;
    say(
      `resuming: ${grouped(kept)} lines of ${options.report} stand (${grouped(carried.imported + carried.queued)} done, ${grouped(carried.failed + carried.unreadable)} failed, ` +
        `${grouped(carried.unknown)} unknown) and are not sent again; ${grouped(resumed.resent)} lines the platform never took are sent again`,
    );
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
  if (options.report) {
    try {
      report = await ReportWriter.open(options.report, options.resume, (error) => fail(`${error.message}; sending stopped`));
    } catch (error) {
      throw new Fatal(`cannot write the report ${options.report}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
  }
  const total = options.input === '-' ? undefined : (await countLines(options.input, options.inputFormat === 'csv')) - (resumed ? resumed.carried.imported + resumed.carried.queued + resumed.carried.failed + resumed.carried.unknown + resumed.carried.unreadable : 0);
  const progress = new ProgressDisplay(process.stderr, total);

  const local = { unreadable: 0, invalid: 0, inFlight: 0 };
  const localFailures = () => local.unreadable + local.invalid + local.inFlight;
  const reasons = new Reasons();
  async function settleLocally(line: number, status: 'failed' | 'unknown', error: LocalError): Promise<void> {
    reasons.add(line, error);
    await report?.write({ line, status, error });
  }

  const common = {
    workflow_id: options.workflowId,
    ...options.matching,
    ...(options.skipTriggers ? { skip_triggers: true } : {}),
    ...(options.skipInvalidSubscriptions ? { skip_invalid_subscriptions: true } : {}),
    ...(options.detectGeo ? { detect_geo: true } : {}),
    ...(content ? { content } : {}),
  };
  const checker = new ProfileChecker(common);
  const warned = { lines: 0, warnings: 0, shown: 0 };
  const SHOWN = 5;

  const lineOf = new Map<number, number>();
  const source = options.input === '-' ? process.stdin : createReadStream(options.input);
  let index = 0;
  let unchecked: { line: number; profile: Record<string, unknown> }[] = [];
  /** Checks the profiles read so far against the contract, and passes on those that may be sent. */
  async function* checked(): AsyncGenerator<ProfileData> {
    const batch = unchecked;
    unchecked = [];
    for (const { line, profile, violations, warnings } of checker.check(batch)) {
      if (checker.requestViolations.length > 0) {
        throw new Fatal(`the request fields break the contract, so every request would be refused: ${describeViolations(checker.requestViolations)}`);
      }
      if (options.strict && checker.requestWarnings.length > 0) {
        throw new Fatal(`with --strict, the request fields' warnings fail every line: ${describeViolations(checker.requestWarnings)}`);
      }
      if (warnings.length > 0) {
        warned.lines++;
        warned.warnings += warnings.length;
        if (warned.shown++ < SHOWN) say(`line ${line}: warning: ${describeViolations(warnings)}${options.strict ? ' (--strict: not sent)' : ''}`);
      }
      const refused = options.strict ? [...violations, ...warnings] : violations;
      if (refused.length > 0) {
        local.invalid++;
        const message = `${violations.length > 0 ? 'breaks the contract' : 'warnings with --strict'}, not sent: ${describeViolations(refused)}`;
        await settleLocally(line, 'failed', { kind: 'invalid', message, pointer: refused[0]!.pointer, retryable: false });
        continue;
      }
      lineOf.set(index++, line);
      // Checked against the contract just above: the cast states what the check established.
      yield profile as ProfileData;
    }
  }

  async function* profiles(): AsyncGenerator<ProfileData> {
    for await (const record of readRecords(source, options.inputFormat, { skip: resumed?.isSettled, stringColumns: options.stringColumns })) {
      if ('error' in record) {
        if (local.unreadable++ < SHOWN * 2) say(`line ${record.line}: ${record.error}; skipped`);
        await settleLocally(record.line, 'failed', { kind: 'input', message: record.error, retryable: false });
        continue;
      }
      if (!options.retryAmbiguous && resumed?.wasInFlight(record.line)) {
        local.inFlight++;
        const message = 'sent by a run that stopped before the answer was recorded: the platform may have imported it (--retry-ambiguous sends it again)';
        await settleLocally(record.line, 'unknown', { kind: 'interrupted', message, retryable: false });
        continue;
      }
      unchecked.push(record);
      if (unchecked.length >= 256) yield* checked();
    }
    yield* checked();
  }

  const onSignal = (signal: NodeJS.Signals) => {
    if (!stop.signal.aborted) {
      say(`${signal}: finishing the requests in flight (again to cancel them)`);
      stop.abort();
    } else abort.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const client = createAltcraftClient({ baseUrl: options.baseUrl, token, timeoutMs: options.timeoutMs });
  const sender: ImportProfilesOptions = {
    ...common,
    profiles: profiles(),
    format: options.format,
    operation: options.task ? 'task' : 'sync',
    concurrency: options.concurrency,
    maxProfilesPerRequest: options.batchSize,
    retryAmbiguous: options.retryAmbiguous,
    signal: abort.signal,
    stopSignal: stop.signal,
    ...(report ? { onSend: async ({ first, count }) => report.sending(lineOf.get(first)!, lineOf.get(first + count - 1)!) } : {}),
    onOutcome: async (outcome) => {
      const line = lineOf.get(outcome.index)!;
      lineOf.delete(outcome.index);
      if (outcome.status === 'failed' || outcome.status === 'unknown') reasons.add(line, outcome.error);
      await report?.write(reportLineOf(line, outcome));
    },
    onProgress: (state) => progress.update(ProgressDisplay.countsOf(state, localFailures())),
  };
  let summary: ImportSummary | undefined;
  try {
    summary = await importProfiles(client, sender);
  } catch (error) {
    if (!report?.error) throw error;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await report?.close();
  }
  if (summary) progress.end(ProgressDisplay.countsOf(summary, localFailures()));

  if (summary) {
    const seconds = summary.durationMs / 1000;
    const done = options.task ? `${grouped(summary.queued)} queued` : `${grouped(summary.imported)} imported`;
    say(
      `${grouped(summary.settled + localFailures())} profiles: ${done}, ${grouped(summary.failed + local.invalid)} failed, ${grouped(summary.unknown + local.inFlight)} unknown, ${grouped(local.unreadable)} unreadable lines; ` +
        `${grouped(summary.requests)} requests, ${grouped(summary.retries)} retries, ${(summary.bytesSent / 1e6).toFixed(1)} MB sent, ${seconds.toFixed(1)} s ` +
        `(${Math.round(summary.settled / Math.max(seconds, 0.001))} profiles/s)${options.report ? `; report: ${options.report}` : ''}`,
    );
  }
  if (local.unreadable > SHOWN * 2) say(`${grouped(local.unreadable)} unreadable lines (the first ${SHOWN * 2} above; all are in the report)`);
  if (checker.requestWarnings.length > 0 && !options.strict) say(`warning, for every request: ${describeViolations(checker.requestWarnings)}`);
  if (warned.lines > 0) {
    say(
      `${grouped(warned.warnings)} warnings on ${grouped(warned.lines)} lines${warned.lines > SHOWN ? ` (the first ${SHOWN} above)` : ''}: ` +
        (options.strict ? 'with --strict those lines failed' : 'sent anyway (advice, not the contract); --strict makes them failures'),
    );
  }
  reasons.print();
  if (report?.error && report.unwritten.length > 0) {
    say(`the ${grouped(report.unwritten.length)} report lines that could not be written to ${options.report} follow (NDJSON): keep them`);
    process.stderr.write(`${report.unwritten.join('\n')}\n`);
  }
  const stopped = summary?.stopped;
  if (stopped && stopped.reason !== 'aborted' && stopped.reason !== 'stopped') {
    // A failure every batch would get: the reason goes to the terminal, not only to the report.
    const why = stopped.error?.message ?? stopped.reason;
    fail(stopped.reason === 'unreachable' ? `nothing could be sent: ${why}` : `stopped: the platform refused the requests (${why}); nothing more was sent`);
  }
  const interrupted = !fatal && stopped !== undefined;
  if (interrupted) say(`interrupted: ${options.report ? `run again with --resume --report ${options.report} to continue` : 'use --report FILE to be able to resume'}`);
  if (fatal && options.report && !report?.error) say(`the lines not sent can be sent later with --resume --report ${options.report}`);

  const carried = resumed?.carried ?? { imported: 0, queued: 0, failed: 0, unknown: 0, unreadable: 0 };
  const tally: LineTally = {
    imported: carried.imported + (summary?.imported ?? 0),
    queued: carried.queued + (summary?.queued ?? 0),
    failed: carried.failed + (summary?.failed ?? 0) + local.invalid,
    unknown: carried.unknown + (summary?.unknown ?? 0) + local.inFlight,
    unreadable: carried.unreadable + local.unreadable,
  };
  return exitStatus({ fatal: fatal !== undefined, interrupted, tally });
}

async function main(): Promise<number> {
  let parsed;
  try {
    parsed = parseCommandLine(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    say(`${error.message}\n\n${USAGE}`);
    return EXIT.fatal;
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
  const token = process.env.ALTCRAFT_TOKEN;
  if (!token) {
    say('ALTCRAFT_TOKEN is not set: export the API token in the environment (it is never read from the command line, where every user of the machine can see it)');
    return EXIT.fatal;
  }
  try {
    return await run(parsed.options, token);
  } catch (error) {
    say(error instanceof Fatal ? error.message : `failed: ${(error as Error).message}`);
    return EXIT.fatal;
  }
}

process.exitCode = await main();
