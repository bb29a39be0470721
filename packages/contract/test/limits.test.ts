import { describe, expect, it } from 'vitest';
import { BODY_TOO_LARGE_DEBUG, MAX_BODY_BYTES, MAX_PROFILES, isWithinBodyLimit } from '../src/limits.js';
import { operations } from '../src/operations.js';
import { validateRequest } from '../src/validate.js';

const request = (count: number) => ({
  workflow_id: 12,
  data: Array.from({ length: count }, (_, i) => ({ data: { email: `p${i}@example.com` } })),
});

/** A valid JSON body of exactly `bytes` UTF-8 bytes: one profile padded with a custom field. */
function bodyOfBytes(bytes: number): string {
  const skeleton = (pad: string) => JSON.stringify({ workflow_id: 12, data: [{ data: { email: 'a@example.com', note: pad } }] });
  const filler = bytes - Buffer.byteLength(skeleton(''));
  // Multi-byte characters too, so the check is on bytes, not on string length.
  const pad = 'é'.repeat(Math.floor(filler / 4)) + 'x'.repeat(filler - 2 * Math.floor(filler / 4));
  return skeleton(pad);
}

describe('limits', () => {
  it('are the documented ones, read from the contract', () => {
    expect(MAX_PROFILES).toBe(10_000);
    expect(MAX_BODY_BYTES).toBe(10_485_760);
    expect(BODY_TOO_LARGE_DEBUG).toBe('http: request body too large');
  });

  it('are the same for both operations', () => {
    expect(operations.importAndStartBatchTask.limits).toEqual(operations.importAndStartBatch.limits);
  });

  it('accept 10,000 profiles without a warning', () => {
    const result = validateRequest(request(10_000));
    expect(result.violations).toEqual([]);
    expect(result.warnings).toEqual([]);
  });

  it('accept 10,001 profiles (the page only recommends 10,000) and warn at /data', () => {
    const result = validateRequest(request(10_001));
    expect(result.valid).toBe(true);
    expect(result.violations).toEqual([]);
    expect(result.warnings).toEqual([{ pointer: '/data', message: expect.stringMatching(/more than 10,000 profiles/) }]);
  });

  it('accept a body of exactly 10,485,760 bytes, and the body itself is valid', () => {
    const body = bodyOfBytes(MAX_BODY_BYTES);
    expect(Buffer.byteLength(body)).toBe(MAX_BODY_BYTES);
    expect(isWithinBodyLimit(Buffer.byteLength(body))).toBe(true);
    expect(validateRequest(JSON.parse(body)).valid).toBe(true);
  });

  it('reject a body one byte longer', () => {
    const body = bodyOfBytes(MAX_BODY_BYTES + 1);
    expect(Buffer.byteLength(body)).toBe(MAX_BODY_BYTES + 1);
    expect(isWithinBodyLimit(Buffer.byteLength(body))).toBe(false);
  });
});
