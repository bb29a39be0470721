import { createHash } from 'node:crypto';
import type { OperationId } from '@altcraft-api/contract';

type Request = {
  workflow_id: number;
  matching?: string;
  field_name?: string;
  data: { data: Record<string, unknown> }[];
};

const objectId = (...parts: unknown[]) => createHash('sha1').update(JSON.stringify(parts)).digest('hex').slice(0, 24);

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

/**
 * The answer the platform gives a valid request. Profile ids are deterministic: the same
 * profile (by its matching value) always gets the same id, and a `profile_id` match answers
 * that id, so tests can assert on them.
 */
export function answerFor(operationId: OperationId, request: Request): object {
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
      const id = request.matching === 'profile_id' && typeof key === 'string' ? key : objectId(request.matching ?? 'email', key ?? data);
      return { profile_id: id };
    }),
  };
}
