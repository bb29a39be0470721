// `node cpu-of.mjs SCRIPT ARGS...` runs SCRIPT in this process as if started as `node SCRIPT
// ARGS...` and, when the process exits, writes its CPU time (user + system, every thread, ms)
// as JSON to file descriptor 3: a benchmark gets a child's CPU time without changing the child.
import { writeSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { cpuNow } from './measure.mjs';

process.argv.splice(1, 1);
process.on('exit', () => writeSync(3, JSON.stringify({ cpuMs: cpuNow() })));
await import(pathToFileURL(process.argv[1]).href);
