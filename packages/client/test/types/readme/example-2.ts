// Extracted from README.md by scripts/extract-readme-examples.mjs.
export {};
import { createAltcraftClient, taskIdOf } from '@altcraft-api/client';

const client = createAltcraftClient({
  baseUrl: 'http://127.0.0.1:4010/api/v1.1',
  token: 'abcdefghijklmnqrstuvwxyz',
  auth: 'bearer', // Authorization: Bearer <token>; the default, 'body', sends it as `token`
  validate: 'warn', // refuse contract violations before sending; report advice as warnings
  onWarnings: (warnings) => console.warn(warnings), // [{ pointer: '/data/0/data/email', message: '...' }]
  timeoutMs: 30_000,
});

const request = { workflow_id: 12, data: [{ data: { email: 'john@example.com', _fname: 'John' } }] };
const asXml = await client.importAndStartBatch(request, { format: 'xml' }); // same object as JSON
const queued = await client.importAndStartBatchTask(request);
console.log(asXml.result.length, taskIdOf(queued)); // the task id, at the top or in data
