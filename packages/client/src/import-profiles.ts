import { setTimeout as sleep } from 'node:timers/promises';
import { MAX_BODY_BYTES, MAX_PROFILES, type OperationId } from '@altcraft-api/contract';
import { planBatches, splitBody } from './batch-planner.js';
import { clientInternals, type AltcraftClient, type Format } from './client.js';
import { AltcraftApiError, AltcraftError, AltcraftNetworkError } from './errors.js';
import type { DistributiveOmit, ImportAndStartBatchRequest, ImportAndStartBatchResult, ImportAndStartBatchTaskResult, ProfileData } from './types.js';

/** Why a profile failed or is unknown: plain data, safe to log (the token is never in it). */
export interface OutcomeError {
  /** `api`: the platform refused the request; `item`: it refused this profile; `local`: never sent. */
  kind: 'api' | 'item' | 'local' | 'network' | 'timeout' | 'response' | 'aborted';
  message: string;
  status?: number;
  code?: number;
  debug?: string;
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
   * or `refused` (a 401/402/403 that every batch would get).
   */
  stopped?: { reason: 'aborted' | 'stopped' | 'refused'; error?: OutcomeError };
}

export interface RetryOptions {
  /** Attempts per request, the first included. Default 5. */
  maxAttempts?: number;
  /** First back-off delay; doubled each attempt, with jitter. Default 500 ms. */
  baseDelayMs?: number;
  /** Longest back-off delay, and longest `Retry-After` honoured. Default 30,000 ms. */
  maxDelayMs?: number;
}

interface SenderOptions {
  /** The profiles (the inner `data` objects), read lazily. */
  profiles: Iterable<ProfileData> | AsyncIterable<ProfileData>;
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
  /** Extra requests allowed per batch to isolate the profiles of a refused (400) batch. Default 64. */
  maxSplitRequests?: number;
  /** Skip the input profiles below this index: a checkpoint of an earlier run. */
  checkpoint?: number;
  /** Each profile's outcome, once; awaited, so a slow consumer slows the import down. */
  onOutcome?: (outcome: ProfileOutcome) => void | Promise<void>;
  onProgress?: (progress: ImportProgress) => void;
}

/** The request fields every batch shares (all but `data`), and how to send the batches. */
export type ImportProfilesOptions = DistributiveOmit<ImportAndStartBatchRequest, 'data' | 'format'> & SenderOptions;

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

type Verdict = 'retry' | 'split' | 'refused' | 'ambiguous' | 'failed';

function verdictOf(error: unknown, retryAmbiguous: boolean): Verdict {
  if (error instanceof AltcraftApiError) {
    const code = error.status === 200 ? error.code : error.status;
    if (code === 429 || code >= 500) return 'retry';
    if (code === 400 || code === 413) return 'split';
    if (code === 401 || code === 402 || code === 403) return 'refused';
    return 'failed';
  }
  if (error instanceof AltcraftError && !error.mayHaveReachedServer) return 'retry';
  if (error instanceof AltcraftError) return retryAmbiguous ? 'retry' : 'ambiguous';
  throw error;
}

/** What a request that finally failed leaves its profiles as: refused or never sent is `failed`. */
function finalStatus(error: unknown): 'failed' | 'unknown' {
  return error instanceof AltcraftApiError || (error instanceof AltcraftError && !error.mayHaveReachedServer) ? 'failed' : 'unknown';
}

