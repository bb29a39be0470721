import { makeProfile } from '/work/wt/perf/bench/lib/profiles.mjs';
const [sink] = process.argv.slice(2);
const TOKEN = 'abcdefghijklmnqrstuvwxyz';
const common = { workflow_id: 12, matching: 'custom', field_name: 'CRM_ID' };
const url = `${sink}/api/v1.1/workflows/import_and_start_batch`;
const profiles = Array.from({ length: 300000 }, (_, i) => makeProfile(i, 600));
let next = 0;
const worker = async () => {
  while (next < profiles.length) {
    const chunk = profiles.slice(next, (next += 10000));
    const res = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json', Accept: 'application/json' }, body: JSON.stringify({ token: TOKEN, ...common, data: chunk.map((d) => ({ data: d })) }) });
    const answer = await res.json();
    if (answer.error !== 0 || answer.result.length !== chunk.length) throw new Error('unexpected answer');
  }
};
const t = performance.now();
await Promise.all(Array.from({ length: 4 }, worker));
console.log(performance.now() - t);
