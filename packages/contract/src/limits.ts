import { operations } from './operations.js';

// Read from the contract (`x-altcraft-limits`), whose lint rule keeps them equal to the schema's
// maxItems and to the operation descriptions; both operations share one request.
const { limits } = operations.importAndStartBatch;

/** Most profiles one request may carry (the length of `data`): 10,000. */
export const MAX_PROFILES: number = limits.maxProfiles!;

/** Largest request body the platform reads, in bytes: 10,485,760 (10 MiB). */
export const MAX_BODY_BYTES: number = limits.maxBodyBytes;

/** The `error_debug` text the platform answers for a body over MAX_BODY_BYTES. */
export const BODY_TOO_LARGE_DEBUG = 'http: request body too large';

/** Whether a body of `byteLength` bytes is within the platform's limit. */
export function isWithinBodyLimit(byteLength: number): boolean {
  return byteLength <= MAX_BODY_BYTES;
}
