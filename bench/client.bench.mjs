// The client's overhead on a 10,000-profile request to a local sink (a process of its own),
// against a bare fetch that sends the same pre-serialised body and parses the same answer.
import { createAltcraftClient } from '@altcraft-api/client';
import { compare, report } from './lib/measure.mjs';
import { makeRequest } from './lib/profiles.mjs';
import { startSinkProcess } from './lib/processes.mjs';

const request = makeRequest(10_000);
const sink = await startSinkProcess();
const client = createAltcraftClient({ baseUrl: `${sink.url}/api/v1.1`, token: 'abcdefghijklmnqrstuvwxyz' });
const { token: _token, ...withoutToken } = request;
const serialized = JSON.stringify({ ...withoutToken, token: 'abcdefghijklmnqrstuvwxyz' });
const url = `${sink.url}/api/v1.1/workflows/import_and_start_batch`;
const bareFetch = async () => {
  const response = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json', Accept: 'application/json' }, body: serialized });
  const answer = await response.json();
  if (answer.error !== 0) throw new Error('unexpected answer');
};

console.log(`10,000-profile request: ${(Buffer.byteLength(serialized) / 1e6).toFixed(2)} MB`);
report('client.importAndStartBatch, 10,000 profiles (serialising included)', await compare({ subject: () => client.importAndStartBatch(withoutToken), baseline: bareFetch, rounds: 20 }), {
  baselineName: 'bare fetch',
});
await sink.stop();
