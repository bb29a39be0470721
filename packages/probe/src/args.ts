import { parseArgs } from 'node:util';
import { QUESTIONS } from './questions.js';

export const USAGE = `usage: pnpm probe --upstream URL --workflow ID [--yes] [--json] [options]

Asks a real Altcraft installation the open questions of this contract, one small request each,
and prints "question | answer | what the contract assumes | agree?".

THIS IMPORTS REAL PROFILES into the installation: up to ${QUESTIONS.length} (one per question), named
probe+1@example.invalid ... probe+${QUESTIONS.length}@example.invalid, each sent into the scenario ID with
skip_triggers: true. Use a test scenario; delete the profiles afterwards if you do not want them.
The 10,001-profile request repeats one profile, the phone probes use fictional numbers
(+44 7700 900xxx), and the 10 MiB probe is padded with whitespace. The task-status question
queues its profile with import_and_start_batch_task and asks tasks/status about the task once a
second for up to 60 s. It asks for confirmation (y/N) on a terminal, and refuses to run without
one unless --yes is given.

The API token is read from the environment variable ALTCRAFT_TOKEN, never from the command
line (--token is refused: every user of the machine can see argv). It is sent only to the
--upstream origin (redirects are reported, never followed) and never printed.

Options:
  --upstream URL        the installation: https://example.com or https://example.com/api/v1.1
  --workflow ID         the scenario (workflow) the probe profiles are sent into
  --yes                 do not ask for confirmation
  --json                print the report as JSON instead of a table
  --only ID,ID          ask only these questions (the baseline always runs first)
  --field-name NAME     the field custom_sub matches on (default email)
  --file-key KEY        the file key the attach probes name (default probe-file-key)
  --timeout SECONDS     time to wait for each answer (default 120)
  -h, --help            show this help

Questions (ids for --only):
${QUESTIONS.map((q) => `  ${q.id.padEnd(28)} ${q.question}`).join('\n')}

Exit status: 0 when every answer agrees with the contract, 2 when some disagree or gave no
usable answer, 1 on a fatal error (bad arguments, no token, not confirmed, baseline refused).`;

export interface ProbeCliOptions {
  upstream: string;
  workflowId: number;
  yes: boolean;
  json: boolean;
  only?: string[];
  fieldName: string;
  fileKey: string;
  timeoutMs: number;
}

/** A problem with the command line; the message says what to change. */
export class UsageError extends Error {}

export const TOKEN_REFUSED =
  '--token is refused: a token on the command line is visible to every user of the machine (ps, /proc) and stays in shell history; export ALTCRAFT_TOKEN instead';

function integer(name: string, text: string, max: number): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(value) || value < 1 || value > max) throw new UsageError(`--${name} must be an integer from 1 to ${max}`);
  return value;
}

function upstreamOf(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError('--upstream must be an absolute URL such as https://example.com');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new UsageError('--upstream must be an http or https URL');
  // Whatever sits there would travel with every request and could hold a secret.
  if (url.username || url.password || url.search || url.hash) throw new UsageError('--upstream must be the bare address, without credentials, query or fragment');
  return url.href;
}

export function parseCommandLine(argv: string[]): { help: true } | { options: ProbeCliOptions } {
  // Before parseArgs, whose message could quote the value.
  if (argv.some((arg) => arg === '--token' || arg.startsWith('--token='))) throw new UsageError(TOKEN_REFUSED);
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: {
        upstream: { type: 'string' },
        workflow: { type: 'string' },
        yes: { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        only: { type: 'string' },
        'field-name': { type: 'string' },
        'file-key': { type: 'string' },
        timeout: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values } = parsed;
  if (values.help) return { help: true };
  if (!values.upstream) throw new UsageError('--upstream URL is required');
  if (!values.workflow) throw new UsageError('--workflow ID is required');
  const only = values.only?.split(',').map((id) => id.trim()).filter(Boolean);
  const unknown = only?.filter((id) => !QUESTIONS.some((q) => q.id === id)) ?? [];
  if (unknown.length > 0) throw new UsageError(`--only: unknown question ${unknown.join(', ')} (see --help for the ids)`);
  const fieldName = values['field-name'] ?? 'email';
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(fieldName)) throw new UsageError('--field-name must be a field name (letters, digits, _)');
  return {
    options: {
      upstream: upstreamOf(values.upstream),
      workflowId: integer('workflow', values.workflow, Number.MAX_SAFE_INTEGER),
      yes: values.yes,
      json: values.json,
      only,
      fieldName,
      fileKey: values['file-key'] ?? 'probe-file-key',
      timeoutMs: values.timeout === undefined ? 120_000 : integer('timeout', values.timeout, 3600) * 1000,
    },
  };
}
