import { setTimeout as sleep } from 'node:timers/promises';
import { MAX_BODY_BYTES, MAX_PROFILES, type OperationId } from '@altcraft-api/contract';
import { planBatches, splitBody, type Body, type PlannedBatch, type Unsendable } from './batch-planner.js';
import { clientInternals, type AltcraftClient, type Format } from './client.js';
import { AltcraftApiError, AltcraftError, AltcraftNetworkError, AltcraftRedirectError } from './errors.js';
import { decide, splitBudget, type StopReason } from './policy.js';
import type { DistributiveOmit, ImportAndStartBatchRequest, ImportAndStartBatchResult, ImportAndStartBatchTaskResult, ProfileData } from './types.js';

/** Why a profile failed or is unknown: plain data, safe to log (no piece of the token is in it). */
export interface OutcomeError {
  /**
   * `api`: the platform refused the request; `item`: it refused this profile in its result;
   * `local`: never sent (cannot be); `redirect`: the server answered a 3xx, which is never
   * followed (`message` names the Location); `network`, `timeout`, `response`: the connection
   * failed, no answer came in time, or the answer was not what the contract allows; `aborted`.
   */
  kind: 'api' | 'item' | 'local' | 'redirect' | 'network' | 'timeout' | 'response' | 'aborted';
  message: string;
  status?: number;
  code?: number;
  debug?: string;
  /**
   * True when the platform certainly did not import the profile and sending it again may
   * succeed: never sent, token or tariff refused (401/402/403), a redirect, a request-level 400,
   * 429/5xx after the retries ran out. False when the platform refused the profile itself (a 400
   * naming it, a per-item error), when it cannot be sent (`local`), and for every `unknown`.
   */
  retryable: boolean;
}

export type ProfileOutcome =
  | { index: number; status: 'imported'; profileId: string }
  | { index: number; status: 'queued'; taskId: string }
  | { index: number; status: 'failed'; error: OutcomeError }
  | { index: number; status: 'unknown'; error: OutcomeError };

export interface ImportProgress {
  /** Profiles with an outcome so far. */
  settled: number;
  imported: number;
  queued: number;
  failed: number;
  unknown: number;
  requests: number;
  retries: number;
  bytesSent: number;
  elapsedMs: number;
  /** Every input index below this one is settled: pass it as `checkpoint` to resume. */
  checkpoint: number;
}

export interface ImportSummary extends ImportProgress {
  durationMs: number;
  /**
   * Set when the import ended before the input did: `aborted` (signal), `stopped` (stopSignal),
   * or a failure every batch would get: `refused` (401/402/403 or another 4xx for the request),
   * `redirect` (a 3xx), `unreachable` (no attempt of a batch could be sent: refused connection,
   * unknown host, TLS handshake failure), `invalid-request` (a 400 naming a request field, or no
   * profile). `error` says why; the profiles not yet sent have no outcome (resume from `checkpoint`).
   */
  stopped?: { reason: 'aborted' | 'stopped' | StopReason; error?: OutcomeError };
}

export interface RetryOptions {
  /** Attempts per request, the first included. Default 5. */
  maxAttempts?: number;
  /** First back-off delay; doubled each attempt, with jitter. Default 500 ms. */
  baseDelayMs?: number;
  /** Longest back-off delay, and longest `Retry-After` honoured. Default 30,000 ms. */
  maxDelayMs?: number;
}

/** Where the profiles come from: objects, or (for a caller that serialises them elsewhere, e.g. in a worker thread) their encoded items. */
type ProfileSource =
  | {
      /** The profiles (the inner `data` objects), read lazily. */
      profiles: Iterable<ProfileData> | AsyncIterable<ProfileData>;
      encodedProfiles?: never;
    }
  | {
      profiles?: never;
      /**
       * The profiles already encoded, read lazily: each the UTF-8 bytes of its item of `data` in
       * `format`, exactly what the contract's `createBatchEncoder(format, fields).item(profile)`
       * gives (JSON: `{"data":{...}}`), or an array of consecutive such items (fewer steps of an
       * async source). Sent as given: bodies are these bytes joined, within the limits;
       * everything else (outcomes, retries, splits, indexes) is as for `profiles`.
       */
      encodedProfiles: Iterable<Uint8Array | Uint8Array[]> | AsyncIterable<Uint8Array | Uint8Array[]>;
    };

