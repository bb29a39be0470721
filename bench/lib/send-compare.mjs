// Run by import.bench.mjs in a fresh process: `SINK COUNT ROUNDS` sends COUNT profiles (held in
// memory, all distinct) to the sink three ways, alternately, round after round, and prints each
// round's times: importProfiles, "the obvious loop" a user writes in 15 lines (chunks of 10,000,
// JSON.stringify per chunk, 4 fetches in flight, each answer parsed), and the same loop sending
// bodies serialised before the clock starts.
import { performance } from 'node:perf_hooks';
import { createAltcraftClient, importProfiles } from '@altcraft-api/client';
import { makeProfile } from './profiles.mjs';

const [sink, countText, roundsText = '5', only] = process.argv.slice(2);
const count = Number(countText);
const rounds = Number(roundsText);
const TOKEN = 'abcdefghijklmnqrstuvwxyz';
const common = { workflow_id: 12, matching: 'custom', field_name: 'CRM_ID' };
const client = createAltcraftClient({ baseUrl: `${sink}/api/v1.1`, token: TOKEN });
const url = `${sink}/api/v1.1/workflows/import_and_start_batch`;
const profiles = Array.from({ length: count }, (_, i) => makeProfile(i, 600));
const CHUNK = 10_000;

async function post(body, expected) {
  const res = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json', Accept: 'application/json' }, body });
  const answer = await res.json();
  if (answer.error !== 0 || answer.result.length !== expected) throw new Error('unexpected answer');
}

// The obvious loop.
async function obviousLoop() {
  let next = 0;
  const worker = async () => {
    while (next < profiles.length) {
      const chunk = profiles.slice(next, (next += CHUNK));
      await post(JSON.stringify({ token: TOKEN, ...common, data: chunk.map((d) => ({ data: d })) }), chunk.length);
    }
  };
  await Promise.all(Array.from({ length: 4 }, worker));
}

// Its bodies, serialised before the clock starts (the sender's floor: sending and answers only).
const bodies = [];
for (let at = 0; at < profiles.length; at += CHUNK) {
  const chunk = profiles.slice(at, at + CHUNK);
  bodies.push({ body: Buffer.from(JSON.stringify({ token: TOKEN, ...common, data: chunk.map((d) => ({ data: d })) })), count: chunk.length });
}
async function preSerialisedLoop() {
  let next = 0;
  const worker = async () => {
    while (next < bodies.length) {
      const { body, count: n } = bodies[next++];
      await post(body, n);
    }
  };
  await Promise.all(Array.from({ length: 4 }, worker));
}

async function library() {
  const summary = await importProfiles(client, { ...common, profiles });
  if (summary.imported !== count) throw new Error(`imported ${summary.imported} of ${count}: ${JSON.stringify(summary)}`);
}

const subjects = { importMs: library, obviousMs: obviousLoop, preSerialisedMs: preSerialisedLoop };
const out = [];
for (let round = 0; round < rounds + 1; round++) {
  const times = {};
  for (const [name, run] of Object.entries(subjects)) {
    if (only && name !== only) continue;
    globalThis.gc?.();
    const start = performance.now();
    const cpu = process.cpuUsage();
    await run();
    times[name] = performance.now() - start;
    // The sender's own CPU time (user + system), steadier than wall time on a loaded machine.
    const used = process.cpuUsage(cpu);
    times[name.replace(/Ms$/, 'CpuMs')] = (used.user + used.system) / 1000;
  }
  if (round > 0) out.push(times);
}
console.log(JSON.stringify(out));
