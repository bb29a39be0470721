import { parseArgs } from 'node:util';
import type { MatchingMode } from '@altcraft-api/client';
import { MATCHING_MODES, MAX_PROFILES } from '@altcraft-api/contract';
import { formatOfPath, type InputFormat } from './input.js';
import { UsageError, didYouMean, parseArgsMessage, typedOptions, unknownOption } from '@altcraft-api/contract/cli-args';
import { grouped } from './text.js';

export const SYNOPSIS = 'usage: altcraft-import --base-url URL --workflow ID [options] INPUT';

/** The line under a usage error: where the rest is, instead of the whole help. */
export const SEE_HELP = `${SYNOPSIS}  (altcraft-import --help lists every option)`;

export const USAGE = `${SYNOPSIS}

Import the profiles of INPUT into an Altcraft scenario: each profile is imported (or updated)
and sent into the scenario ID, in batches that respect the platform's limits (10,000 profiles,
10 MiB per request).

INPUT is an NDJSON file (.ndjson, .jsonl: one profile object per line), a CSV file (.csv: a
header row of field names, then one profile per row), or - for standard input, in UTF-8 (a
byte order mark is skipped). A line that cannot be read fails on its own, with its number: not
JSON, not valid UTF-8, a number that would not be sent as written (below), a CSV record whose
quotes are out of place or never closed, or that spans lines into another width than the
header's (its first line fails alone, and reading starts again on the next line). A CSV record is numbered by the line it starts on. Relative paths are taken
from the directory the command was run from (for \`pnpm altcraft-import\` in the repository:
where pnpm was run, INIT_CWD).

Numbers are read as doubles and sent as JavaScript writes them (1.0 as 1, 1e2 as 100, -0 as
0: the same values). A line is refused, with the number's JSON pointer, when that would change
a number's value: beyond +-1.8e308 (it would become null), a nonzero number that becomes 0
(1e-400), or of magnitude 2^53 or more and sent with another value (9007199254740993, also as
9007199254740993.0 or 9.007199254740993e15, would be sent as 9007199254740992): write such a
number as a string. Below 2^53, digits past a double's precision (about 17) are rounded to the
nearest double, as any JSON reader rounds them. A CSV cell becomes a number only when it is
written as one (no exponent, no leading zero), is below 2^53 and keeps its value; otherwise it
stays text.

The API token is read from the environment variable ALTCRAFT_TOKEN, never from the command
line (where every user of the machine can see it).

Options:
  --base-url URL          the API root, with its scheme: https://example.com/api/v1.1
  --workflow ID           the scenario (workflow) id
  --matching MODE         how profiles are matched (default email):
                          ${MATCHING_MODES.join(', ')}
  --field-name NAME       the custom field to match on (custom, custom_sub)
  --format json|xml       encoding of the requests (default json)
  --task                  queue each batch as a background task (import_and_start_batch_task)
                          and follow it (tasks/status) until each line has its outcome
  --no-wait               with --task: do not follow the tasks; the lines are queued
  --task-timeout SECONDS  with --task: how long each task is followed (default 1800); lines of
                          a task not done by then are unknown, with the task id
  --poll-interval MS      with --task: first delay between two status requests (default 1000)
  --skip-triggers         do not fire the triggers that imports and updates would fire
  --skip-invalid-subscriptions
                          import profiles whose subscriptions are partly invalid
  --detect-geo            work out geolocation from _regip or _ip
  --content FILE.json     extra data for the scenario's messages ({apicontent.<key>})
  --concurrency N         requests in flight at once (default 4)
  --batch-size N          profiles per request, at most ${grouped(MAX_PROFILES)} (default ${grouped(MAX_PROFILES)})
  --timeout SECONDS       time to wait for each answer (default 120)
  --input-format ndjson|csv
                          the format of INPUT when its name does not say (default for -: ndjson)
  --string-columns A,B    CSV columns kept as text (ids with leading zeros are kept anyway)
  --report FILE           write one NDJSON line per input line: line, status, profile_id or error
                          (and, before each request, a synced {"sending":[first,last]} line; with
                          --task, once a batch is queued, a synced {"task":ID,"lines":[[a,b]]}); it
                          must not be the INPUT
  --resume                continue the run of the --report FILE: lines imported, queued or refused
                          by the platform are not sent again; lines that were never taken (not
                          sent, token or tariff refused, 5xx/429 after the retries, a redirect) are
                          sent again; lines in flight when a run died are marked unknown; with
                          --task, the tasks an earlier run queued and did not see finish are
                          followed again (not sent again)
  --retry-ambiguous       also send again the lines whose fate is unknown (timeouts, lost
                          connections, runs killed mid-request): the platform may import them twice
  --strict                treat the contract's warnings (advice, e.g. an email that does not look
                          like one) as errors: such lines fail without being sent
  --dry-run               read and check every line, plan the requests and print what would be
                          sent (requests, bytes, warnings, failures); send nothing, write no report
  --json                  print the final summary as one JSON object on standard output (counts,
                          requests, retries, bytes, duration, exit status and reason); the progress
                          and the messages stay on standard error. Its counts, like the summary's,
                          are for the whole file: with --resume, the lines carried over included
  -h, --help              show this help
  --version               show the version

Every profile is checked against the contract before it is sent: a line that breaks it fails
(not sent, its report line names the field); warnings are counted and the first few printed.
At the end the most frequent failure reasons are printed, grouped, with their line counts.

Exit status: for the whole report (the lines carried over by --resume included), 0 when every
line was imported (queued with --task --no-wait), 2 when some failed, are unknown or could not be read,
1 on a fatal error (bad arguments, no token, refused token, nothing could be sent at all, the
report cannot be written), 130 when interrupted (the report holds what was settled; run again
with --resume). A line whose report entry could not be written is printed on standard error.

Example:
  ALTCRAFT_TOKEN=... altcraft-import --base-url https://example.com/api/v1.1 --workflow 12 \\
    --matching custom --field-name CRM_ID --report report.ndjson customers.csv`;

