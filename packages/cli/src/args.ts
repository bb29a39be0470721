import { parseArgs } from 'node:util';
import type { MatchingMode } from '@altcraft-api/client';
import { MATCHING_MODES, MAX_PROFILES } from '@altcraft-api/contract';
import { formatOfPath, type InputFormat } from './input.js';

export const USAGE = `usage: altcraft-import --base-url URL --workflow ID [options] INPUT

Import the profiles of INPUT into an Altcraft scenario: each profile is imported (or updated)
and sent into the scenario ID, in batches that respect the platform's limits (10,000 profiles,
10 MiB per request).

INPUT is an NDJSON file (.ndjson, .jsonl: one profile object per line), a CSV file (.csv: a
header row of field names, then one profile per row), or - for standard input, in UTF-8 (a
byte order mark is skipped). A line that cannot be read fails on its own, with its number: not
JSON, not valid UTF-8, an integer beyond 2^53 (it would be rounded: write it as a string), a
CSV quote out of place or never closed (only the line it opens on fails). A CSV record is
numbered by the line it starts on.

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
  --skip-triggers         do not fire the triggers that imports and updates would fire
  --skip-invalid-subscriptions
                          import profiles whose subscriptions are partly invalid
  --detect-geo            work out geolocation from _regip or _ip
  --content FILE.json     extra data for the scenario's messages ({apicontent.<key>})
  --concurrency N         requests in flight at once (default 4)
  --batch-size N          profiles per request, at most ${MAX_PROFILES} (default ${MAX_PROFILES})
  --timeout SECONDS       time to wait for each answer (default 120)
  --input-format ndjson|csv
                          the format of INPUT when its name does not say (default for -: ndjson)
  --string-columns A,B    CSV columns kept as text (ids with leading zeros are kept anyway)
  --report FILE           write one NDJSON line per input line: line, status, profile_id or error
                          (and, before each request, a synced {"sending":[first,last]} line); it
                          must not be the INPUT
  --resume                continue the run of the --report FILE: lines imported, queued or refused
                          by the platform are not sent again; lines that were never taken (not
                          sent, token or tariff refused, 5xx/429 after the retries, a redirect) are
                          sent again; lines in flight when a run died are marked unknown
  --retry-ambiguous       also send again the lines whose fate is unknown (timeouts, lost
                          connections, runs killed mid-request): the platform may import them twice
  --strict                treat the contract's warnings (advice, e.g. an email that does not look
                          like one) as errors: such lines fail without being sent
  -h, --help              show this help
  --version               show the version

Every profile is checked against the contract before it is sent: a line that breaks it fails
(not sent, its report line names the field); warnings are counted and the first few printed.

Exit status: for the whole report (the lines carried over by --resume included), 0 when every
line was imported (queued with --task), 2 when some failed, are unknown or could not be read,
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
}

export type Parsed = { help: true } | { version: true } | { options: CliOptions };

/** A problem with the command line; the message says what to change. */
export class UsageError extends Error {}

function integer(name: string, text: string | undefined, fallback: number, max: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1 || value > max) throw new UsageError(`--${name} must be an integer from 1 to ${max}, got "${text}"`);
  return value;
}

export function parseCommandLine(argv: string[]): Parsed {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        'base-url': { type: 'string' },
        workflow: { type: 'string' },
        matching: { type: 'string' },
        'field-name': { type: 'string' },
        format: { type: 'string' },
        task: { type: 'boolean', default: false },
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
        help: { type: 'boolean', short: 'h', default: false },
        version: { type: 'boolean', default: false },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) return { help: true };
  if (values.version) return { version: true };
  if (!values['base-url']) throw new UsageError('--base-url URL is required');
  const baseUrl = values['base-url'];
  if (!URL.canParse(baseUrl) || !['http:', 'https:'].includes(new URL(baseUrl).protocol)) {
    throw new UsageError(`--base-url must be an http or https URL with its scheme, e.g. https://${baseUrl.replace(/^[a-z]+:\/*/i, '')}; got "${baseUrl}"`);
  }
  if (!values.workflow) throw new UsageError('--workflow ID is required');
  if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? 'INPUT is required (a file, or - for standard input)' : `one INPUT only, got ${positionals.join(' ')}`);
  const input = positionals[0]!;
  let matching: Matching = {};
  if (values.matching !== undefined) {
    const mode = values.matching;
    if (!isMatchingMode(mode)) throw new UsageError(`--matching must be one of ${MATCHING_MODES.join(', ')}`);
    if (isCustomMode(mode)) {
      const field = values['field-name'];
      if (!field) throw new UsageError(`--matching ${mode} needs --field-name NAME`);
      matching = { matching: mode, field_name: field };
    } else {
      if (values['field-name'] !== undefined) throw new UsageError(`--field-name goes with --matching custom or custom_sub, not ${mode}`);
      matching = { matching: mode };
    }
  } else if (values['field-name'] !== undefined) throw new UsageError('--field-name goes with --matching custom or custom_sub');
  if (values.format !== undefined && values.format !== 'json' && values.format !== 'xml') throw new UsageError('--format must be json or xml');
  const declared = values['input-format'];
  if (declared !== undefined && declared !== 'ndjson' && declared !== 'csv') throw new UsageError('--input-format must be ndjson or csv');
  const inputFormat = declared ?? (input === '-' ? 'ndjson' : formatOfPath(input));
  if (!inputFormat) throw new UsageError(`cannot tell the format of ${input} from its name: use --input-format ndjson|csv`);
  if (values.resume && !values.report) throw new UsageError('--resume needs --report FILE (the report of the run to resume)');
  return {
    options: {
      baseUrl,
      workflowId: integer('workflow', values.workflow, 0, Number.MAX_SAFE_INTEGER),
      matching,
      format: values.format ?? 'json',
      task: values.task,
      skipTriggers: values['skip-triggers'],
      skipInvalidSubscriptions: values['skip-invalid-subscriptions'],
      detectGeo: values['detect-geo'],
      contentFile: values.content,
      concurrency: integer('concurrency', values.concurrency, 4, 64),
      batchSize: integer('batch-size', values['batch-size'], MAX_PROFILES, MAX_PROFILES),
      timeoutMs: integer('timeout', values.timeout, 120, 3600) * 1000,
      input,
      inputFormat,
      stringColumns: new Set((values['string-columns'] ?? '').split(',').map((c) => c.trim()).filter(Boolean)),
      report: values.report,
      resume: values.resume,
      retryAmbiguous: values['retry-ambiguous'],
      strict: values.strict,
    },
  };
}
