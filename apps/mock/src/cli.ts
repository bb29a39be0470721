#!/usr/bin/env node
// `altcraft-mock` (`pnpm mock` here, `npx @altcraft-api/mock` elsewhere) and `pnpm mock:proxy
// --upstream URL`: runs the mock (or the validating proxy) until interrupted.
import { parseOptionsOrExit } from '@altcraft-api/contract/cli-args';
import { startProxy, upstreamProblem } from './proxy.js';
import { HEALTH_PATH, startMock, strictFromEnvironment } from './server.js';
import { DEFAULT_LIMITS, type ResourceLimits } from './http.js';
import { FAULTS_SYNTAX, FaultSpecError, MAX_TIMER_MS, parseFaults, type FaultRule } from './faults.js';
import { taskStoreFromFlags, TASK_USAGE } from './task-flags.js';
import { shareTasksWithParent } from './tasks.js';
import { stopWithLaunchers } from './lifetime.js';
import { DEFAULT_STORE_LIMITS } from './record/store.js';
import { loadReplay, type Replay } from './replay.js';
import { DEFAULT_JOURNAL_SIZE } from './journal.js';

const USAGE = `usage: altcraft-mock [--port N] [--host H] [--strict] [--faults SPEC [--seed N]] [--journal-size N] [TASKS] [LIMITS]   serve the mock
       altcraft-mock --proxy --upstream URL [--port N] [--host H] [--journal [--journal-size N]] [RECORD] [LIMITS]   validate traffic to URL against the contract

The port defaults to $MOCK_PORT, then 4010; the host to $MOCK_HOST, then 127.0.0.1 (0.0.0.0 to
serve other machines or containers). GET ${HEALTH_PATH} answers 200 with the contract's version once
the mock is ready (503 before).
--faults SPEC (or MOCK_FAULTS) injects failures into the operations' answers, and --seed N (or
MOCK_SEED; default 1) makes them reproducible: the same requests get the same faults. SPEC is
${FAULTS_SYNTAX.replace(/\n/g, '\n  ')}
--strict (or MOCK_STRICT=1) refuses bodies with warnings (the contract's advice) with a 400, as
violations are; by default they are accepted and listed in X-Altcraft-Mock-Warnings.
--replay DIR answers each request that matches a case recorded in DIR with the recorded answer,
and every other as the mock does; X-Altcraft-Mock-Source says which (replay or mock).
RECORD (proxy only; report with \`pnpm contract:report DIR\`):
  --record DIR            write each exchange as a case file in DIR, token removed, profile values
                          as placeholders of the same type and form
  --record-values         keep profile values (for a team's own test data); the token still goes
  --record-max-files N    case files kept, the oldest dropped first (default ${DEFAULT_STORE_LIMITS.maxFiles})
  --record-max-bytes N    bytes of case files kept, the oldest dropped first (default ${DEFAULT_STORE_LIMITS.maxBytes})
${TASK_USAGE}
--journal-size N keeps the last N requests (default ${DEFAULT_JOURNAL_SIZE}; 0 turns the journal off) for
GET /__mock/requests and GET /__mock/profiles?workflow_id=ID (DELETE /__mock/requests clears
it; GET /__mock/openapi.json describes them). Tokens are never kept. The proxy keeps no journal
unless --journal is given.
LIMITS (what one client can hold; beyond a cap the answer is 503 with Retry-After):
  --max-connections N     connections open at once (default ${DEFAULT_LIMITS.maxConnections})
  --max-uploads N         request bodies read at once, up to 10 MiB each (default ${DEFAULT_LIMITS.maxUploads})
  --request-timeout MS    time to receive a whole request; an answer the client takes no byte
                          of for as long is cut
                          (default ${DEFAULT_LIMITS.requestTimeoutMs})
  --headers-timeout MS    time to receive the request headers (default ${DEFAULT_LIMITS.headersTimeoutMs})`;