interface SenderOptions {
  format?: Format;
  /** `sync` (default) answers a profile id per profile; `task` queues each batch as a task. */
  operation?: 'sync' | 'task';
  /** Requests in flight at once. Default 4. */
  concurrency?: number;
  /** Default and maximum 10,000. */
  maxProfilesPerRequest?: number;
  /** Default and maximum 10,485,760. */
  maxBodyBytes?: number;
  /** Stops at once: requests in flight are cancelled and their profiles are `unknown`. */
  signal?: AbortSignal;
  /** Stops gently: no new batch is sent, the ones in flight are settled, then it resolves. */
  stopSignal?: AbortSignal;
  retry?: RetryOptions;
  /**
   * Retry a request whose fate is unknown (timeout, connection lost after sending, unreadable
   * answer): the platform may import those profiles twice. Default false: they are `unknown`.
   */
  retryAmbiguous?: boolean;
  /**
   * Extra requests allowed per batch to isolate the profiles of a refused (400) batch. By default
   * enough to isolate 16 bad profiles by halving, 2·16·⌈log2(n)⌉ for a batch of n; a 400 whose
   * `error_debug` names the profiles (`/data/N/...`) cuts them out at once and costs far less.
   */
  maxSplitRequests?: number;
  /** Skip the input profiles below this index: a checkpoint of an earlier run. */
  checkpoint?: number;
  /**
   * Awaited before each request is sent, retries and split parts included: the request carries
   * the input profiles `first`..`first + count - 1` (a batch is always a contiguous range). If it
   * throws, that request is not sent and importProfiles rejects with the error once the requests
   * in flight are settled.
   */
  onSend?: (batch: { first: number; count: number }) => void | Promise<void>;
  /** Each profile's outcome, once; awaited, so a slow consumer slows the import down. */
  onOutcome?: (outcome: ProfileOutcome) => void | Promise<void>;
  onProgress?: (progress: ImportProgress) => void;
}

/** The request fields every batch shares (all but `data`), and how to send the batches. */
export type ImportProfilesOptions = DistributiveOmit<ImportAndStartBatchRequest, 'data' | 'format'> & SenderOptions & ProfileSource;

/** The lowest input index not yet settled, whatever order profiles settle in. */
class Watermark {
  private readonly ahead = new Set<number>();
  constructor(public value: number) {}
  settle(index: number): void {
    if (index !== this.value) {
      this.ahead.add(index);
      return;
    }
    this.value++;
    while (this.ahead.delete(this.value)) this.value++;
  }
}

function describe(error: unknown): Omit<OutcomeError, 'retryable'> {
  if (error instanceof AltcraftApiError) return { kind: 'api', message: error.message, status: error.status, code: error.code, debug: error.debug };
  if (error instanceof AltcraftRedirectError) return { kind: 'redirect', message: error.message, status: error.status };
  if (error instanceof AltcraftNetworkError) return { kind: 'network', message: error.message };
  if (error instanceof AltcraftError) return { kind: error.name === 'AltcraftTimeoutError' ? 'timeout' : 'response', message: error.message };
  return { kind: 'aborted', message: error instanceof Error ? error.message : String(error) };
}

function checkLimit(name: string, value: number, max: number): number {
  if (!Number.isInteger(value) || value < 1 || value > max) throw new RangeError(`importProfiles: ${name} must be an integer from 1 to ${max}, got ${value}`);
  return value;
}

/**
 * Sends any number of profiles in batches that respect the platform's limits, with bounded
 * concurrency, retries where they are safe, and one outcome per input profile. Resolves with
 * the summary (also when stopped by the signal or a refusal: see `stopped` and `checkpoint`).
 */
