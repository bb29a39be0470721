// What importProfiles does with a request that failed: retry it, split it, or settle its
// profiles (and whether the whole run must stop). Retries and bisection are decided here, in
// one place, so that "which failures are the profiles' fault" has one answer.
import { BODY_TOO_LARGE_DEBUG } from '@altcraft-api/contract';
import { AltcraftApiError, AltcraftError, AltcraftRedirectError } from './errors.js';

/** Why a run stopped before its input did, when the failure is one every batch would get. */
export type StopReason = 'refused' | 'redirect' | 'unreachable' | 'invalid-request';

export type Verdict =
  | { action: 'retry' }
  /** Send the body again as parts: `cuts` are the positions (in the body) where parts 2.. start. */
  | { action: 'split'; cuts: number[] }
  | { action: 'settle'; status: 'failed' | 'unknown'; retryable: boolean; stop?: StopReason };

export interface Situation {
  /** Profiles in the body that failed. */
  count: number;
  /** This attempt's number, from 1; retries are exhausted when it reaches `maxAttempts`. */
  attempt: number;
  maxAttempts: number;
  retryAmbiguous: boolean;
  /** Extra requests the batch may still spend on splitting. */
  splitsLeft: number;
}

// How many bad profiles per batch the default split budget can isolate by halving, when the
// platform does not name them (each costs about 2·log2(n) requests).
const ISOLATE = 16;

/** The default split budget of a batch of `count` profiles: enough to isolate ISOLATE profiles by halving. */
export function splitBudget(count: number): number {
  return count <= 1 ? 0 : 2 * ISOLATE * Math.ceil(Math.log2(count));
}

/**
 * The profiles (positions in the body) that an `error_debug` names: `/data/N` followed by the end
 * of the pointer (`/`, `:`, a space, a quote or the end). Positions out of the body are ignored.
 */
export function namedProfiles(debug: string | undefined, count: number): { named: number[]; other: boolean } {
  const named = new Set<number>();
  let other = false;
  for (const match of (debug ?? '').matchAll(/(?:^|[\s"'`(,;])(\/[^\s"'`:;,)]*)/g)) {
    const pointer = match[1]!;
    const profile = /^\/data\/(\d+)(?:\/|$)/.exec(pointer);
    if (profile) {
      const position = Number(profile[1]);
      if (position < count) named.add(position);
      else other = true;
    } else if (pointer !== '/') other = true;
  }
  return { named: [...named].sort((a, b) => a - b), other };
}

/** The parts of a body of `count` profiles that isolate each named position as a part of its own. */
function cutsAround(named: number[], count: number): number[] {
  const cuts = new Set<number>();
  for (const position of named) {
    if (position > 0) cuts.add(position);
    if (position + 1 < count) cuts.add(position + 1);
  }
  return [...cuts].sort((a, b) => a - b);
}

export function decide(error: unknown, situation: Situation): Verdict {
  const { count, attempt, maxAttempts, retryAmbiguous, splitsLeft } = situation;
  const canRetry = attempt < maxAttempts;
  if (error instanceof AltcraftRedirectError) return { action: 'settle', status: 'failed', retryable: true, stop: 'redirect' };
  if (error instanceof AltcraftApiError) {
    const code = error.status === 200 ? error.code : error.status;
    if (code === 429 || code >= 500) return canRetry ? { action: 'retry' } : { action: 'settle', status: 'failed', retryable: true };
    if (code === 401 || code === 402 || code === 403) return { action: 'settle', status: 'failed', retryable: true, stop: 'refused' };
    if (code === 400 || code === 413) {
      const tooLarge = code === 413 || (error.debug ?? '').includes(BODY_TOO_LARGE_DEBUG);
      const { named, other } = namedProfiles(error.debug, count);
      // One profile refused: the platform refused that profile itself (resending cannot help).
      if (count === 1 && (named.length > 0 || tooLarge)) return { action: 'settle', status: 'failed', retryable: false };
      if (named.length > 0) {
        const cuts = cutsAround(named, count);
        return cuts.length + 1 <= splitsLeft ? { action: 'split', cuts } : { action: 'settle', status: 'failed', retryable: true };
      }
      // Too large, or naming `/data` as a whole or a profile the body does not have: no profile is
      // to blame by name, but fewer profiles may pass; halve within the budget.
      if (tooLarge || (other && /(?:^|\s)\/data(?:[\s:]|$)|\/data\/\d/.test(error.debug ?? ''))) {
        if (count > 1 && splitsLeft >= 2) return { action: 'split', cuts: [Math.ceil(count / 2)] };
        return { action: 'settle', status: 'failed', retryable: count > 1 };
      }
      // A request field, or nothing at all, is named (a bad token, workflow_id, matching): every
      // batch would be refused the same way. Fail this one once and stop the run.
      return { action: 'settle', status: 'failed', retryable: true, stop: 'invalid-request' };
    }
    if (code >= 400 && code < 500) return { action: 'settle', status: 'failed', retryable: true, stop: 'refused' };
    return { action: 'settle', status: 'failed', retryable: true };
  }
  if (error instanceof AltcraftError && !error.mayHaveReachedServer) {
    // Not sent at all: retried; when no attempt could be sent, nothing else can be either.
    return canRetry ? { action: 'retry' } : { action: 'settle', status: 'failed', retryable: true, stop: 'unreachable' };
  }
  if (error instanceof AltcraftError) {
    // Timeouts, connections lost after sending, unreadable answers: the platform may have
    // imported the profiles, so they are resent only when the caller accepts duplicates.
    return retryAmbiguous && canRetry ? { action: 'retry' } : { action: 'settle', status: 'unknown', retryable: false };
  }
  throw error;
}