const CUSTOM_MODES = ['custom', 'custom_sub'] as const;
type CustomMode = (typeof CUSTOM_MODES)[number];

/** How profiles are matched: one member per mode (so the request type checks), a custom mode with its field. */
export type Matching = { [M in MatchingMode]: M extends CustomMode ? { matching: M; field_name: string } : { matching: M } }[MatchingMode] | Record<never, never>;

export function isMatchingMode(value: string): value is MatchingMode {
  return MATCHING_MODES.includes(value);
}

const isCustomMode = (value: MatchingMode): value is CustomMode => (CUSTOM_MODES as readonly string[]).includes(value);

export interface CliOptions {
  baseUrl: string;
  workflowId: number;
  matching: Matching;
  format: 'json' | 'xml';
  task: boolean;
  /** With --task: follow each task to its end (not with --no-wait). */
  wait: boolean;
  taskTimeoutMs: number;
  pollIntervalMs: number;
  skipTriggers: boolean;
  skipInvalidSubscriptions: boolean;
  detectGeo: boolean;
  contentFile?: string;
  concurrency: number;
  batchSize: number;
  timeoutMs: number;
  input: string;
  inputFormat: InputFormat;
  stringColumns: Set<string>;
  report?: string;
  resume: boolean;
  retryAmbiguous: boolean;
  strict: boolean;
  dryRun: boolean;
  json: boolean;
}

export type Parsed = { help: true } | { version: true } | { options: CliOptions };

/** A problem with the command line; the message says what to change. */
export { UsageError };

/** `min` above 1 where the client refuses less (--poll-interval: 10 ms, or a task's status is asked for hundreds of times a second). */
function integer(name: string, text: string | undefined, fallback: number, max: number, min = 1): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < min || value > max) throw new UsageError(`--${name} must be an integer from ${grouped(min)} to ${grouped(max)}, got "${text}"`);
  return value;
}

