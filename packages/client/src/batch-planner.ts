import { createBatchEncoder, requestXml, type BatchEncoder, type BatchFormat } from '@altcraft-api/contract';

type Profile = Record<string, unknown>;

/** A request body ready to send, and which input profiles it carries, in body order. */
export interface PlannedBatch {
  kind: 'batch';
  indexes: number[];
  /** The exact bytes that were measured against the limit, and are sent. */
  body: Uint8Array;
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
}

interface Pending {
  index: number;
  profile: Profile;
  /** The profile's item, once serialised on its own; reused, never serialised again. */
  text?: string;
  bytes?: number;
}

// Profiles measured one by one before the first JSON body, to size it.
const SAMPLE = 64;
// Room kept under the limit when sizing a batch from the average profile, so few bodies
// overflow and need their last profiles moved to the next batch.
const HEADROOM = 1.02;

const byteLength = (text: string) => Buffer.byteLength(text, 'utf8');

/** Joins parts of a body's items (each one or more items) with the separator. */
function joinItems(encoder: BatchEncoder, parts: string[]): string {
  return parts.filter((part) => part !== '').join(encoder.separator);
}

/**
 * Splits `input` into request bodies of at most `maxProfiles` profiles and `maxBodyBytes`
 * bytes (envelope included, exact UTF-8 bytes), reading the input only as batches are asked
 * for. JSON batches are sized from the average profile and stringified once per body; the few
 * profiles that do not fit are serialised alone and carried, serialised, to the next body. XML
 * profiles are encoded one by one (the codec has no faster whole-batch path). A profile that
 * cannot be sent (too large alone, not serialisable) comes out as `unsendable`.
 */
