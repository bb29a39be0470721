// The two-tier rule for answers (spec/DECISIONS.md rows 30-32): the contract tier holds what the
// pages document an answer to be; lengths, patterns, ranges and closed objects are advice, so a
// real answer with a new field or a long text is valid, with a warning.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { validateResponse } from '../src/validate.js';

const ID = '6613c4754a5d12bd6cc0915f';
const ok = (result: unknown[]) => ({ error: 0, error_text: 'Successful operation', result });

describe('answers the pages allow are valid (contract tier)', () => {
  it('10,001 results: no page bounds result, and the platform answers one item per profile sent', () => {
    const answer = ok(Array.from({ length: 10_001 }, () => ({ profile_id: ID })));
    expect(validateResponse('importAndStartBatch', 200, answer)).toMatchObject({ valid: true, violations: [], warnings: [] });
  });

  it('fields the pages do not list (sibling endpoints answer data: null; add_batch items error/error_text/profile_id): valid, a warning each', () => {
    const answer = { ...ok([{ profile_id: ID, status: 'new' }]), data: null };
    const result = validateResponse('importAndStartBatch', 200, answer);
    expect(result.violations).toEqual([]);
    expect(result.warnings).toEqual([
      { pointer: '/data', message: 'is not a field of this answer as the pages document it' },
      { pointer: '/result/0/status', message: 'is not a field of a result item the pages document' },
    ]);
    const envelope = validateResponse('importAndStartBatch', 400, { error: 400, error_text: 'Incorrect request', data: null });
    expect(envelope).toMatchObject({ valid: true, warnings: [{ pointer: '/data', message: 'is not a field of the error envelope the pages document' }] });
  });

  it('lengths, patterns and ranges no page states are warnings', () => {
    const long = 'x'.repeat(70_000);
    const result = validateResponse('importAndStartBatch', 400, { error: 1_000_000, error_text: `bad\u0001${long}`, error_debug: long });
    expect(result.violations).toEqual([]);
    expect(result.warnings.map((w) => w.pointer)).toEqual(['/error', '/error_text', '/error_debug']);
    const task = validateResponse('importAndStartBatchTask', 200, { error: 0, error_text: 'ok', task_id: '' });
    expect(task).toMatchObject({ valid: true, warnings: [{ pointer: '/task_id', message: expect.stringMatching(/^is not 1 to 64/) }] });
  });

  it('strict makes a warning invalid; advice: false computes none', () => {
    const answer = ok([{ profile_id: 'abcdefghijklmnqrstuvwxyz' }]);
    expect(validateResponse('importAndStartBatch', 200, answer)).toMatchObject({ valid: true, warnings: [{ pointer: '/result/0/profile_id' }] });
    expect(validateResponse('importAndStartBatch', 200, answer, { strict: true }).valid).toBe(false);
    expect(validateResponse('importAndStartBatch', 200, answer, { advice: false }).warnings).toEqual([]);
  });

  it('the task answer: task_id at the top (the endpoint page) or nested in data (profiles/get_all), both valid', () => {
    const top = validateResponse('importAndStartBatchTask', 200, { error: 0, error_text: 'ok', task_id: 'ecd371a8-2229-48bb-bc3e-de7d39cd3051' });
    const nested = validateResponse('importAndStartBatchTask', 200, { error: 0, error_text: 'ok', data: { task_id: 'ecd371a8-2229-48bb-bc3e-de7d39cd3051' } });
    expect(top).toMatchObject({ valid: true, warnings: [] });
    expect(nested).toMatchObject({ valid: true, warnings: [] });
    expect(validateResponse('importAndStartBatchTask', 200, { error: 0, error_text: 'ok', data: {} }).valid).toBe(false);
    expect(validateResponse('importAndStartBatchTask', 200, { error: 0, error_text: 'ok', data: { task_id: 7 } }).violations).toContainEqual({ pointer: '/data/task_id', message: 'must be string' });
  });
});

describe('answers the pages do not allow are violations', () => {
  it.each([
    ['an item profile_id that is a number', ok([{ profile_id: 7 }]), '/result/0/profile_id'],
    ['an item error that is text', ok([{ error: 'bad' }]), '/result/0/error'],
    ['result that is an object', { error: 0, error_text: 'ok', result: {} }, '/result'],
    ['error_text that is a number', { error: 0, error_text: 0, result: [] }, '/error_text'],
  ])('%s', (_name, answer, pointer) => {
    const result = validateResponse('importAndStartBatch', 200, answer);
    expect(result.valid).toBe(false);
    expect(result.violations.map((v) => v.pointer)).toContain(pointer);
  });

  it('hostile: an answer nested 100,000 levels deep in an unknown field is valid with a warning, and nothing throws', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = { a: deep };
    const result = validateResponse('importAndStartBatch', 200, { ...ok([]), deep });
    expect(result.valid).toBe(true);
    expect(result.warnings).toEqual([{ pointer: '/deep', message: expect.any(String) }]);
  });
});

/**
 * An independent oracle, written from the pages and not from the schema: an answer of the
 * synchronous operation is an object with an integer `error` and a string `error_text`; with
 * error 0 it has a `result` array of objects whose `profile_id` (a string), `error` (an integer)
 * and `error_text` (a string) are optional; a failure's code is positive (the old API page lists
 * 400-403) and it may have a string `error_debug`.
 */
function oracle(answer: Record<string, unknown>): boolean {
  if (!Number.isInteger(answer.error) || typeof answer.error_text !== 'string') return false;
  if (answer.error !== 0) return (answer.error as number) >= 1 && (answer.error_debug === undefined || typeof answer.error_debug === 'string');
  if (!Array.isArray(answer.result)) return false;
  return answer.result.every((item: unknown) => {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) return false;
    const { profile_id: id, error, error_text: text } = item as Record<string, unknown>;
    return (id === undefined || typeof id === 'string') && (error === undefined || Number.isInteger(error)) && (text === undefined || typeof text === 'string');
  });
}

describe('differential: the contract tier of a 200 answer against the oracle', () => {
  const scalar = fc.oneof(fc.string(), fc.integer({ min: -5, max: 2_000_000 }), fc.constant(0), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.constant(null));
  const item = fc.oneof(
    fc.record({ profile_id: fc.oneof(fc.string(), scalar), error: fc.oneof(fc.integer({ min: 0, max: 500 }), scalar), error_text: fc.oneof(fc.string(), scalar), extra: scalar }, { requiredKeys: [] }),
    scalar,
  );
  const answer = fc.record(
    { error: fc.oneof(fc.constant(0), fc.constant(400), scalar), error_text: fc.oneof(fc.string(), scalar), error_debug: fc.oneof(fc.string(), scalar), result: fc.oneof(fc.array(item, { maxLength: 4 }), scalar), data: scalar },
    { requiredKeys: [] },
  );

  it('agrees on 3,000 generated answers', () => {
    fc.assert(
      fc.property(answer, (body) => {
        // error_debug is documented on failures only; on a success it is a field the page does not list.
        const expected = oracle(body);
        expect(validateResponse('importAndStartBatch', 200, body, { advice: false }).valid).toBe(expected);
      }),
      { numRuns: 3000 },
    );
  });
});
