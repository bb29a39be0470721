import { createBatchEncoder, requestXml, type BatchEncoder, type BatchFormat } from '@altcraft-api/contract';

type Profile = Record<string, unknown>;

/**
 * A request body with its exact size in UTF-8 bytes (what goes on the wire): text, or the UTF-8
 * bytes themselves when the profiles came encoded (see `encoded` in PlannerOptions).
 */
export interface Body {
  text: string | Uint8Array;
  bytes: number;
}

/** A request body ready to send: input profiles `first`..`first + count - 1`, in body order. */
export interface PlannedBatch {
  kind: 'batch';
  first: number;
  count: number;
  /** The exact body that was checked against the byte limit, and is sent. */
  body: Body;
}

/** A profile that cannot be sent at all (too large alone, or not serialisable); never sent. */
export interface Unsendable {
  kind: 'unsendable';
  index: number;
  reason: string;
}

export interface PlannerOptions {
  format: BatchFormat;
  /** Every request field but `data` (token included, with body auth). */
  fields: Record<string, unknown>;
  maxProfiles: number;
  maxBodyBytes: number;
  /** Input profiles before this index are skipped (a checkpoint to resume from). */
  startIndex: number;
  /**
   * The input holds each profile already encoded, as the UTF-8 bytes of its item in `format`
   * (what the encoder's `item` gives), or an array of such items, consecutive (one step of an
   * async input for many profiles): the bodies are these bytes joined, checked against the
   * limits, never serialised again.
   */
  encoded?: boolean;
}

interface Pending {
  index: number;
  profile: Profile;
  /** The profile's item, once serialised on its own; reused, never serialised again. */
  text?: string;
  /** The item as UTF-8 bytes, when the input came encoded. */
  encoded?: Uint8Array;
  bytes?: number;
}

// The bodies are kept as strings and sent as strings: the HTTP client writes a string to the
// socket in one UTF-8 pass, while bytes handed to fetch are copied first. Buffer.byteLength
// counts exactly the bytes that pass writes (JSON.stringify never leaves a lone surrogate).
const byteLength = (text: string) => Buffer.byteLength(text, 'utf8');

/** What every encoding shares: the body's envelope and the one byte check. */
class Envelope {
  readonly headBytes: number;
  readonly tailBytes: number;
  readonly separatorBytes: number;
  /** Bytes left for the items of a body. */
  readonly itemBudget: number;
  /** The envelope's parts as bytes, for bodies of encoded items. */
  readonly encoded: { headBytes: Uint8Array; separatorBytes: Uint8Array; tailBytes: Uint8Array };
  constructor(
    readonly encoder: BatchEncoder,
    readonly maxBodyBytes: number,
  ) {
    this.headBytes = byteLength(encoder.head);
    this.tailBytes = byteLength(encoder.tail);
    this.separatorBytes = byteLength(encoder.separator);
    this.itemBudget = maxBodyBytes - this.headBytes - this.tailBytes;
    this.encoded = { headBytes: Buffer.from(encoder.head), separatorBytes: Buffer.from(encoder.separator), tailBytes: Buffer.from(encoder.tail) };
  }

  /** The byte limit, checked on the exact bytes of every body before it leaves the planner. */
  checked(text: string | Uint8Array, bytes = typeof text === 'string' ? byteLength(text) : text.length): Body {
    if (bytes > this.maxBodyBytes) throw new Error(`batch planner: a body of ${bytes} bytes is over the ${this.maxBodyBytes}-byte limit`);
    return { text, bytes };
  }

  /** Serialises one pending profile alone (once); the reason it cannot be sent, or undefined. */
  measure(pending: Pending): string | undefined {
    if (pending.text === undefined && pending.encoded === undefined) {
      const { profile } = pending;
      if (typeof profile !== 'object' || profile === null || Array.isArray(profile)) return 'a profile must be an object';
      try {
        pending.text = this.encoder.item(profile);
      } catch (error) {
        return `cannot be serialised: ${(error as Error).message}`;
      }
      pending.bytes = byteLength(pending.text);
    }
    if (pending.bytes! > this.itemBudget) return `alone it makes a body of ${pending.bytes! + this.headBytes + this.tailBytes} bytes, over the ${this.maxBodyBytes}-byte limit`;
    return undefined;
  }
}

