// Compiled by `pnpm test:types` (tsc). Each @ts-expect-error must be needed: tsc fails when the
// line below it compiles, so these prove that the contract's rules are enforced at compile time.
import type { AltcraftClient, BatchResultItem, ImportAndStartBatchRequest } from '../../src/index.js';

declare const client: AltcraftClient;
const data = [{ data: { email: 'a@example.com', CRM_ID: '00066' } }];

// Requests the contract accepts compile.
export const byDefault: ImportAndStartBatchRequest = { workflow_id: 12, data };
export const byEmailProfile: ImportAndStartBatchRequest = { workflow_id: 12, matching: 'email_profile', skip_triggers: true, data };
export const byCustom: ImportAndStartBatchRequest = { workflow_id: 12, matching: 'custom', field_name: 'CRM_ID', data };
export const byQuery: ImportAndStartBatchRequest = { workflow_id: 12, custom_request: { _city: 'Moscow' }, data };

// @ts-expect-error custom matching needs field_name
export const customWithoutFieldName: ImportAndStartBatchRequest = { workflow_id: 12, matching: 'custom', data };

// @ts-expect-error an unknown matching mode
export const unknownMode: ImportAndStartBatchRequest = { workflow_id: 12, matching: 'fuzzy', data };

// @ts-expect-error custom_request excludes matching
export const queryAndMatching: ImportAndStartBatchRequest = { workflow_id: 12, matching: 'email', custom_request: { _city: 'Moscow' }, data };

// @ts-expect-error a misspelled top-level field
export const misspelled: ImportAndStartBatchRequest = { workflow_id: 12, skip_trigers: true, data };

// @ts-expect-error workflow_id is required
export const noWorkflow: ImportAndStartBatchRequest = { data };

// @ts-expect-error the token is the client's business, not the request's
export const withToken: ImportAndStartBatchRequest = { workflow_id: 12, token: 'abc', data };

export async function calls() {
  // The same checks apply to the client's methods.
  // @ts-expect-error custom matching needs field_name
  await client.importAndStartBatch({ workflow_id: 12, matching: 'custom', data });

  const sync = await client.importAndStartBatch(byCustom, { format: 'xml' });
  const results: BatchResultItem[] = sync.result;
  const first: string | undefined = results[0]?.profile_id;
  // @ts-expect-error the synchronous answer has no task_id
  void sync.task_id;

  const task = await client.importAndStartBatchTask(byCustom);
  const taskId: string = task.task_id;
  // @ts-expect-error the task answer has no result
  void task.result;
  return { first, taskId };
}
