// Run by import.bench.mjs and cli.bench.mjs in a fresh process: `SINK COUNT [memory]` sends COUNT
// profiles to the sink with importProfiles and prints its peak RSS, duration and CPU time.
// Streamed (default): each profile is made as importProfiles reads it. `memory`: all of them are
// made before the clock starts (`generationMs`, `generationCpuMs`: what to take off a time
// measured from outside, around the whole process).
import { performance } from 'node:perf_hooks';
import { createAltcraftClient, importProfiles } from '@altcraft-api/client';
import { cpuNow } from './measure.mjs';
import { makeProfile } from './profiles.mjs';

const [sink, countText, mode = 'streamed'] = process.argv.slice(2);
const count = Number(countText);
const client = createAltcraftClient({ baseUrl: `${sink}/api/v1.1`, token: 'abcdefghijklmnqrstuvwxyz' });
const fields = { workflow_id: 12, matching: 'custom', field_name: 'CRM_ID' };

function* fresh(n) {
  for (let i = 0; i < n; i++) yield makeProfile(i, 600);
}

let generationMs = 0;
let generationCpuMs = 0;
let profiles = fresh(count);
if (mode === 'memory') {
  const [wall, cpu] = [performance.now(), cpuNow()];
  profiles = Array.from({ length: count }, (_, i) => makeProfile(i, 600));
  [generationMs, generationCpuMs] = [performance.now() - wall, cpuNow() - cpu];
}
const start = performance.now();
const summary = await importProfiles(client, { ...fields, profiles });
const durationMs = performance.now() - start;
if (summary.imported !== count) throw new Error(`imported ${summary.imported} of ${count}`);
console.log(JSON.stringify({ maxRssMb: process.resourceUsage().maxRSS / 1024, durationMs, generationMs, generationCpuMs, cpuMs: cpuNow() }));
