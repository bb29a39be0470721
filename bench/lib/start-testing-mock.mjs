// For the startup benchmark: a fresh process that starts the mock as a test suite would
// (`@altcraft-api/mock/testing`), gets one 200 from it and prints its origin.
import { startMock } from '@altcraft-api/mock/testing';

const mock = await startMock({ log: () => undefined });
const answer = await fetch(`${mock.baseUrl}/workflows/import_and_start_batch`, {
  method: 'POST',
  headers: { 'Content-Type': 'application/json' },
  body: JSON.stringify({ token: 't', workflow_id: 1, data: [{ data: { email: 'a@example.com' } }] }),
});
if (answer.status !== 200) throw new Error(`answered ${answer.status}`);
console.log(mock.url);
await mock.stop();
