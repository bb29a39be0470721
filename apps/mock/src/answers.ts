import crypto, { createHash, type Hash } from 'node:crypto';
import type { OperationId } from '@altcraft-api/contract';

type Request = {
  workflow_id: number;
  matching?: string;
  field_name?: string;
  data: { data: Record<string, unknown> }[];
};

/**
 * Feeds `JSON.stringify(value)` to `hash` piece by piece, without recursion: a profile may nest
 * 100,000 levels deep, which overflows the stack of JSON.stringify (and of any recursive walk).
 * The pieces are exactly JSON.stringify's, so the ids stay what they were.
 */
function hashJson(hash: Hash, value: unknown): void {
  // A stack of pending work: values to write, or literal text (commas, brackets, keys).
  const stack: ({ text: string } | { value: unknown })[] = [{ value }];
  while (stack.length > 0) {
    const next = stack.pop()!;
    if ('text' in next) {
      hash.update(next.text);
      continue;
    }
    const current = next.value;
    if (Array.isArray(current)) {
      const pending: ({ text: string } | { value: unknown })[] = [{ text: '[' }];
      current.forEach((item, index) => {
        if (index > 0) pending.push({ text: ',' });
        // JSON.stringify writes null for what it cannot represent inside an array.
        pending.push(item === undefined || typeof item === 'function' || typeof item === 'symbol' ? { text: 'null' } : { value: item });
      });
      pending.push({ text: ']' });
      for (let i = pending.length - 1; i >= 0; i--) stack.push(pending[i]!);
    } else if (typeof current === 'object' && current !== null) {
      const pending: ({ text: string } | { value: unknown })[] = [{ text: '{' }];
      for (const [key, item] of Object.entries(current)) {
        if (item === undefined || typeof item === 'function' || typeof item === 'symbol') continue;
        pending.push({ text: `${pending.length > 1 ? ',' : ''}${JSON.stringify(key)}:` }, { value: item });
      }
      pending.push({ text: '}' });
      for (let i = pending.length - 1; i >= 0; i--) stack.push(pending[i]!);
    } else {
      hash.update(JSON.stringify(current) ?? 'null');
    }
  }
}

const objectId = (...parts: unknown[]) => {
  const hash = createHash('sha1');
  hashJson(hash, parts);
  return hash.digest('hex').slice(0, 24);
};

// crypto.hash (Node 20.12+) hashes a string in one call, without a Hash object per profile.
const sha1Hex: (text: string) => string =
  typeof crypto.hash === 'function' ? (text) => crypto.hash('sha1', text, 'hex') : (text) => createHash('sha1').update(text).digest('hex');

/**
 * objectId(matching, key) for one profile. A key that is a string, a number or a boolean (an
 * email, a phone, a custom field: nearly always) is hashed as one string, the very text the
 * pieces of hashJson add up to; 10,000 profiles took 40-50 ms the piecewise way, most of an
 * answer's cost. Objects and arrays, which may nest deeper than JSON.stringify can go, take it.
 */
function profileId(matching: string, key: unknown): string {
  const type = typeof key;
  if (type === 'string' || type === 'boolean' || (type === 'number' && Number.isFinite(key))) return sha1Hex(JSON.stringify([matching, key])).slice(0, 24);
  return objectId(matching, key);
}

/** The value a profile is found by under `matching`, as the platform would look it up. */
function matchKey(request: Request, profile: Record<string, unknown>): unknown {
  switch (request.matching ?? 'email') {
    case 'profile_id':
      return profile.profile_id;
    case 'phone':
    case 'phone_sub':
      return profile.phones;
    case 'custom':
    case 'custom_sub':
      return profile[request.field_name!];
    case 'email_phone':
    case 'email_phone_sub':
      return profile.email ?? profile.phones;
    case 'push_sub':
      return profile.subscriptions;
    default:
      return profile.email ?? profile;
  }
}

/** The per-item error of a profile the mock refuses (`--faults item:RATE`). */
export const REFUSED_ITEM = { error: 400, error_text: 'Invalid request' } as const;

/**
 * The answer the platform gives a valid request. Profile ids are deterministic: the same
 * profile (by its matching value) always gets the same id, and a `profile_id` match answers
 * that id, so tests can assert on them. A profile `refuses` picks (by its id) gets
 * REFUSED_ITEM instead. The task status request is answered by tasks.ts.
 */
export function answerFor(operationId: OperationId, request: Request, refuses?: (profileId: string) => boolean): object {
  if (operationId === 'importAndStartBatchTask') {
    // The same batch gets the same task id, however it was sent (encoding, token).
    const { token: _token, format: _format, ...batch } = request as Request & { token?: unknown; format?: unknown };
    return { error: 0, error_text: 'Successful operation', task_id: objectId('task', batch) };
  }
  return {
    error: 0,
    error_text: 'Successful operation',
    result: request.data.map(({ data }) => {
      const key = matchKey(request, data);
      const id = request.matching === 'profile_id' && typeof key === 'string' ? key : profileId(request.matching ?? 'email', key ?? data);
      return refuses?.(id) ? { ...REFUSED_ITEM } : { profile_id: id };
    }),
  };
}
