// The reading thread (see reader.ts): reads the input, checks each profile against the contract
// and encodes it as its item of `data`, and posts the records in groups, in input order, in the
// order the command settles them: an unreadable line at once, profiles once their group of 256
// is checked.
import { readSync } from 'node:fs';
import { parentPort } from 'node:worker_threads';
import { createBatchEncoder } from '@altcraft-api/contract';
import { parseCommandLine } from './args.js';
import { countKeys, isCanonicalJson } from './canonical.js';
import { ProfileChecker, describeViolations } from './check.js';
import { readRecords } from './input.js';
import type { Group, Note, ReaderSetup } from './reader.js';
import { isSettledIn, wasInFlightIn } from './report.js';

const port = parentPort!;

/**
 * While the command sets up, the validators its requests will need are compiled, from its own
 * command line (prestart.ts passes it): the first check then finds them ready. Best effort: the
 * setup that follows is what counts, and a command line that does not parse is the command's
 * to report.
 */
function prewarm(): void {
  try {
    const parsed = parseCommandLine(process.argv.slice(2));
    if (!('options' in parsed)) return;
    const { workflowId, matching } = parsed.options;
    const field = 'field_name' in matching ? { [matching.field_name]: 'prewarm' } : {};
    new ProfileChecker({ workflow_id: workflowId, ...matching }).check([{ line: 1, profile: { email: 'prewarm@example.com', ...field } }]);
  } catch {
    // Nothing compiled ahead; the first check compiles.
  }
}

// The modules above load as soon as the thread starts (prestart.ts); the setup comes once the
// command line and the report are read.
const setupArrived = new Promise<ReaderSetup>((resolve) => port.once('message', resolve));
prewarm();
const setup = await setupArrived;
// An item does not depend on the request fields: only on the format.
const encoder = createBatchEncoder(setup.format, {});
const checker = new ProfileChecker(setup.common);

// How far ahead of the sender the reader may be, in encoded bytes: enough for the next bodies
// (up to 10 MiB each) to be ready when the sender asks, and no more, whatever the input's size.
const AHEAD_BYTES = 24 << 20;
let ahead = 0;
let wake: (() => void) | undefined;
port.on('message', (consumed: number) => {
  ahead -= consumed;
  wake?.();
});

/** The records of the group being filled. */
let lines: number[] = [];
// Each item's text; for an NDJSON line written as JSON.stringify writes, the line itself, which
// `wrapped` marks: its item is `{"data":LINE}`.
let items: string[] = [];
let wrapped: boolean[] = [];
let ends: number[] = [];
let notes: Note[] = [];
let bytes = 0;
let requestWarningsSent = false;

const WRAP_HEAD = '{"data":';
const WRAP_TAIL = '}';

function record(line: number, item?: string, note?: Omit<Note, 'at'>, wrap = false): void {
  if (note) notes.push({ at: lines.length, ...note });
  lines.push(line);
  if (item !== undefined) {
    items.push(item);
    wrapped.push(wrap);
    bytes += Buffer.byteLength(item) + (wrap ? WRAP_HEAD.length + WRAP_TAIL.length : 0);
  }
  ends.push(bytes);
}

async function post(end: Pick<Group, 'fatal' | 'error' | 'done'> = {}): Promise<void> {
  // Written item by item into a buffer of its own (transferred whole): joining the items first
  // and encoding the joined text measured several times slower.
  const owned = new Uint8Array(bytes);
  const data = Buffer.from(owned.buffer, 0, bytes);
  let at = 0;
  for (let i = 0; i < items.length; i++) {
    if (!wrapped[i]) {
      at += data.write(items[i]!, at, 'utf8');
      continue;
    }
    at += data.write(WRAP_HEAD, at, 'latin1');
    at += data.write(items[i]!, at, 'utf8');
    at += data.write(WRAP_TAIL, at, 'latin1');
  }
  if (at !== bytes) throw new Error(`the input reader measured ${bytes} bytes and wrote ${at}`);
  const group: Group = { lines: Int32Array.from(lines), ends: Uint32Array.from(ends), data: owned, notes, ...end };
  if (!requestWarningsSent && checker.requestWarnings.length > 0) {
    group.requestWarnings = describeViolations(checker.requestWarnings);
    requestWarningsSent = true;
  }
  lines = [];
  items = [];
  wrapped = [];
  ends = [];
  notes = [];
  bytes = 0;
  ahead += owned.length;
  port.postMessage(group, [owned.buffer as ArrayBuffer, group.lines.buffer as ArrayBuffer, group.ends.buffer as ArrayBuffer]);
  if (end.done || end.fatal || end.error) return;
  while (ahead >= AHEAD_BYTES) await new Promise<void>((resolve) => (wake = resolve));
}