/**
 * How one encoding fills a body. `want` is how many profiles to offer next; `fill` gets them
 * (a contiguous range, in order) and returns the body of the first `count` of them, or
 * `count: 0` when the first profile turned out unsendable (reported through `unsendable`).
 * The profiles it does not take are offered again, first, with whatever it measured of them.
 */
interface Strategy {
  want(): number;
  fill(batch: Pending[], unsendable: (pending: Pending, reason: string) => void): { count: number; body?: Body };
}

/**
 * The body of the first profiles of `batch`, each serialised alone, as many as fit (up to the
 * first that cannot be sent; when that is the first, it is reported).
 */
function fitMeasured(envelope: Envelope, batch: Pending[], unsendable: (pending: Pending, reason: string) => void): { count: number; body?: Body } {
  const { encoder, separatorBytes, itemBudget } = envelope;
  let bytes = 0;
  let count = 0;
  for (; count < batch.length; count++) {
    const pending = batch[count]!;
    const problem = envelope.measure(pending);
    if (problem !== undefined) {
      if (count === 0) unsendable(pending, problem);
      break;
    }
    const grown = bytes + pending.bytes! + (count > 0 ? separatorBytes : 0);
    if (grown > itemBudget) break;
    bytes = grown;
  }
  if (count === 0) return { count };
  const size = bytes + envelope.headBytes + envelope.tailBytes;
  if (batch[0]!.encoded !== undefined) {
    // Encoded input: the body is the items' bytes copied once into place.
    const { headBytes, separatorBytes: separator, tailBytes } = envelope.encoded;
    const body = Buffer.allocUnsafe(size);
    body.set(headBytes, 0);
    let at = headBytes.length;
    for (let i = 0; i < count; i++) {
      if (i > 0) {
        body.set(separator, at);
        at += separator.length;
      }
      const item = batch[i]!.encoded!;
      body.set(item, at);
      at += item.length;
    }
    body.set(tailBytes, at);
    at += tailBytes.length;
    if (at !== size) throw new Error(`batch planner: a body of ${at} bytes was measured as ${size}`);
    return { count, body: envelope.checked(body, size) };
  }
  const items: string[] = new Array(count);
  for (let i = 0; i < count; i++) items[i] = batch[i]!.text!;
  return { count, body: envelope.checked(encoder.head + items.join(encoder.separator) + encoder.tail, size) };
}

/**
 * XML, and encoded input: each profile is encoded alone (the XML codec has no faster
 * whole-batch path), then as many as fit are joined.
 */
function measuredStrategy(envelope: Envelope, maxProfiles: number): Strategy {
  return { want: () => maxProfiles, fill: (batch, unsendable) => fitMeasured(envelope, batch, unsendable) };
}

// Profiles measured one by one before the first JSON body, to size it.
const SAMPLE = 64;
// Room kept under the limit when sizing a batch from the average profile, so few bodies
// overflow and need their last profiles moved to the next batch.
const HEADROOM = 1.02;

/**
 * One JSON body of `batch`: the profiles carried from the last body were serialised alone and
 * come first; one stringify for the rest. Undefined when a profile is not an object or cannot be
 * serialised. `profiles` is scratch space, reused from body to body.
 */