export async function* planBatches(input: Iterable<Profile> | AsyncIterable<Profile>, options: PlannerOptions): AsyncGenerator<PlannedBatch | Unsendable> {
  const encoder = createBatchEncoder(options.format, options.fields);
  const headBytes = byteLength(encoder.head);
  const tailBytes = byteLength(encoder.tail);
  const separatorBytes = byteLength(encoder.separator);
  const itemBudget = options.maxBodyBytes - headBytes - tailBytes;
  const isAsync = Symbol.asyncIterator in input;
  const iterator = (isAsync ? input[Symbol.asyncIterator]() : input[Symbol.iterator]()) as AsyncIterator<Profile> | Iterator<Profile>;
  const carry: Pending[] = [];
  let nextIndex = 0;
  let exhausted = false;
  let averageItemBytes: number | undefined;

  async function pull(): Promise<boolean> {
    while (!exhausted) {
      // A sync input is read without a microtask per profile.
      const step = isAsync ? await iterator.next() : (iterator as Iterator<Profile>).next();
      if (step.done) {
        exhausted = true;
        return false;
      }
      const index = nextIndex++;
      if (index < options.startIndex) continue;
      carry.push({ index, profile: step.value });
      return true;
    }
    return false;
  }

  /** Serialises one pending profile alone (once); undefined when it cannot be. */
  function measure(pending: Pending): string | undefined {
    if (pending.text === undefined) {
      if (typeof pending.profile !== 'object' || pending.profile === null || Array.isArray(pending.profile)) return 'a profile must be an object';
      try {
        pending.text = encoder.item(pending.profile);
      } catch (error) {
        return `cannot be serialised: ${(error as Error).message}`;
      }
      pending.bytes = byteLength(pending.text);
    }
    if (pending.bytes! > itemBudget) return `alone it makes a body of ${pending.bytes! + headBytes + tailBytes} bytes, over the ${options.maxBodyBytes}-byte limit`;
    return undefined;
  }

  // Bodies are encoded into one scratch buffer: encodeInto measures the exact bytes in the same
  // pass that writes them (and stops early for a body far too large); the body is then copied
  // out. Whether a body fits is the explicit check below, whatever the buffer's size.
  const scratch = Buffer.allocUnsafe(options.maxBodyBytes);
  const utf8 = new TextEncoder();
  function encode(text: string): { fits: boolean; bytes: number; body: Buffer } {
    const { read, written } = utf8.encodeInto(text, scratch);
    const bytes = read === text.length ? written : written + byteLength(text.slice(read));
    const fits = bytes <= options.maxBodyBytes;
    return { fits, bytes, body: fits ? Buffer.from(scratch.subarray(0, written)) : scratch };
  }

  /** Cuts `batch` at its first gap in input indexes (a profile that could not be sent): the rest goes back to the carry. */
  function keepContiguous(batch: Pending[]): void {
    const gap = batch.findIndex((pending, i) => pending.index !== batch[0]!.index + i);
    if (gap > 0) carry.unshift(...batch.splice(gap));
  }

  /** Serialises each pending profile alone; those that cannot be sent leave the carry. */
  function* measureAll(pending: Pending[]): Generator<Unsendable> {
    for (let i = 0; i < pending.length; ) {
      const problem = measure(pending[i]!);
      if (problem === undefined) i++;
      else yield { kind: 'unsendable', index: pending.splice(i, 1)[0]!.index, reason: problem };
    }
  }

  try {
    for (;;) {
      if (options.format === 'json' && averageItemBytes === undefined) {
        // Size the first body from a sample measured one by one (and kept, not re-serialised).
        while (carry.length < SAMPLE && (await pull()));
        yield* measureAll(carry);
        if (carry.length === 0) {
          if (exhausted) return;
          continue;
        }
        averageItemBytes = carry.reduce((sum, p) => sum + p.bytes!, 0) / carry.length;
      }
      const target =
        options.format === 'xml'
          ? options.maxProfiles
          : Math.max(1, Math.min(options.maxProfiles, Math.floor(itemBudget / (averageItemBytes! * HEADROOM + separatorBytes))));
      while (carry.length < target && (await pull()));
      if (carry.length === 0) return;
      const batch = carry.splice(0, target);
      // A batch is a contiguous range of input indexes (onSend reports it as first..first+count-1).
      keepContiguous(batch);
      let body: Buffer;
      if (options.format === 'xml') {
        // Encode each profile, keep as many as fit, carry the rest (already encoded).
        yield* measureAll(batch);
        keepContiguous(batch);
        let bytes = 0;
        let fits = 0;
        while (fits < batch.length && bytes + batch[fits]!.bytes! + (fits > 0 ? separatorBytes : 0) <= itemBudget) {
          bytes += batch[fits]!.bytes! + (fits > 0 ? separatorBytes : 0);
          fits++;
        }
        carry.unshift(...batch.splice(fits));
        if (batch.length === 0) continue;
        body = encode(encoder.head + joinItems(encoder, batch.map((p) => p.text!)) + encoder.tail).body;
      } else {
        // One stringify for the profiles not yet serialised (those carried over from the last
        // body were, and come first), then trim to the limit.
        const measured = batch.filter((p) => p.text !== undefined);
        let text: string;
        try {
          const profiles = batch.slice(measured.length).map((p) => p.profile);
          text =
            measured.length === 0
              ? encoder.body(profiles)
              : encoder.head + joinItems(encoder, [...measured.map((p) => p.text!), encoder.items(profiles)]) + encoder.tail;
        } catch {
          // Something in this batch cannot be serialised: find it, carry the rest measured.
          yield* measureAll(batch);
          carry.unshift(...batch);
          continue;
        }
        let encoded = encode(text);
        if (!encoded.fits) {
          let { bytes } = encoded;
          let droppedChars = 0;
          while (bytes > options.maxBodyBytes && batch.length > 1) {
            const last = batch.pop()!;
            measure(last);
            bytes -= last.bytes! + separatorBytes;
            droppedChars += last.text!.length + encoder.separator.length;
            carry.unshift(last);
          }
          if (bytes > options.maxBodyBytes) {
            // The first profile alone is too large.
            yield { kind: 'unsendable', index: batch[0]!.index, reason: measure(batch[0]!) ?? 'too large' };
            continue;
          }
          encoded = encode(text.slice(0, text.length - encoder.tail.length - droppedChars) + encoder.tail);
        }
        body = encoded.body;
      }
      averageItemBytes = (body.length - headBytes - tailBytes - separatorBytes * (batch.length - 1)) / batch.length;
      yield { kind: 'batch', indexes: batch.map((p) => p.index), body };
    }
  } finally {
    await iterator.return?.();
  }
}

/**
 * A body cut into parts, each a body of its own: `cuts` are the positions (in the body's `data`)
 * where parts 2.. start, ascending. Used when a refused batch is split to isolate the bad
 * profiles. The profiles are read back from the body with the body's own format: batches do
 * not keep them, so memory holds bytes only, once.
 */
export function splitBody(format: BatchFormat, fields: Record<string, unknown>, body: Uint8Array, cuts: number[]): Uint8Array[] {
  const text = Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
  const { data } = (format === 'xml' ? requestXml.decode(text) : JSON.parse(text)) as { data: { data: Profile }[] };
  const profiles = data.map((item) => item.data);
  const encoder = createBatchEncoder(format, fields);
  const starts = [0, ...cuts];
  return starts.map((start, n) => Buffer.from(encoder.body(profiles.slice(start, starts[n + 1] ?? profiles.length))));
}