function describe(error: unknown): OutcomeError {
  if (error instanceof AltcraftApiError) return { kind: 'api', message: error.message, status: error.status, code: error.code, debug: error.debug };
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
    format = 'json',
    operation = 'sync',
    concurrency = 4,
    maxProfilesPerRequest = MAX_PROFILES,
    maxBodyBytes = MAX_BODY_BYTES,
    signal,
    stopSignal,
    retry = {},
    retryAmbiguous = false,
    maxSplitRequests = 64,
    checkpoint = 0,
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

  async function settle(outcome: ProfileOutcome): Promise<void> {
    stats.settled++;
    stats[outcome.status]++;
    watermark.settle(outcome.index);
    await onOutcome?.(outcome);
  }

  async function settleAll(indexes: number[], status: 'failed' | 'unknown', error: OutcomeError): Promise<void> {
    for (const index of indexes) await settle({ index, status, error });
  }

  async function accept(indexes: number[], answer: unknown): Promise<void> {
    if (operationId === 'importAndStartBatchTask') {
      const { task_id: taskId } = answer as ImportAndStartBatchTaskResult;
      for (const index of indexes) await settle({ index, status: 'queued', taskId });
      return;
    }
    const { result } = answer as ImportAndStartBatchResult;
    if (result.length !== indexes.length) {
      // Results are matched to profiles by position; with a different count, nobody can tell.
      const message = `the answer has ${result.length} results for ${indexes.length} profiles`;
      return settleAll(indexes, 'unknown', { kind: 'response', message });
    }
    for (const [position, index] of indexes.entries()) {
      const item = result[position]!;
      if (item.error !== undefined && item.error !== 0) {
        await settle({ index, status: 'failed', error: { kind: 'item', message: item.error_text ?? `error ${item.error}`, code: item.error } });
      } else if (item.profile_id === undefined) {
        await settle({ index, status: 'unknown', error: { kind: 'response', message: 'the result has no profile_id' } });
      } else {
        await settle({ index, status: 'imported', profileId: item.profile_id });
      }
    }
  }

  function backoff(attempt: number, error: unknown): number {
    const exponential = Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1));
    const jittered = exponential / 2 + (Math.random() * exponential) / 2;
    const retryAfter = error instanceof AltcraftApiError && error.retryAfterSeconds !== undefined ? error.retryAfterSeconds * 1000 : 0;
    return Math.min(maxDelayMs, Math.max(jittered, retryAfter));
  }

  /** Sends one body until it is settled: retried as it is, or split when refused as invalid. */
  async function deliver(indexes: number[], body: Uint8Array, budget: { splits: number }): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      let answer: unknown;
      try {
        stats.requests++;
        answer = await internals.send(operationId, { text: body, format }, signal);
        stats.bytesSent += body.length;
      } catch (error) {
        if (signal?.aborted) return settleAll(indexes, 'unknown', { kind: 'aborted', message: 'aborted while the request was in flight' });
        if (!(error instanceof AltcraftError && !error.mayHaveReachedServer)) stats.bytesSent += body.length;
        const verdict = verdictOf(error, retryAmbiguous);
        if (verdict === 'retry' && attempt < maxAttempts) {
          stats.retries++;
          try {
            await sleep(backoff(attempt, error), undefined, { signal });
          } catch {
            return settleAll(indexes, finalStatus(error), { kind: 'aborted', message: `aborted before retrying after: ${describe(error).message}` });
          }
          continue;
        }
        if (verdict === 'split' && indexes.length > 1 && budget.splits >= 2) {
          budget.splits -= 2;
          const half = Math.ceil(indexes.length / 2);
          const [first, second] = splitBody(format, fields, body);
          await deliver(indexes.slice(0, half), first, budget);
          await deliver(indexes.slice(half), second, budget);
          return;
        }
        if (verdict === 'refused') stopped ??= { reason: 'refused', error: describe(error) };
        return settleAll(indexes, finalStatus(error), describe(error));
      }
      return accept(indexes, answer);
    }
  }

  const batches = planBatches(profiles as Iterable<Record<string, unknown>>, {
    format,
    fields,
    maxProfiles: maxProfilesPerRequest,
    maxBodyBytes,
    startIndex: checkpoint,
  });

  async function worker(): Promise<void> {
    for (;;) {
      if (signal?.aborted) stopped ??= { reason: 'aborted' };
      if (stopSignal?.aborted) stopped ??= { reason: 'stopped' };
      if (stopped) return;
      const next = await batches.next();
      if (next.done) return;
      const planned = next.value;
      if (planned.kind === 'unsendable') {
        await settle({ index: planned.index, status: 'failed', error: { kind: 'local', message: `not sent: ${planned.reason}` } });
        continue;
      }
      await deliver(planned.indexes, planned.body, { splits: maxSplitRequests });
      onProgress?.(progress());
    }
  }

  try {
    await Promise.all(Array.from({ length: concurrency }, worker));
  } finally {
    await batches.return(undefined);
  }
  const summary: ImportSummary = { ...progress(), durationMs: performance.now() - started };
  if (stopped) summary.stopped = stopped;
  return summary;
}
