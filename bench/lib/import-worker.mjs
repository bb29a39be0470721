// Run by import.bench.mjs in a fresh process: `SINK COUNT` streams COUNT fresh profiles to the
// sink with importProfiles and prints its peak RSS and duration; `SINK COUNT compare` times importProfiles
// against a bare fetch loop sending the same bodies pre-serialised, and one serialising them.
import { performance } from 'node:perf_hooks';
import { createAltcraftClient, importProfiles, planBatches } from '@altcraft-api/client';
import { makeProfile } from './profiles.mjs';

const [sink, countText, mode] = process.argv.slice(2);
const count = Number(countText);
const client = createAltcraftClient({ baseUrl: `${sink}/api/v1.1`, token: 'abcdefghijklmnqrstuvwxyz' });
const fields = { workflow_id: 12, matching: 'custom', field_name: 'CRM_ID' };

function* fresh(n) {
  for (let i = 0; i < n; i++) yield makeProfile(i, 600);
}

if (mode !== 'compare') {
  const start = performance.now();
  const summary = await importProfiles(client, { ...fields, profiles: fresh(count) });
  const durationMs = performance.now() - start;
  if (summary.imported !== count) throw new Error(`imported ${summary.imported} of ${count}`);
  console.log(JSON.stringify({ maxRssMb: process.resourceUsage().maxRSS / 1024, durationMs }));
} else {
  // The same 100 bodies for both: a pool of 10,000 profiles, cycled.
  const pool = Array.from({ length: 10_000 }, (_, i) => makeProfile(i, 600));
  const cycling = function* () {
    for (let i = 0; i < count; i++) yield pool[i % pool.length];
  };
  const bodies = [];
  for await (const planned of planBatches(cycling(), { format: 'json', fields: { ...fields, token: 'abcdefghijklmnqrstuvwxyz' }, maxProfiles: 10_000, maxBodyBytes: 10_485_760, startIndex: 0 })) {
    if (bodies.length === 0) bodies.push(planned.body);
  }
  const url = `${sink}/api/v1.1/workflows/import_and_start_batch`;
  const batches = Math.ceil(count / 10_000);
  let next = 0;
  const fetchLoop = async () => {
    while (next < batches) {
      next++;
      const response = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json', Accept: 'application/json' }, body: bodies[0] });
      const answer = await response.json();
      if (answer.error !== 0 || answer.result.length !== 10_000) throw new Error('unexpected answer');
    }
  };
  // Like for like: a fetch loop that serialises each body itself (JSON.stringify + UTF-8).
  let serialized = 0;
  const serializingLoop = async () => {
    while (serialized < batches) {
      serialized++;
      const body = Buffer.from(JSON.stringify({ ...fields, token: 'abcdefghijklmnqrstuvwxyz', data: pool.map((data) => ({ data })) }));
      const response = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json', Accept: 'application/json' }, body });
      const answer = await response.json();
      if (answer.error !== 0 || answer.result.length !== 10_000) throw new Error('unexpected answer');
    }
  };
  globalThis.gc?.();
  let start = performance.now();
  await Promise.all(Array.from({ length: 4 }, fetchLoop));
  const fetchMs = performance.now() - start;
  globalThis.gc?.();
  start = performance.now();
  await Promise.all(Array.from({ length: 4 }, serializingLoop));
  const serializingMs = performance.now() - start;
  globalThis.gc?.();
  start = performance.now();
  const summary = await importProfiles(client, { ...fields, profiles: cycling() });
  const importMs = performance.now() - start;
  if (summary.imported !== count) throw new Error(`imported ${summary.imported} of ${count}`);
  console.log(JSON.stringify({ fetchMs, serializingMs, importMs }));
}