export async function importProfiles(client: AltcraftClient, options: ImportProfilesOptions): Promise<ImportSummary> {
  const {
    profiles,
    encodedProfiles,
    format = 'json',
    operation = 'sync',
    concurrency = 4,
    maxProfilesPerRequest = MAX_PROFILES,
    maxBodyBytes = MAX_BODY_BYTES,
    signal,
    stopSignal,
    retry = {},
    retryAmbiguous = false,
    maxSplitRequests,
    checkpoint = 0,
    onSend,
    onOutcome,
    onProgress,
    ...requestFields
  } = options;
  checkLimit('concurrency', concurrency, 256);
  checkLimit('maxProfilesPerRequest', maxProfilesPerRequest, MAX_PROFILES);
  checkLimit('maxBodyBytes', maxBodyBytes, MAX_BODY_BYTES);
  const { maxAttempts = 5, baseDelayMs = 500, maxDelayMs = 30_000 } = retry;
  const internals = clientInternals(client);
  const operationId: OperationId = operation === 'task' ? 'importAndStartBatchTask' : 'importAndStartBatch';
  const fields: Record<string, unknown> = { ...requestFields, ...internals.envelope, ...(format === 'xml' ? { format: 'xml' } : {}) };

  const started = performance.now();
  const stats = { settled: 0, imported: 0, queued: 0, failed: 0, unknown: 0, requests: 0, retries: 0, bytesSent: 0 };
  const watermark = new Watermark(checkpoint);
  let stopped: ImportSummary['stopped'];
  const progress = (): ImportProgress => ({ ...stats, elapsedMs: performance.now() - started, checkpoint: watermark.value });

  function tally(index: number, status: ProfileOutcome['status']): void {
    stats.settled++;
    stats[status]++;
    watermark.settle(index);
  }

  /** Counts an outcome and hands it on; a promise only when the consumer returned one (most answer at once: no microtask per profile). */
  function settle(outcome: ProfileOutcome): void | Promise<void> {
    tally(outcome.index, outcome.status);
    return onOutcome?.(outcome);
  }

  async function settleRange(first: number, count: number, status: 'failed' | 'unknown', error: OutcomeError): Promise<void> {
    for (let index = first; index < first + count; index++) {
      const pending = settle({ index, status, error });
      if (pending) await pending;
    }
  }

  async function accept(first: number, count: number, answer: unknown): Promise<void> {
    // The client checked the answer's shape (AltcraftResponseError otherwise); server texts are
    // redacted here as everywhere.
    if (operationId === 'importAndStartBatchTask') {
      // checkAnswer let only a top-level task_id string through.
      const taskId = internals.redact((answer as ImportAndStartBatchTaskResult & { task_id: string }).task_id);
      for (let index = first; index < first + count; index++) {
        const pending = settle({ index, status: 'queued', taskId });
        if (pending) await pending;
      }
      return;
    }
    const { result } = answer as ImportAndStartBatchResult;
    if (result.length !== count) {
      // Results are matched to profiles by position; with a different count, nobody can tell.
      const message = `the answer has ${result.length} results for ${count} profiles`;
      return settleRange(first, count, 'unknown', { kind: 'response', message, retryable: false });
    }
    // One redaction over all the profile ids instead of one per id: a piece of the token inside
    // an id is inside their join too, so when the join has none, no id has (a piece found only
    // across two ids merely sends every id through the redaction, as before).
    let idsClean = false;
    if (onOutcome !== undefined) {
      const ids = result.map((item) => item.profile_id ?? '').join('\n');
      idsClean = internals.redact(ids) === ids;
    }
    for (let position = 0; position < count; position++) {
      const item = result[position]!;
      const index = first + position;
      const failed = item.error !== undefined && item.error !== 0;
      let pending: void | Promise<void> = undefined;
      if (onOutcome === undefined) {
        // Nobody sees the outcomes: count them (a batch has up to 10,000; no object, promise or
        // redaction of a text nobody reads).
        tally(index, failed ? 'failed' : item.profile_id === undefined ? 'unknown' : 'imported');
      } else if (failed) {
        const message = internals.redact(item.error_text ?? `error ${item.error}`);
        pending = settle({ index, status: 'failed', error: { kind: 'item', message, code: item.error!, retryable: false } });
      } else if (item.profile_id === undefined) {
        pending = settle({ index, status: 'unknown', error: { kind: 'response', message: 'the result has no profile_id', retryable: false } });
      } else {
        pending = settle({ index, status: 'imported', profileId: idsClean ? item.profile_id : internals.redact(item.profile_id) });
      }
      if (pending) await pending;
    }
  }

  function backoff(attempt: number, error: unknown): number {
    const exponential = Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1));
    const jittered = exponential / 2 + (Math.random() * exponential) / 2;
    const retryAfter = error instanceof AltcraftApiError && error.retryAfterSeconds !== undefined ? error.retryAfterSeconds * 1000 : 0;
    return Math.min(maxDelayMs, Math.max(jittered, retryAfter));
  }

  /** Sends one body (input profiles first..first+count-1) until it is settled, as policy.ts decides. */
  async function deliver(first: number, count: number, body: Body, budget: { splits: number }): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      if (signal?.aborted) return settleRange(first, count, 'failed', { kind: 'aborted', message: 'aborted before the request was sent', retryable: true });
      await onSend?.({ first, count });
      let answer: unknown;
      try {
        stats.requests++;
        answer = await internals.send(operationId, { text: body.text, format }, signal);
        stats.bytesSent += body.bytes;
      } catch (error) {
        if (signal?.aborted) return settleRange(first, count, 'unknown', { kind: 'aborted', message: 'aborted while the request was in flight', retryable: false });
        if (!(error instanceof AltcraftError && !error.mayHaveReachedServer)) stats.bytesSent += body.bytes;
        const situation = { count, attempt, maxAttempts, retryAmbiguous, splitsLeft: budget.splits };
        const verdict = decide(error, situation);
        if (verdict.action === 'retry') {
          stats.retries++;
          try {
            await sleep(backoff(attempt, error), undefined, { signal });
          } catch {
            const given = decide(error, { ...situation, attempt: maxAttempts });
            const retryable = given.action === 'settle' ? given.retryable : true;
            const status = given.action === 'settle' ? given.status : 'failed';
            return settleRange(first, count, status, { kind: 'aborted', message: `aborted before retrying after: ${describe(error).message}`, retryable });
          }
          continue;
        }
        if (verdict.action === 'split') {
          const parts = splitBody(format, fields, body, verdict.cuts);
          budget.splits -= parts.length;
          const starts = [0, ...verdict.cuts];
          for (const [n, part] of parts.entries()) await deliver(first + starts[n]!, (starts[n + 1] ?? count) - starts[n]!, part, budget);
          return;
        }
        const outcomeError: OutcomeError = { ...describe(error), retryable: verdict.retryable };
        if (verdict.stop) stopped ??= { reason: verdict.stop, error: outcomeError };
        return settleRange(first, count, verdict.status, outcomeError);
      }
      return accept(first, count, answer);
    }
  }

  const batches = planBatches((encodedProfiles ?? profiles) as Iterable<Record<string, unknown> | Uint8Array | Uint8Array[]>, {
    encoded: encodedProfiles !== undefined,
    format,
    fields,
    maxProfiles: maxProfilesPerRequest,
    maxBodyBytes,
    startIndex: checkpoint,
  });

  // An error of a callback (onSend, onOutcome): no new batch starts, the ones in flight are
  // settled, then importProfiles rejects with it.
  let fatal: { error: unknown } | undefined;

  // One body planned ahead, while the requests are in flight: when an answer comes, the next
  // body is ready to go. It is planned once the current one is on its way (setImmediate), and
  // its profiles get an outcome only once sent, as any profile's. (Measured, 300,000 profiles,
  // concurrency 4: about 4% less sender CPU against the obvious loop, wall 0.82-0.98x vs
  // 1.06-1.23x without it. A worker thread cannot do the planning: handing it the profiles
  // costs twice the JSON.stringify it would save.)
  type Next = IteratorResult<PlannedBatch | Unsendable>;
  let ahead: Promise<Next> | undefined;
  function nextBatch(): Promise<Next> {
    const next = ahead ?? batches.next();
    ahead = undefined;
    return next;
  }
  function planAhead(): void {
    if (ahead !== undefined) return;
    ahead = new Promise<void>((resolve) => setImmediate(resolve)).then(() => batches.next());
    // Awaited by the next worker that asks; never an unhandled rejection meanwhile.
    ahead.catch(() => undefined);
  }

  async function worker(): Promise<void> {
    try {
      for (;;) {
        if (signal?.aborted) stopped ??= { reason: 'aborted' };
        if (stopSignal?.aborted) stopped ??= { reason: 'stopped' };
        if (stopped || fatal) return;
        const next = await nextBatch();
        if (next.done) return;
        planAhead();
        const planned = next.value;
        if (planned.kind === 'unsendable') {
          await settle({ index: planned.index, status: 'failed', error: { kind: 'local', message: `not sent: ${planned.reason}`, retryable: false } });
          continue;
        }
        const { first, count, body } = planned;
        await deliver(first, count, body, { splits: maxSplitRequests ?? splitBudget(count) });
        onProgress?.(progress());
      }
    } catch (error) {
      fatal ??= { error };
    }
  }

  try {
    await Promise.all(Array.from({ length: concurrency }, worker));
  } finally {
    await batches.return(undefined);
  }
  if (fatal) throw fatal.error;
  const summary: ImportSummary = { ...progress(), durationMs: performance.now() - started };
  if (stopped) summary.stopped = stopped;
  return summary;
}