const OPTIONS = {
  'base-url': { type: 'string' },
  workflow: { type: 'string' },
  matching: { type: 'string' },
  'field-name': { type: 'string' },
  format: { type: 'string' },
  task: { type: 'boolean', default: false },
  'no-wait': { type: 'boolean', default: false },
  'task-timeout': { type: 'string' },
  'poll-interval': { type: 'string' },
  'skip-triggers': { type: 'boolean', default: false },
  'skip-invalid-subscriptions': { type: 'boolean', default: false },
  'detect-geo': { type: 'boolean', default: false },
  content: { type: 'string' },
  concurrency: { type: 'string' },
  'batch-size': { type: 'string' },
  timeout: { type: 'string' },
  'input-format': { type: 'string' },
  'string-columns': { type: 'string' },
  report: { type: 'string' },
  resume: { type: 'boolean', default: false },
  'retry-ambiguous': { type: 'boolean', default: false },
  strict: { type: 'boolean', default: false },
  'dry-run': { type: 'boolean', default: false },
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
  version: { type: 'boolean', default: false },
} as const;

const NAMES = Object.keys(OPTIONS);
const VALUE_NAMES: Record<string, string> = {
  'base-url': 'URL',
  workflow: 'ID',
  matching: 'MODE',
  'field-name': 'NAME',
  format: 'json|xml',
  content: 'FILE.json',
  concurrency: 'N',
  'batch-size': 'N',
  timeout: 'SECONDS',
  'input-format': 'ndjson|csv',
  'string-columns': 'A,B',
  report: 'FILE',
};

const TOKEN_REFUSED =
  '--token is not an option: the token is read from the environment variable ALTCRAFT_TOKEN, because the command line ' +
  'is visible to every user of the machine (ps, /proc/PID/cmdline) and stays in the shell history; run export ALTCRAFT_TOKEN=... first';

/** Checks each typed option before parseArgs does, so that the message can name what was meant. */
function checkOptionNames(argv: string[]): void {
  for (const arg of argv) {
    if (arg === '--') break;
    const name = arg.split('=')[0];
    if (name === '--token' || name === '-t') throw new UsageError(TOKEN_REFUSED);
  }
  const unknown = unknownOption(argv, OPTIONS);
  if (unknown) throw new UsageError(unknown);
}

/**
 * `--concurrency -1` as `--concurrency=-1`: parseArgs refuses a value that starts with a dash,
 * and the message about the value itself (must be from 1 to 64) is the useful one.
 */
function joinValues(argv: string[]): string[] {
  const out: string[] = [];
  for (let at = 0; at < argv.length; at++) {
    const arg = argv[at]!;
    const next = argv[at + 1];
    const known = arg.startsWith('--') && !arg.includes('=') ? OPTIONS[arg.slice(2) as keyof typeof OPTIONS] : undefined;
    if (known?.type === 'string' && next !== undefined && /^-\d/.test(next)) {
      out.push(`${arg}=${next}`);
      at++;
    } else out.push(arg);
    if (arg === '--') {
      out.push(...argv.slice(at + 1));
      break;
    }
  }
  return out;
}

/** A value of a closed set, or a usage error that lists the set and names the closest. */
function oneOf<T extends string>(name: string, value: string | undefined, allowed: readonly T[]): T | undefined {
  if (value === undefined || (allowed as readonly string[]).includes(value)) return value as T | undefined;
  throw new UsageError(`--${name} must be one of ${allowed.join(', ')}, got "${value}"${didYouMean(value, allowed)}`);
}