const { values } = parseOptionsOrExit('altcraft-mock', {
  options: {
    port: { type: 'string' },
    host: { type: 'string' },
    faults: { type: 'string' },
    seed: { type: 'string' },
    proxy: { type: 'boolean', default: false },
    strict: { type: 'boolean', default: false },
    upstream: { type: 'string' },
    record: { type: 'string' },
    'record-values': { type: 'boolean', default: false },
    'record-max-files': { type: 'string' },
    'record-max-bytes': { type: 'string' },
    replay: { type: 'string' },
    journal: { type: 'boolean', default: false },
    'journal-size': { type: 'string' },
    'max-connections': { type: 'string' },
    'max-uploads': { type: 'string' },
    'request-timeout': { type: 'string' },
    'headers-timeout': { type: 'string' },
    'task-duration': { type: 'string' },
    'task-ttl': { type: 'string' },
    'task-limit': { type: 'string' },
    'task-profile-limit': { type: 'string' },
    'task-max-bytes': { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const port = Number(values.port ?? process.env.MOCK_PORT ?? 4010);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`altcraft-mock: invalid port "${values.port ?? process.env.MOCK_PORT}"\n${USAGE}`);
  process.exit(2);
}
if ((values.proxy || values.upstream) && !values.upstream) {
  console.error(`altcraft-mock: --proxy needs --upstream URL\n${USAGE}`);
  process.exit(2);
}
const upstreamError = values.upstream === undefined ? undefined : upstreamProblem(values.upstream);
if (upstreamError) {
  console.error(`altcraft-mock: ${upstreamError}\n${USAGE}`);
  process.exit(2);
}

function positive(flag: 'max-connections' | 'max-uploads' | 'request-timeout' | 'headers-timeout' | 'record-max-files' | 'record-max-bytes', max = Number.MAX_SAFE_INTEGER): number | undefined {
  const text = values[flag];
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) {
    console.error(`altcraft-mock: --${flag} must be a positive integer, not "${text}"\n${USAGE}`);
    process.exit(2);
  }
  if (value > max) {
    console.error(`altcraft-mock: --${flag} ${text} is more than the limit of ${max}\n${USAGE}`);
    process.exit(2);
  }
  return value;
}
const limits: ResourceLimits = {
  maxConnections: positive('max-connections'),
  maxUploads: positive('max-uploads'),
  // Node keeps these in ms; the mock honours no more than its longest timer.
  requestTimeoutMs: positive('request-timeout', MAX_TIMER_MS),
  headersTimeoutMs: positive('headers-timeout', MAX_TIMER_MS),
};

const journalText = values['journal-size'];
const journalSize = journalText === undefined ? undefined : Number(journalText);
if (journalSize !== undefined && !(Number.isSafeInteger(journalSize) && journalSize >= 0 && /^\d+$/.test(journalText!))) {
  console.error(`altcraft-mock: --journal-size must be an integer of 0 or more, not "${journalText}"\n${USAGE}`);
  process.exit(2);
}

const host = values.host ?? process.env.MOCK_HOST ?? '127.0.0.1';
const faultSpec = values.faults ?? process.env.MOCK_FAULTS ?? '';
let rules: FaultRule[] = [];
try {
  rules = parseFaults(faultSpec);
} catch (error) {
  if (!(error instanceof FaultSpecError)) throw error;
  console.error(`altcraft-mock: --faults ${error.message}\n${USAGE}`);
  process.exit(2);
}
const seedText = values.seed ?? process.env.MOCK_SEED ?? '1';
const seed = Number(seedText);
if (!Number.isSafeInteger(seed)) {
  console.error(`altcraft-mock: --seed must be an integer, not "${seedText}"\n${USAGE}`);
  process.exit(2);
}
if (values.upstream && rules.length > 0) {
  console.error(`altcraft-mock: --faults applies to the mock, not to --proxy\n${USAGE}`);
  process.exit(2);
}

const recording = values.record === undefined ? undefined : { dir: values.record, values: values['record-values'], maxFiles: positive('record-max-files'), maxBytes: positive('record-max-bytes') };
if ((recording || values['record-values'] || values['record-max-files'] || values['record-max-bytes']) && !values.upstream) {
  console.error(`altcraft-mock: --record and its options apply to --proxy\n${USAGE}`);
  process.exit(2);
}
if (!recording && (values['record-values'] || values['record-max-files'] || values['record-max-bytes'])) {
  console.error(`altcraft-mock: --record-values, --record-max-files and --record-max-bytes need --record DIR\n${USAGE}`);
  process.exit(2);
}
// The mock always keeps its journal and the proxy only on --journal: either flag in the other
// mode would be silently ignored.
if (values.journal && !values.upstream) {
  console.error(`altcraft-mock: --journal applies to --proxy (the mock keeps its journal unless --journal-size 0)\n${USAGE}`);
  process.exit(2);
}
if (values.upstream && journalSize !== undefined && journalSize > 0 && !values.journal) {
  console.error(`altcraft-mock: --journal-size with --proxy needs --journal (the proxy keeps no journal unless asked)\n${USAGE}`);
  process.exit(2);
}
if (values.replay !== undefined && values.upstream) {
  console.error(`altcraft-mock: --replay applies to the mock, not to --proxy\n${USAGE}`);
  process.exit(2);
}
let replay: Replay | undefined;
try {
  replay = values.replay === undefined ? undefined : loadReplay(values.replay, (line) => console.error(line));
} catch (error) {
  console.error(`altcraft-mock: --replay ${values.replay}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  process.exit(2);
}

let tasks;
try {
  tasks = taskStoreFromFlags(values);
} catch (error) {
  if (!(error instanceof RangeError || error instanceof FaultSpecError)) throw error;
  console.error(`altcraft-mock: ${error.message}\n${USAGE}`);
  process.exit(2);
}
// Under pnpm dev (IPC), tasks outlive this process: the parent keeps them for the next one.
shareTasksWithParent(tasks);

const running = values.upstream
  ? await startProxy({ port, host, upstream: values.upstream, ...limits, ...(recording ? { record: recording } : {}), journalSize: values.journal ? (journalSize ?? DEFAULT_JOURNAL_SIZE) : 0 })
  : await startMock({ port, host, ...limits, strict: values.strict || strictFromEnvironment(), faults: { rules, seed }, tasks, journalSize, ...(replay ? { replay } : {}) });
// Before anything else is awaited: a signal during Prism's start must still stop Prism.
stopWithLaunchers((reason) => {
  if (!reason.startsWith('SIG')) console.error(`altcraft-mock: stopping: ${reason}`);
  void running.close().then(() => process.exit(0));
});
// Started by `pnpm dev` (over IPC): where it listens, before Prism is up.
process.send?.({ listening: running.url });
// ... and ends with it, even if it was killed without a chance to stop this one.
if (process.send) process.once('disconnect', () => void running.close().then(() => process.exit(0)));
await running.prismReady;
console.log(
  values.upstream
    ? `Altcraft proxy ready: ${running.baseUrl} -> ${values.upstream} (violations are reported here)${recording ? `; recording to ${recording.dir}${recording.values ? ' with profile values' : ''}` : ''}`
    : `Altcraft mock ready: ${running.baseUrl}/workflows/import_and_start_batch (and _task, tasks/status); health: ${running.url}${HEALTH_PATH}` +
        (rules.length > 0 ? `; faults: ${faultSpec} (seed ${seed})` : ''),
);