class Fatal extends Error {}

let unchecked: { line: number; profile: Record<string, unknown>; text?: string }[] = [];
// The items are JSON: a line written as JSON.stringify writes is its own profile's serialisation.
const json = setup.format === 'json' && (encoder.item({}) === `${WRAP_HEAD}{}${WRAP_TAIL}`);

/** Checks the profiles read so far and records them: sent, or refused with the reason. */
function check(): void {
  const batch = unchecked;
  unchecked = [];
  const checked = checker.check(batch);
  for (let n = 0; n < checked.length; n++) {
    const { line, profile, violations, warnings } = checked[n]!;
    if (checker.requestViolations.length > 0) {
      throw new Fatal(`the request fields break the contract, so every request would be refused: ${describeViolations(checker.requestViolations)}`);
    }
    if (setup.strict && checker.requestWarnings.length > 0) {
      throw new Fatal(`with --strict, the request fields' warnings fail every line: ${describeViolations(checker.requestWarnings)}`);
    }
    const note: Omit<Note, 'at'> = {};
    if (warnings.length > 0) note.warnings = { count: warnings.length, text: describeViolations(warnings) };
    const refused = setup.strict ? [...violations, ...warnings] : violations;
    if (refused.length > 0) {
      note.refused = { message: `${violations.length > 0 ? 'breaks the contract' : 'warnings with --strict'}, not sent: ${describeViolations(refused)}`, pointer: refused[0]!.pointer };
      record(line, undefined, note);
      continue;
    }
    const text = batch[n]!.text;
    if (json && text !== undefined && isCanonicalJson(text, countKeys(profile))) {
      record(line, text, note.warnings ? note : undefined, true);
      continue;
    }
    let item: string;
    try {
      item = encoder.item(profile);
    } catch (error) {
      record(line, undefined, { ...note, unsendable: `cannot be serialised: ${(error as Error).message}` });
      continue;
    }
    record(line, item, note.warnings ? note : undefined);
  }
}

/**
 * The file's bytes, 64 kB at a time, by blocking reads: this thread has nothing else to do
 * meanwhile, and a stream's machinery measured as costly as the reads. 64 kB, as a stream
 * reads: decoding much larger pieces to text measured several times slower.
 */
async function* chunks(fd: number): AsyncGenerator<Buffer> {
  for (let position = 0; ; ) {
    // A fresh buffer each time: the lines of a CSV record are kept as views of it.
    const buffer = Buffer.allocUnsafeSlow(1 << 16);
    const read = readSync(fd, buffer, 0, buffer.length, position);
    if (read === 0) return;
    position += read;
    yield buffer.subarray(0, read);
  }
}

async function read(): Promise<void> {
  const source = setup.fd === undefined ? process.stdin : chunks(setup.fd);
  const resume = setup.resume;
  const skip = resume ? (line: number) => isSettledIn(resume, line) : undefined;
  for await (const input of readRecords(source, setup.inputFormat, { skip, stringColumns: new Set(setup.stringColumns) })) {
    if ('error' in input) {
      record(input.line, undefined, { unreadable: input.error, ...(input.pointer === undefined ? {} : { pointer: input.pointer }) });
      continue;
    }
    if (!setup.retryAmbiguous && resume && wasInFlightIn(resume, input.line)) {
      record(input.line, undefined, { interrupted: true });
      continue;
    }
    unchecked.push(input);
    if (unchecked.length >= 256) {
      check();
      // Fewer, larger messages: each costs about as much as a few hundred profiles' checks.
      if (lines.length >= 4096) await post();
    }
  }
  check();
}

try {
  await read();
  await post({ done: true });
} catch (error) {
  if (error instanceof Fatal) await post({ fatal: error.message });
  else await post({ error: { message: (error as Error).message, ...((error as NodeJS.ErrnoException).code ? { code: (error as NodeJS.ErrnoException).code } : {}) } });
}
port.unref();
