#!/usr/bin/env node
import { seeHelp } from '@altcraft-api/contract/cli-args';
import { USAGE, UsageError, parseCommandLine } from './args.js';
import { confirm } from './confirm.js';
import { redactor, runProbe } from './probe.js';
import { selectQuestions } from './questions.js';
import { endpointUrl } from './send.js';
import { renderJson, renderTable } from './table.js';

const EXIT = { agree: 0, fatal: 1, disagree: 2 } as const;

const say = (message: string) => process.stderr.write(`probe: ${message}\n`);

const isLoopback = (url: URL) => ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);

async function main(): Promise<number> {
  let parsed;
  try {
    parsed = parseCommandLine(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    say(error.message);
    process.stderr.write(`${seeHelp('pnpm probe')}\n`);
    return EXIT.fatal;
  }
  if ('help' in parsed) {
    process.stdout.write(`${USAGE}\n`);
    return EXIT.agree;
  }
  const { options } = parsed;
  const token = process.env.ALTCRAFT_TOKEN;
  if (!token) {
    say('ALTCRAFT_TOKEN is not set: export the API token in the environment (it is never read from the command line)');
    return EXIT.fatal;
  }
  const redact = redactor(token);
  const url = endpointUrl(options.upstream);
  const count = selectQuestions(options.only).length;
  const what = `import up to ${count} real profiles (probe+N@example.invalid) into ${url.origin} and send them into workflow ${options.workflowId} (skip_triggers: true)`;
  if (!options.yes) {
    if (!process.stdin.isTTY) {
      say(`refusing to run: this would ${what}. Confirm with --yes (there is no terminal to ask on).`);
      return EXIT.fatal;
    }
    if (!(await confirm(process.stdin, process.stderr, `This will ${what}. Continue?`))) {
      say('not confirmed; nothing was sent');
      return EXIT.fatal;
    }
  }
  if (url.protocol === 'http:' && !isLoopback(url)) say(`warning: ${url.origin} is plain HTTP; the token travels unencrypted`);
  let report;
  try {
    report = await runProbe({
      upstream: options.upstream,
      workflowId: options.workflowId,
      token,
      only: options.only,
      fieldName: options.fieldName,
      fileKey: options.fileKey,
      timeoutMs: options.timeoutMs,
      onRow: (row) => say(`${row.id}: ${row.answer}`),
    });
  } catch (error) {
    say(`failed: ${redact((error as Error).message)}`);
    return EXIT.fatal;
  }
  // Redacted again as a whole: the one place every printed byte passes through.
  process.stdout.write(redact(options.json ? renderJson(report) : renderTable(report)));
  if (report.stopped) return EXIT.fatal;
  return report.disagree + report.unsettled === 0 ? EXIT.agree : EXIT.disagree;
}

process.exitCode = await main();
