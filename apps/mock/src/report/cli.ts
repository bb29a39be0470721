#!/usr/bin/env node
// `pnpm contract:report DIR [--json]`: what the cases recorded by `altcraft-mock --proxy --record
// DIR` say about the contract, most serious first.
import { parseOptions, seeHelp, UsageError } from '@altcraft-api/contract/cli-args';
import { buildReport, renderText } from './report.js';

const USAGE = `usage: pnpm contract:report DIR [--json]

Reads the case files that \`altcraft-mock --proxy --upstream URL --record DIR\` wrote and prints,
most serious first: requests the platform accepted and answers it gave that the contract refuses;
advice that accepted traffic breaks; statuses, fields, answer shapes, headers and error codes the
contract does not declare; and what the traffic shows for each open question (**[?]**) of
spec/DECISIONS.md. A file that is not a case is named on stderr, one line each, and skipped.
--json prints the same as one JSON object.`;

const COMMAND = 'contract:report';

/** One line saying what is wrong and one naming --help, as every command of the repository does. */
function usageError(message: string): never {
  console.error(`${COMMAND}: ${message}\n${seeHelp(`pnpm ${COMMAND}`)}`);
  process.exit(2);
}

let parsed;
try {
  parsed = parseOptions({ allowPositionals: true, options: { json: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h', default: false } } });
} catch (error) {
  if (!(error instanceof UsageError)) throw error;
  usageError(error.message);
}
if (parsed.values.help) {
  console.log(USAGE);
  process.exit(0);
}
if (parsed.positionals.length !== 1) usageError('give one directory (the DIR of altcraft-mock --proxy --record DIR)');
const dir = parsed.positionals[0]!;
let report;
try {
  report = buildReport(dir);
} catch (error) {
  console.error(`${COMMAND}: ${dir} cannot be read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  process.exit(2);
}
for (const { file, error } of report.errors) console.error(`${COMMAND}: ${file}: ${error}`);
process.stdout.write(parsed.values.json ? `${JSON.stringify(report, null, 2)}\n` : renderText(report));