function stringifyBatch(encoder: Envelope['encoder'], batch: Pending[], profiles: Profile[]): string | undefined {
  let measured = 0;
  while (measured < batch.length && batch[measured]!.text !== undefined) measured++;
  profiles.length = 0;
  for (let i = measured; i < batch.length; i++) {
    const { profile } = batch[i]!;
    if (typeof profile !== 'object' || profile === null || Array.isArray(profile)) return undefined;
    profiles.push(profile);
  }
  try {
    if (measured === 0) return encoder.body(profiles);
    const parts: string[] = [];
    for (let i = 0; i < measured; i++) parts.push(batch[i]!.text!);
    if (profiles.length > 0) parts.push(encoder.items(profiles));
    return encoder.head + parts.join(encoder.separator) + encoder.tail;
  } catch {
    return undefined;
  } finally {
    profiles.length = 0;
  }
}

/**
 * JSON: sized from the average profile so far and stringified once per body; a body over the
 * limit gives back its last profiles (serialised alone, carried serialised to the next body).
 */
function jsonStrategy(envelope: Envelope, maxProfiles: number): Strategy {
  const { encoder, separatorBytes, itemBudget, headBytes, tailBytes, maxBodyBytes } = envelope;
  let averageItemBytes: number | undefined;
  const profiles: Profile[] = [];

  /** The first profiles, measured one by one (kept, not serialised again): the average, or the first unsendable. */
  function sample(batch: Pending[], unsendable: (pending: Pending, reason: string) => void): void {
    let sum = 0;
    const n = Math.min(batch.length, SAMPLE);
    for (let i = 0; i < n; i++) {
      const problem = envelope.measure(batch[i]!);
      if (problem !== undefined) {
        if (i === 0) unsendable(batch[0]!, problem);
        // Sized on the profiles before it; the next body ends before it.
        if (i > 0) averageItemBytes = sum / i;
        return;
      }
      sum += batch[i]!.bytes!;
    }
    averageItemBytes = sum / n;
  }

  return {
    want: () =>
      averageItemBytes === undefined
        ? SAMPLE
        : Math.max(1, Math.min(maxProfiles, Math.floor(itemBudget / (averageItemBytes * HEADROOM + separatorBytes)))),
    fill(batch, unsendable) {
      if (averageItemBytes === undefined) {
        // The first body: sized from a sample measured one by one, then offered again.
        sample(batch, unsendable);
        return { count: 0 };
      }
      let text = stringifyBatch(envelope.encoder, batch, profiles);
      // Not an object, or not serialisable: the profiles before it go alone, and it is reported when it comes first.
      if (text === undefined) return fitMeasured(envelope, batch, unsendable);
      let bytes = byteLength(text);
      let count = batch.length;
      if (bytes > maxBodyBytes) {
        let droppedChars = 0;
        while (bytes > maxBodyBytes && count > 1) {
          const last = batch[--count]!;
          // Serialisable within the batch, so alone too (too large alone is found when it comes first).
          envelope.measure(last);
          bytes -= last.bytes! + separatorBytes;
          droppedChars += last.text!.length + encoder.separator.length;
        }
        if (bytes > maxBodyBytes) {
          // The first profile alone is too large.
          unsendable(batch[0]!, envelope.measure(batch[0]!) ?? 'too large');
          return { count: 0 };
        }
        text = text.slice(0, text.length - encoder.tail.length - droppedChars) + encoder.tail;
      }
      averageItemBytes = (bytes - headBytes - tailBytes - separatorBytes * (count - 1)) / count;
      return { count, body: envelope.checked(text, bytes) };
    },
  };
}

function strategyFor(envelope: Envelope, options: PlannerOptions): Strategy {
  return options.format === 'xml' || options.encoded ? measuredStrategy(envelope, options.maxProfiles) : jsonStrategy(envelope, options.maxProfiles);
}

/**
 * Splits `input` into request bodies of at most `maxProfiles` profiles and `maxBodyBytes`
 * bytes (envelope included, exact UTF-8 bytes), reading the input only as batches are asked
 * for. Each body is a contiguous range of input indexes; a profile that cannot be sent (too
 * large alone, not serialisable) comes out as `unsendable` and cuts the range.
 */
