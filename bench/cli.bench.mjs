// altcraft-import's throughput on a 200,000-profile NDJSON file to a local sink, against
// importProfiles called directly with the same number of profiles, in the same rounds.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { median, report, summarise } from './lib/measure.mjs';
import { runJson, startSinkProcess } from './lib/processes.mjs';
import { makeProfile } from './lib/profiles.mjs';

const COUNT = 200_000;
const dir = mkdtempSync(join(tmpdir(), 'altcraft-bench-'));
const input = join(dir, 'profiles.ndjson');
writeFileSync(input, Array.from({ length: COUNT }, (_, i) => JSON.stringify(makeProfile(i, 600))).join('\n') + '\n');
const cli = new URL('../packages/cli/dist/cli.js', import.meta.url).pathname;
const worker = new URL('./lib/import-worker.mjs', import.meta.url).pathname;
const sink = await startSinkProcess();

async function runCli() {
  const start = performance.now();
  const child = spawn(process.execPath, [cli, '--base-url', `${sink.url}/api/v1.1`, '--workflow', '12', '--matching', 'custom', '--field-name', 'CRM_ID', input], {
    env: { ...process.env, ALTCRAFT_TOKEN: 'abcdefghijklmnqrstuvwxyz' },
    stdio: 'ignore',
  });
  const [code] = await once(child, 'exit');
  if (code !== 0) throw new Error(`altcraft-import exited with ${code}`);
  return performance.now() - start;
}

const cliMs = [];
const directMs = [];
for (let round = 0; round < 3; round++) {
  cliMs.push(await runCli());
  directMs.push((await runJson(worker, [sink.url, String(COUNT)])).durationMs);
}
await sink.stop();
rmSync(dir, { recursive: true, force: true });
console.log(`altcraft-import, 200,000 profiles of ~600 B from NDJSON: ${Math.round(COUNT / (median(cliMs) / 1000)).toLocaleString('en-US')} profiles/s (process start included)`);
report('altcraft-import throughput', summarise(cliMs, directMs), {
  target: 1.2,
  baselineName: 'importProfiles called directly (profiles in memory)',
});
