import { parseArgs } from 'node:util';
import { MATCHING_MODES, MAX_PROFILES } from '@altcraft-api/contract';
import { formatOfPath, type InputFormat } from './input.js';

export const USAGE = `usage: altcraft-import --base-url URL --workflow ID [options] INPUT

Import the profiles of INPUT into an Altcraft scenario: each profile is imported (or updated)
and sent into the scenario ID, in batches that respect the platform's limits (10,000 profiles,
10 MiB per request).

INPUT is an NDJSON file (.ndjson, .jsonl: one profile object per line), a CSV file (.csv: a
header row of field names, then one profile per row), or - for standard input.

The API token is read from the environment variable ALTCRAFT_TOKEN, never from the command
line (where every user of the machine can see it).

Options:
  --base-url URL          the API root, e.g. https://example.com/api/v1.1
  --workflow ID           the scenario (workflow) id
  --matching MODE         how profiles are matched: ${MATCHING_MODES.join(', ')} (default email)
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
  --resume                skip the lines already in the --report FILE and append to it
  --retry-ambiguous       resend requests whose fate is unknown (may import profiles twice)
  -h, --help              show this help
  --version               show the version

Exit status: 0 when every profile was imported (queued with --task), 2 when some failed, are
unknown or could not be read, 1 on a fatal error (bad arguments, no token, refused token),
130 when interrupted (the report holds what was settled; run again with --resume).

Example:
  ALTCRAFT_TOKEN=... altcraft-import --base-url https://example.com/api/v1.1 --workflow 12 \\
    --matching custom --field-name CRM_ID --report report.ndjson customers.csv`;

export interface CliOptions {
  baseUrl: string;
  workflowId: number;
  matching?: string;
  fieldName?: string;
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
  if (!values.workflow) throw new UsageError('--workflow ID is required');
  if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? 'INPUT is required (a file, or - for standard input)' : `one INPUT only, got ${positionals.join(' ')}`);
  const input = positionals[0]!;
  if (values.matching !== undefined && !MATCHING_MODES.includes(values.matching)) throw new UsageError(`--matching must be one of ${MATCHING_MODES.join(', ')}`);
  if (values.matching?.startsWith('custom') && !values['field-name']) throw new UsageError(`--matching ${values.matching} needs --field-name NAME`);
  if (values.format !== undefined && values.format !== 'json' && values.format !== 'xml') throw new UsageError('--format must be json or xml');
  const declared = values['input-format'];
  if (declared !== undefined && declared !== 'ndjson' && declared !== 'csv') throw new UsageError('--input-format must be ndjson or csv');
  const inputFormat = (declared as InputFormat | undefined) ?? (input === '-' ? 'ndjson' : formatOfPath(input));
  if (!inputFormat) throw new UsageError(`cannot tell the format of ${input} from its name: use --input-format ndjson|csv`);
  if (values.resume && !values.report) throw new UsageError('--resume needs --report FILE (the report of the run to resume)');
  return {
    options: {
      baseUrl: values['base-url'],
      workflowId: integer('workflow', values.workflow, 0, Number.MAX_SAFE_INTEGER),
      matching: values.matching,
      fieldName: values['field-name'],
      format: (values.format as 'json' | 'xml' | undefined) ?? 'json',
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
    },
  };
}