export function parseCommandLine(argv: string[]): Parsed {
  checkOptionNames(argv);
  let parsed;
  try {
    parsed = parseArgs({ args: joinValues(argv), allowPositionals: true, options: OPTIONS });
  } catch (error) {
    throw new UsageError(parseArgsMessage(error as NodeJS.ErrnoException & Error, VALUE_NAMES));
  }
  const { values, positionals } = parsed;
  if (values.help) return { help: true };
  if (values.version) return { version: true };
  // What was given is checked before what is missing: a wrong value is the more precise news.
  const baseUrl = values['base-url'];
  if (baseUrl !== undefined && (!URL.canParse(baseUrl) || !['http:', 'https:'].includes(new URL(baseUrl).protocol))) {
    throw new UsageError(`--base-url must be an http or https URL with its scheme, e.g. https://${baseUrl.replace(/^[a-z]+:\/*/i, '')}; got "${baseUrl}"`);
  }
  const workflow = values.workflow;
  if (workflow !== undefined && !(/^[1-9]\d*$/.test(workflow) && Number.isSafeInteger(Number(workflow)))) throw new UsageError(`--workflow must be the scenario's id, a positive integer; got "${workflow}"`);
  let matching: Matching = {};
  const mode = oneOf('matching', values.matching, MATCHING_MODES as readonly MatchingMode[]);
  if (mode !== undefined) {
    if (isCustomMode(mode)) {
      const field = values['field-name'];
      if (!field) throw new UsageError(`--matching ${mode} needs --field-name NAME (the custom field to match on)`);
      matching = { matching: mode, field_name: field };
    } else {
      if (values['field-name'] !== undefined) throw new UsageError(`--field-name goes with --matching custom or custom_sub, not ${mode}`);
      matching = { matching: mode };
    }
  } else if (values['field-name'] !== undefined) throw new UsageError('--field-name goes with --matching custom or custom_sub');
  const format = oneOf('format', values.format, ['json', 'xml'] as const);
  const declared = oneOf('input-format', values['input-format'], ['ndjson', 'csv'] as const);
  const concurrency = integer('concurrency', values.concurrency, 4, 64);
  const batchSize = integer('batch-size', values['batch-size'], MAX_PROFILES, MAX_PROFILES);
  const timeoutMs = integer('timeout', values.timeout, 120, 3600) * 1000;
  const taskTimeoutMs = integer('task-timeout', values['task-timeout'], 1800, 604_800) * 1000;
  const pollIntervalMs = integer('poll-interval', values['poll-interval'], 1000, 600_000, 10);
  const taskOnly = (['no-wait', 'task-timeout', 'poll-interval'] as const).find((name) => values[name] !== undefined && values[name] !== false);
  if (taskOnly && !values.task) throw new UsageError(`--${taskOnly} goes with --task`);
  const missing = [
    ...(baseUrl ? [] : ['--base-url URL']),
    ...(workflow ? [] : ['--workflow ID']),
    ...(positionals.length > 0 ? [] : ['INPUT (a file, or - for standard input)']),
  ];
  if (missing.length > 0) throw new UsageError(`${missing.join(' and ').replace(/ and (?=.* and )/g, ', ')} ${missing.length === 1 ? 'is' : 'are'} required`);
  if (positionals.length !== 1) throw new UsageError(`one INPUT only, got ${positionals.join(' ')}`);
  const input = positionals[0]!;
  const inputFormat = declared ?? (input === '-' ? 'ndjson' : formatOfPath(input));
  if (!inputFormat) throw new UsageError(`cannot tell the format of ${input} from its name: use --input-format ndjson|csv`);
  if (values.resume && !values.report) throw new UsageError('--resume needs --report FILE (the report of the run to resume)');
  if (values.resume && values['dry-run']) throw new UsageError('--dry-run cannot resume: a resume rewrites the report, and a dry run writes nothing');
  return {
    options: {
      baseUrl: baseUrl!,
      workflowId: Number(workflow),
      matching,
      format: format ?? 'json',
      task: values.task,
      wait: values.task && !values['no-wait'],
      taskTimeoutMs,
      pollIntervalMs,
      skipTriggers: values['skip-triggers'],
      skipInvalidSubscriptions: values['skip-invalid-subscriptions'],
      detectGeo: values['detect-geo'],
      contentFile: values.content,
      concurrency,
      batchSize,
      timeoutMs,
      input,
      inputFormat,
      stringColumns: new Set((values['string-columns'] ?? '').split(',').map((c) => c.trim()).filter(Boolean)),
      report: values.report,
      resume: values.resume,
      retryAmbiguous: values['retry-ambiguous'],
      strict: values.strict,
      dryRun: values['dry-run'],
      json: values.json,
    },
  };
}

/** Whether argv asks for --json, read even from a command line that does not parse. */
export const wantsJson = (argv: string[]) => typedOptions(argv, OPTIONS).includes('--json');