export async function* planBatches(input: Iterable<Profile | Uint8Array | Uint8Array[]> | AsyncIterable<Profile | Uint8Array | Uint8Array[]>, options: PlannerOptions): AsyncGenerator<PlannedBatch | Unsendable> {
  const envelope = new Envelope(createBatchEncoder(options.format, options.fields), options.maxBodyBytes);
  const strategy = strategyFor(envelope, options);
  const isAsync = Symbol.asyncIterator in input;
  const iterator = (isAsync ? input[Symbol.asyncIterator]() : input[Symbol.iterator]()) as AsyncIterator<Profile | Uint8Array | Uint8Array[]> | Iterator<Profile | Uint8Array | Uint8Array[]>;
  // Read but not yet in a body, in input order, always contiguous (an unsendable one leaves it at its head).
  let carry: Pending[] = [];
  let nextIndex = 0;
  let exhausted = false;

  async function fillCarry(wanted: number): Promise<void> {
    while (!exhausted && carry.length < wanted) {
      // A sync input is read without a microtask per profile.
      const step = isAsync ? await iterator.next() : (iterator as Iterator<Profile | Uint8Array | Uint8Array[]>).next();
      if (step.done) {
        exhausted = true;
        return;
      }
      const value = step.value;
      if (options.encoded && Array.isArray(value)) {
        for (const item of value as unknown[]) takeEncoded(item);
        continue;
      }
      const index = nextIndex++;
      if (index < options.startIndex) continue;
      // The carry stays contiguous: an unsendable profile ends a body before it is in one.
      if (options.encoded) takeEncoded(value, index);
      else carry.push({ index, profile: value as Profile });
    }
  }

  function takeEncoded(value: unknown, index = nextIndex++): void {
    if (index < options.startIndex) return;
    if (value instanceof Uint8Array) carry.push({ index, profile: undefined as never, encoded: value, bytes: value.length });
    // Not bytes: reported as unsendable when it comes first (no profile to serialise).
    else carry.push({ index, profile: undefined as never });
  }

  try {
    for (;;) {
      const wanted = strategy.want();
      await fillCarry(wanted);
      if (carry.length === 0) return;
      const batch = carry.length <= wanted ? carry : carry.slice(0, wanted);
      const rest = carry.length <= wanted ? [] : carry.slice(wanted);
      const dropped: Unsendable[] = [];
      const { count, body } = strategy.fill(batch, (pending, reason) => dropped.push({ kind: 'unsendable', index: pending.index, reason }));
      if (dropped.length > 0) {
        carry = batch.slice(1).concat(rest);
        yield dropped[0]!;
        continue;
      }
      if (count <= 0 || body === undefined) {
        // Planned again with what was measured (the first sample, or up to a bad profile).
        carry = batch.concat(rest);
        continue;
      }
      carry = count === batch.length ? rest : batch.slice(count).concat(rest);
      yield { kind: 'batch', first: batch[0]!.index, count, body };
    }
  } finally {
    await iterator.return?.();
  }
}

/**
 * A body cut into parts, each a body of its own: `cuts` are the positions (in the body's `data`)
 * where parts 2.. start, ascending. Used when a refused batch is split to isolate the bad
 * profiles. The profiles are read back from the body with the body's own format: batches do
 * not keep them, so memory holds each body once.
 */
export function splitBody(format: BatchFormat, fields: Record<string, unknown>, body: Body, cuts: number[]): Body[] {
  const text = typeof body.text === 'string' ? body.text : Buffer.from(body.text.buffer, body.text.byteOffset, body.text.length).toString('utf8');
  const { data } = (format === 'xml' ? requestXml.decode(text) : JSON.parse(text)) as { data: { data: Profile }[] };
  const profiles = data.map((item) => item.data);
  const encoder = createBatchEncoder(format, fields);
  const starts = [0, ...cuts];
  return starts.map((start, n) => {
    const text = encoder.body(profiles.slice(start, starts[n + 1] ?? profiles.length));
    return { text, bytes: byteLength(text) };
  });
}
