// Imported first by cli.ts, so that this runs before the command's other modules load: the
// reading thread starts loading the contract's validators (about half a second, Ajv's set-up
// included) on the other core while this thread loads its own modules. It waits for its setup
// (reader.ts); a run that needs no input (--help, --version, a usage error) leaves it unused,
// and it never keeps the process alive on its own.
import { Worker } from 'node:worker_threads';

const needsNoInput = process.argv.slice(2).some((arg) => arg === '--help' || arg === '-h' || arg === '--version');

let prestarted: Worker | undefined;
let prestartError: Error | undefined;
if (!needsNoInput) {
  // Standard input is handed over only when it is the input (reader.ts ends it otherwise).
  prestarted = new Worker(new URL('./reader-worker.js', import.meta.url), { stdin: true, argv: process.argv.slice(2) });
  prestarted.unref();
  // Until reader.ts adopts it: an error is kept for it, never an uncaught one.
  prestarted.on('error', (error) => (prestartError ??= error));
}

/**
 * The thread started early and what went wrong with it so far, for the first reader only: it
 * reads one input, so any later reader (a second in one process) starts a thread of its own.
 */
export function adoptPrestarted(): { worker: Worker | undefined; error: Error | undefined } {
  const adopted = { worker: prestarted, error: prestartError };
  prestarted = undefined;
  prestartError = undefined;
  return adopted;
}
