import { createHash } from 'node:crypto';
import { listExamples, requestXmlOf, validateRequest, validateResponse, type OperationId } from '@altcraft-api/contract';
import { describe, expect, it } from 'vitest';
import { answerFor } from '../src/answers.js';
import { answerWithTasks, TaskStore } from '../src/tasks.js';

const sha = (value: unknown) => createHash('sha1').update(JSON.stringify(value)).digest('hex').slice(0, 24);

/** `depth` arrays or objects around 1, built without recursion. */
function nested(depth: number, kind: 'array' | 'object'): unknown {
  let value: unknown = 1;
  for (let i = 0; i < depth; i++) value = kind === 'array' ? [value] : { a: value };
  return value;
}

describe('profile ids', () => {
  it('are the ids JSON.stringify-based hashing gave, for every kind of value', () => {
    const values = ['a@example.com', 12, 1.5e300, -0, true, false, [1, 'x', null, { b: [] }], { 'k"\u0001': { '': [{}] }, n: -1 }, nested(50, 'array')];
    for (const value of values) {
      const answer = answerFor('importAndStartBatch', { workflow_id: 1, matching: 'custom', field_name: 'f', data: [{ data: { f: value } }] }) as { result: { profile_id: string }[] };
      expect(answer.result[0]!.profile_id).toBe(sha(['custom', value]));
    }
  });

  it('are the same ids for strings of every kind (hashed in one piece) under every matching', () => {
    const strings = ['', 'код-ü-€-😀', 'lone \uD800 surrogate', 'quotes " and \\ and \u0000\u001f', '+79001234567', 'x'.repeat(10_000)];
    for (const value of strings) {
      for (const matching of ['email', 'phone', 'custom'] as const) {
        const profile = matching === 'email' ? { email: value } : matching === 'phone' ? { phones: value } : { f: value };
        const answer = answerFor('importAndStartBatch', { workflow_id: 1, matching, field_name: 'f', data: [{ data: profile }] }) as { result: { profile_id: string }[] };
        expect(answer.result[0]!.profile_id).toBe(sha([matching, value]));
      }
    }
  });

  it('are computed for a matched custom field nested 100,000 levels deep, arrays or objects', () => {
    for (const kind of ['array', 'object'] as const) {
      const value = nested(100_000, kind);
      const answer = answerFor('importAndStartBatch', { workflow_id: 1, matching: 'custom', field_name: 'f', data: [{ data: { f: value } }, { data: { f: value } }] }) as {
        result: { profile_id: string }[];
      };
      expect(answer.result[0]!.profile_id).toMatch(/^[0-9a-f]{24}$/);
      expect(answer.result[1]!.profile_id).toBe(answer.result[0]!.profile_id);
    }
  });

  it('give a deeply nested task its id too', () => {
    const answer = answerFor('importAndStartBatchTask', { workflow_id: 1, data: [{ data: { email: 'a@example.com', deep: nested(100_000, 'object') } }] }) as { task_id: string };
    expect(answer.task_id).toMatch(/^[0-9a-f]{24}$/);
  });
});

/** A request the contract accepts: `count` profiles matched by `matching`, in a varied shape. */
function generated(count: number, matching: string, seed: number): { workflow_id: number; matching?: string; field_name?: string; data: { data: Record<string, unknown> }[] } {
  const profile = (i: number): Record<string, unknown> => {
    const n = (i * 7919 + seed) % 1_000_003;
    switch (matching) {
      case 'profile_id':
        return { profile_id: n.toString(16).padStart(24, '0') };
      case 'phone':
        return { phones: [`+7900${String(n).padStart(7, '0')}`] };
      case 'custom':
        return { f: n % 3 === 0 ? `v${n}` : n, email: `u${n}@example.com` };
      default:
        return { email: `u${n}@example.com`, ...(n % 2 ? { _fname: 'Имя' } : {}) };
    }
  };
  return {
    workflow_id: 1 + seed,
    ...(matching === 'email' && seed % 2 ? {} : { matching }),
    ...(matching === 'custom' ? { field_name: 'f' } : {}),
    data: Array.from({ length: count }, (_, i) => ({ data: profile(i) })),
  };
}

describe("the mock's answers keep the contract's answer schema", () => {
  const operationIds: OperationId[] = ['importAndStartBatch', 'importAndStartBatchTask'];

  it.each([1, 2, 100, 10_000, 10_001, 12_345])('for generated requests of %i profiles, every matching and operation', (count) => {
    for (const matching of ['email', 'phone', 'profile_id', 'custom']) {
      const request = generated(count, matching, count + matching.length);
      // Only requests the contract accepts reach answerFor; a generator that drifted would test nothing.
      expect(validateRequest(request).violations).toEqual([]);
      for (const operationId of operationIds) {
        const answer = answerFor(operationId, request);
        expect(validateResponse(operationId, 200, answer).violations).toEqual([]);
      }
    }
  });

  it("for every request example of the contract", () => {
    const requests = listExamples().filter((example) => example.part === 'request');
    expect(requests.length).toBeGreaterThan(0);
    for (const example of requests) {
      const request = (example.mediaType === 'application/xml' ? requestXmlOf(example.operationId).decode(example.value as string) : example.value) as Parameters<typeof answerWithTasks>[1];
      // The status request is answered from the task store (tasks.ts); its example id is known there.
      const answer = answerWithTasks(example.operationId, request, new TaskStore());
      expect(validateResponse(example.operationId, 200, answer).violations).toEqual([]);
    }
  });
});
