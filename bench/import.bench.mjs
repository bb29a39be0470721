// importProfiles: planning cost, memory while streaming, wire overhead, XML encoding. Every
// figure is a ratio against a baseline measured in the same run.
import { performance } from 'node:perf_hooks';
import { createBatchEncoder } from '@altcraft-api/contract';
import { planBatches } from '@altcraft-api/client';
import { median, report } from './lib/measure.mjs';
import { runJson, startSinkProcess } from './lib/processes.mjs';
import { makeProfile } from './lib/profiles.mjs';

const FIELDS = { token: 'abcdefghijklmnqrstuvwxyz', workflow_id: 12, matching: 'custom', field_name: 'CRM_ID' };
const TOTAL = 1_000_000;

/** `count` profiles cycling over a pool of 10,000, so generating them costs nothing measurable. */
function* cycling(pool, count) {
  for (let i = 0; i < count; i++) yield pool[i % pool.length];
}

async function planningRatio(bytes) {
  const pool = Array.from({ length: 10_000 }, (_, i) => makeProfile(i, bytes));
  const rounds = [];
  for (let round = 0; round < 3; round++) {
    const sizes = [];
    let start = performance.now();
    for await (const planned of planBatches(cycling(pool, TOTAL), { format: 'json', fields: FIELDS, maxProfiles: 10_000, maxBodyBytes: 10_485_760, startIndex: 0 })) {
      if (planned.kind === 'batch') sizes.push(planned.indexes.length);
    }
    const planMs = performance.now() - start;
    // Baseline: one JSON.stringify per final chunk, the same chunks.
    let baseMs = 0;
    let encodeMs = 0;
    let offset = 0;
    for (const size of sizes) {
      const chunk = Array.from({ length: size }, (_, i) => ({ data: pool[(offset + i) % pool.length] }));
      offset += size;
      start = performance.now();
      const body = JSON.stringify({ ...FIELDS, data: chunk });
      baseMs += performance.now() - start;
      start = performance.now();
      Buffer.from(body);
      encodeMs += performance.now() - start;
    }
    rounds.push({ planMs, baseMs, encodeMs, batches: sizes.length });
  }
  const ratios = rounds.map((r) => r.planMs / r.baseMs);
  report(
    `planning + serialising 1,000,000 profiles of ~${bytes} B (${rounds[0].batches} bodies)`,
    { ratio: { min: Math.min(...ratios), median: median(ratios), max: Math.max(...ratios) }, subjectMs: median(rounds.map((r) => r.planMs)), baselineMs: median(rounds.map((r) => r.baseMs)) },
    { target: 1.2, baselineName: 'one JSON.stringify per final body' },
  );
  const withEncode = rounds.map((r) => r.planMs / (r.baseMs + r.encodeMs));
  console.log(`  the same against JSON.stringify + UTF-8 encoding of each body (the bytes a sender must produce): ${median(withEncode).toFixed(3)}x [min ${Math.min(...withEncode).toFixed(3)}, max ${Math.max(...withEncode).toFixed(3)}]`);
}

await planningRatio(600);
await planningRatio(3000);

// Peak RSS of a streaming import, 1,000,000 vs 100,000 profiles, each run in a fresh process.
const sink = await startSinkProcess();
const worker = new URL('./lib/import-worker.mjs', import.meta.url).pathname;
const rss = { small: [], large: [] };
for (let round = 0; round < 3; round++) {
  rss.small.push((await runJson(worker, [sink.url, '100000'])).maxRssMb);
  rss.large.push((await runJson(worker, [sink.url, String(TOTAL)])).maxRssMb);
}
const rssRatios = rss.large.map((mb, i) => mb / rss.small[i]);
report('peak RSS streaming 1,000,000 profiles', { ratio: { min: Math.min(...rssRatios), median: median(rssRatios), max: Math.max(...rssRatios) }, subjectMs: median(rss.large), baselineMs: median(rss.small) }, {
  target: 1.1,
  baselineName: '100,000 profiles',
});
console.log('  (the two figures at the end are MB, not ms)');

// Wire overhead: 100 batches of 10,000 profiles, importProfiles vs a bare fetch loop sending the
// same pre-serialised bodies with the same concurrency.
const wire = [];
for (let round = 0; round < 5; round++) wire.push(await runJson(worker, [sink.url, '1000000', 'compare']));
const wireRatios = wire.map((w) => w.importMs / w.fetchMs);
report('sending 100 batches of 10,000 profiles', { ratio: { min: Math.min(...wireRatios), median: median(wireRatios), max: Math.max(...wireRatios) }, subjectMs: median(wire.map((w) => w.importMs)), baselineMs: median(wire.map((w) => w.fetchMs)) }, {
  target: 1.1,
  baselineName: 'bare fetch loop, same bodies, concurrency 4',
});
const likeForLike = wire.map((w) => w.importMs / w.serializingMs);
console.log(`  the same against a fetch loop that serialises each body itself: ${median(likeForLike).toFixed(3)}x [min ${Math.min(...likeForLike).toFixed(3)}, max ${Math.max(...likeForLike).toFixed(3)}]`);
await sink.stop();

// XML: one 10,000-profile batch, the XML encoder vs JSON.stringify of the same batch.
const profiles = Array.from({ length: 10_000 }, (_, i) => makeProfile(i, 600));
const xmlEncoder = createBatchEncoder('xml', FIELDS);
const xmlTimes = [];
const jsonTimes = [];
for (let round = 0; round < 8; round++) {
  let start = performance.now();
  JSON.stringify({ ...FIELDS, data: profiles.map((data) => ({ data })) });
  jsonTimes.push(performance.now() - start);
  start = performance.now();
  xmlEncoder.head + xmlEncoder.items(profiles) + xmlEncoder.tail;
  xmlTimes.push(performance.now() - start);
}
const xmlRatios = xmlTimes.slice(2).map((t, i) => t / jsonTimes[i + 2]);
report('XML encoding of a 10,000-profile batch', { ratio: { min: Math.min(...xmlRatios), median: median(xmlRatios), max: Math.max(...xmlRatios) }, subjectMs: median(xmlTimes.slice(2)), baselineMs: median(jsonTimes.slice(2)) }, {
  baselineName: 'JSON.stringify',
});
