#!/usr/bin/env node
import { createReadStream, readFileSync } from 'node:fs';
import { access } from 'node:fs/promises';
import { createAltcraftClient, importProfiles, type ImportProfilesOptions, type ImportSummary, type ProfileData, type ProfileOutcome } from '@altcraft-api/client';
import { USAGE, UsageError, parseCommandLine, type CliOptions } from './args.js';
import { readRecords } from './input.js';
import { ProgressDisplay } from './progress.js';
import { ReportWriter, readReport, type ReportLine, type SettledLines } from './report.js';

const EXIT = { ok: 0, fatal: 1, incomplete: 2, interrupted: 130 } as const;

class Fatal extends Error {}

const say = (message: string) => process.stderr.write(`altcraft-import: ${message}\n`);

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

async function run(options: CliOptions, token: string): Promise<number> {
  if (options.input !== '-') {
    await access(options.input).catch(() => {
      throw new Fatal(`cannot read ${options.input}`);
    });
  }
  const content = options.contentFile ? readContent(options.contentFile) : undefined;
  const settled: SettledLines | undefined = options.resume ? await readReport(options.report!) : undefined;
  if (settled) say(`resuming: ${settled.count} lines of ${options.report} are settled and will not be sent again`);
  const report = options.report ? new ReportWriter(options.report, options.resume) : undefined;
  const total = options.input === '-' ? undefined : (await countLines(options.input, options.inputFormat === 'csv')) - (settled?.count ?? 0);
  const progress = new ProgressDisplay(process.stderr, total);

  let malformed = 0;
  const lineOf = new Map<number, number>();
  const source = options.input === '-' ? process.stdin : createReadStream(options.input);
  async function* profiles(): AsyncGenerator<ProfileData> {
    let index = 0;
    for await (const record of readRecords(source, options.inputFormat, { skip: settled && ((line) => settled.has(line)), stringColumns: options.stringColumns })) {
      if ('error' in record) {
        malformed++;
        say(`line ${record.line}: ${record.error}; skipped`);
        await report?.write({ line: record.line, status: 'failed', error: { kind: 'input', message: record.error } });
        continue;
      }
      lineOf.set(index++, record.line);
      yield record.profile as ProfileData;
    }
  }

  // The first Ctrl-C stops gently: nothing new is sent, what is in flight is settled and
  // reported. A second one cancels the requests in flight.
  const stop = new AbortController();
  const abort = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (!stop.signal.aborted) {
      say(`${signal}: finishing the requests in flight (again to cancel them)`);
      stop.abort();
    } else abort.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const client = createAltcraftClient({ baseUrl: options.baseUrl, token, timeoutMs: options.timeoutMs });
  const request = {
    workflow_id: options.workflowId,
    ...(options.matching ? { matching: options.matching } : {}),
    ...(options.fieldName ? { field_name: options.fieldName } : {}),
    ...(options.skipTriggers ? { skip_triggers: true } : {}),
    ...(options.skipInvalidSubscriptions ? { skip_invalid_subscriptions: true } : {}),
    ...(options.detectGeo ? { detect_geo: true } : {}),
    ...(content ? { content } : {}),
  };
  let summary: ImportSummary;
  try {
    summary = await importProfiles(client, {
      ...request,
      profiles: profiles(),
      format: options.format,
      operation: options.task ? 'task' : 'sync',
      concurrency: options.concurrency,
      maxProfilesPerRequest: options.batchSize,
      retryAmbiguous: options.retryAmbiguous,
      signal: abort.signal,
      stopSignal: stop.signal,
      onOutcome: async (outcome) => {
        const line = lineOf.get(outcome.index)!;
        lineOf.delete(outcome.index);
        await report?.write(reportLineOf(line, outcome));
      },
      onProgress: (state) => progress.update(ProgressDisplay.countsOf(state, malformed)),
    } as ImportProfilesOptions);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await report?.close();
  }
  progress.end(ProgressDisplay.countsOf(summary, malformed));

  const seconds = summary.durationMs / 1000;
  const done = options.task ? `${summary.queued} queued` : `${summary.imported} imported`;
  say(
    `${summary.settled + malformed} profiles: ${done}, ${summary.failed} failed, ${summary.unknown} unknown, ${malformed} unreadable lines; ` +
      `${summary.requests} requests, ${summary.retries} retries, ${(summary.bytesSent / 1e6).toFixed(1)} MB sent, ${seconds.toFixed(1)} s ` +
      `(${Math.round(summary.settled / Math.max(seconds, 0.001))} profiles/s)${options.report ? `; report: ${options.report}` : ''}`,
  );
  if (summary.stopped?.reason === 'refused') {
    say(`stopped: the platform refused the requests (${summary.stopped.error?.message}); nothing more was sent`);
    return EXIT.fatal;
  }
  if (summary.stopped) {
    say(`interrupted: ${options.report ? `run again with --resume --report ${options.report} to continue` : 'use --report FILE to be able to resume'}`);
    return EXIT.interrupted;
  }
  return summary.failed + summary.unknown + malformed === 0 ? EXIT.ok : EXIT.incomplete;
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
    if (error instanceof Fatal) {
      say(error.message);
      return EXIT.fatal;
    }
    say(`failed: ${(error as Error).message}`);
    return EXIT.fatal;
  }
}

process.exitCode = await main();
