// Run by import.bench.mjs and cli.bench.mjs in a fresh process: `SINK COUNT` streams COUNT fresh
// profiles to the sink with importProfiles and prints its peak RSS and duration.
import { performance } from 'node:perf_hooks';
import { createAltcraftClient, importProfiles } from '@altcraft-api/client';
import { makeProfile } from './profiles.mjs';

const [sink, countText] = process.argv.slice(2);
const count = Number(countText);
const client = createAltcraftClient({ baseUrl: `${sink}/api/v1.1`, token: 'abcdefghijklmnqrstuvwxyz' });
const fields = { workflow_id: 12, matching: 'custom', field_name: 'CRM_ID' };

function* fresh(n) {
  for (let i = 0; i < n; i++) yield makeProfile(i, 600);
}

const start = performance.now();
const summary = await importProfiles(client, { ...fields, profiles: fresh(count) });
const durationMs = performance.now() - start;
if (summary.imported !== count) throw new Error(`imported ${summary.imported} of ${count}`);
console.log(JSON.stringify({ maxRssMb: process.resourceUsage().maxRSS / 1024, durationMs }));
