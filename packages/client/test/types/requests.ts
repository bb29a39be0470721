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

// The contract accepts matching together with custom_request (advice warns), so the types do.
export const queryAndMatching: ImportAndStartBatchRequest = { workflow_id: 12, matching: 'email', custom_request: { _city: 'Moscow' }, data };

// Documented values the contract once refused type-check (issue 12): the page's attach shape
// with its `flie_key` spelling (and file_key), a country name, a date without seconds, a URL
// without a scheme, field_value of any type, a custom channel's string id, the sibling pages'
// top-level resource_id and custom_data, an empty phone list, an integer or string _sex.
export const documented: ImportAndStartBatchRequest = {
  workflow_id: 12,
  resource_id: 7,
  custom_data: { order: 'A-17' },
  field_value: { any: ['thing'] },
  format: 'xml',
  attach: [
    { name: 'invoice.pdf', flie_key: 'a1b2c3', mimetype: 'application/pdf' },
    { name: 'hello.txt', data: 'SGVsbG8=', mimetype: 'text/plain' },
    { name: 'key.txt', file_key: 'k2' },
    {},
  ],
  data: [
    {
      data: {
        email: 'example@example.com',
        phones: [],
        _regcountry: 'Russian Federation',
        _bdate: '2001-12-31T00:00+03:00',
        _regurl: 'www.example.com',
        _sex: 'male',
        _postal_code: '390000',
        subscriptions: [{ channel: 'my_crm_channel', cc_data: { id: 'u-17' }, status: 'subscribed' }],
      },
    },
    { data: { _sex: 0, _postal_code: 390000, phones: '+79000000000' } },
  ],
};

// @ts-expect-error attach items are objects, not numbers or strings
export const attachNonsense: ImportAndStartBatchRequest = { workflow_id: 12, data, attach: [42, 'nonsense'] };

// @ts-expect-error an attachment's name is a string
export const attachNumericName: ImportAndStartBatchRequest = { workflow_id: 12, data, attach: [{ name: 42, data: 'SGVsbG8=' }] };

// @ts-expect-error attach is a list of files, not one
export const attachOne: ImportAndStartBatchRequest = { workflow_id: 12, data, attach: { name: 'a.txt', data: 'SGVsbG8=' } };

// @ts-expect-error workflow_id is an integer, not a string
export const workflowText: ImportAndStartBatchRequest = { workflow_id: '12', data };

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
  // The task id comes at the top or nested in data (spec/DECISIONS.md row 32): neither alone is certain.
  const taskId: string | undefined = task.task_id ?? task.data?.task_id;
  // @ts-expect-error either form may be the one the platform sends
  const onlyTop: string = task.task_id;
  void onlyTop;
  // @ts-expect-error the task answer has no result
  void task.result;
  return { first, taskId };
}
