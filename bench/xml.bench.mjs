// The XML codec on a 10,000-profile request (about 8.1 MB of XML; its JSON twin about 6.1 MB),
// against JSON.parse/JSON.stringify of the JSON twin in the same run. Targets (issue 14):
// decode <= 5x JSON.parse, encode <= 3x JSON.stringify. The anchor line is saxes, a strict
// XML parser, only tokenising the same document with no objects built: what a conformant
// reader costs before any work of ours.
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { requestXml, responseXml } from '@altcraft-api/contract';
import { compare, median, report, summarise } from './lib/measure.mjs';
import { makeRequest } from './lib/profiles.mjs';

// saxes is a development dependency of the contract package (its differential test).
const { SaxesParser } = createRequire(import.meta.resolve('@altcraft-api/contract'))('saxes');

const ROUNDS = 15;
const request = makeRequest(10_000);
const json = JSON.stringify(request);
const parsed = JSON.parse(json);
// Decoded as a server receives it: one flat string from the socket's bytes (the encoder's own
// output is a rope of chunks, which reads slower character by character).
const xml = Buffer.from(requestXml.encode(parsed)).toString();
if (JSON.stringify(requestXml.decode(xml)) !== JSON.stringify(parsed)) throw new Error('the benchmark request must survive XML');
console.log(`10,000-profile request: ${(Buffer.byteLength(xml) / 1e6).toFixed(2)} MB of XML, ${(Buffer.byteLength(json) / 1e6).toFixed(2)} MB of JSON; ${ROUNDS} rounds`);

function saxesTokenise(text) {
  let events = 0;
  const parser = new SaxesParser();
  parser.on('opentag', () => events++);
  parser.on('text', () => events++);
  parser.on('closetag', () => events++);
  parser.write(text).close();
  return events;
}

report('anchor: saxes 6 tokenise only (no objects)', await compare({ subject: () => saxesTokenise(xml), baseline: () => JSON.parse(json), rounds: ROUNDS, warmup: 3 }), {
  baselineName: 'JSON.parse',
});
report('XML decode 10,000 profiles', await compare({ subject: () => requestXml.decode(xml), baseline: () => JSON.parse(json), rounds: ROUNDS, warmup: 3 }), {
  target: 5,
  baselineName: 'JSON.parse',
});
report('XML encode 10,000 profiles', await compare({ subject: () => requestXml.encode(parsed), baseline: () => JSON.stringify(parsed), rounds: ROUNDS, warmup: 3 }), {
  target: 3,
  baselineName: 'JSON.stringify',
});

const answer = { error: 0, error_text: 'Successful operation', result: parsed.data.map((_, i) => ({ profile_id: `5f19953a03e42272162${String(i).padStart(5, '0')}` })) };
const answerCodec = responseXml('importAndStartBatch', 200);
report('XML encode of the 10,000-result answer', await compare({ subject: () => answerCodec.encode(answer), baseline: () => JSON.stringify(answer), rounds: ROUNDS, warmup: 3 }), {
  target: 3,
  baselineName: 'JSON.stringify',
});

// The same ratios in CPU time (this process, all its threads). On a shared, loaded machine wall
// time swings with the neighbours; CPU time does not, but it also counts what V8's worker
// threads (the garbage collector's helpers, the optimising compiler) do beside the main
// thread, which the wall time partly hides on a second core. So each CPU line is followed by
// that share: it once was 40 ms of the decoder's 130 (the decoder recompiled after every
// forced collection; xml/decode.ts keeps an idle Reader for that reason), and it is where
// such a regression shows first.
const mainThread = String(process.pid);
/** CPU ms each thread other than the main one has used so far (Linux; empty elsewhere). */
function workerThreadsMs() {
  const used = new Map();
  let tasks = [];
  try {
    tasks = readdirSync('/proc/self/task');
  } catch {
    return used;
  }
  for (const task of tasks) {
    if (task === mainThread) continue;
    try {
      // The first field is the thread's time on a CPU in ns; exact for a thread not running now.
      used.set(task, Number(readFileSync(`/proc/self/task/${task}/schedstat`, 'utf8').split(' ')[0]) / 1e6);
    } catch {
      // the thread ended
    }
  }
  return used;
}
const workerDelta = (before, after) => {
  let ms = 0;
  for (const [task, time] of after) ms += time - (before.get(task) ?? 0);
  return ms;
};

async function compareCpu({ subject, baseline, rounds = ROUNDS, warmup = 3 }) {
  const cpu = (f) => {
    globalThis.gc?.();
    const workersBefore = workerThreadsMs();
    const start = process.cpuUsage();
    f();
    const used = process.cpuUsage(start);
    return { ms: (used.user + used.system) / 1000, workers: workerDelta(workersBefore, workerThreadsMs()) };
  };
  const subjectTimes = [];
  const baselineTimes = [];
  const subjectWorkers = [];
  const baselineWorkers = [];
  for (let round = 0; round < warmup + rounds; round++) {
    const b = cpu(baseline);
    const s = cpu(subject);
    if (round < warmup) continue;
    baselineTimes.push(b.ms);
    subjectTimes.push(s.ms);
    baselineWorkers.push(b.workers);
    subjectWorkers.push(s.workers);
  }
  return { ...summarise(subjectTimes, baselineTimes), workers: { subjectMs: median(subjectWorkers), baselineMs: median(baselineWorkers) } };
}

function reportCpu(name, result, options) {
  report(name, result, options);
  console.log(`  of which on V8's worker threads (GC helpers, compiler): median ${result.workers.subjectMs.toFixed(2)} ms vs ${result.workers.baselineMs.toFixed(2)} ms`);
}

reportCpu('CPU time: saxes 6 tokenise only', await compareCpu({ subject: () => saxesTokenise(xml), baseline: () => JSON.parse(json) }), { baselineName: 'JSON.parse' });
reportCpu('CPU time: XML decode 10,000 profiles', await compareCpu({ subject: () => requestXml.decode(xml), baseline: () => JSON.parse(json) }), { target: 5, baselineName: 'JSON.parse' });
reportCpu('CPU time: XML encode 10,000 profiles', await compareCpu({ subject: () => requestXml.encode(parsed), baseline: () => JSON.stringify(parsed) }), { target: 3, baselineName: 'JSON.stringify' });
reportCpu('CPU time: XML encode of the 10,000-result answer', await compareCpu({ subject: () => answerCodec.encode(answer), baseline: () => JSON.stringify(answer) }), {
  target: 3,
  baselineName: 'JSON.stringify',
});
