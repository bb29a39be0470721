// The XML codec on a 10,000-profile request (about 8.1 MB of XML; its JSON twin about 6.1 MB),
// against JSON.parse/JSON.stringify of the JSON twin in the same run. Targets (issue 14):
// decode <= 5x JSON.parse, encode <= 3x JSON.stringify. The anchor line is saxes, a strict
// XML parser, only tokenising the same document with no objects built: what a conformant
// reader costs before any work of ours.
import { createRequire } from 'node:module';
import { requestXml, responseXml } from '@altcraft-api/contract';
import { compare, median, report } from './lib/measure.mjs';
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

// The same ratios in CPU time (this process, garbage-collector threads included). On a shared,
// loaded machine wall time swings with the neighbours; CPU time does not, but it also counts
// collector work that runs beside the main thread, which the wall time partly hides.
async function compareCpu({ subject, baseline, rounds = ROUNDS, warmup = 3 }) {
  const cpu = (f) => {
    globalThis.gc?.();
    const start = process.cpuUsage();
    f();
    const used = process.cpuUsage(start);
    return (used.user + used.system) / 1000;
  };
  const subjectTimes = [];
  const baselineTimes = [];
  for (let round = 0; round < warmup + rounds; round++) {
    const b = cpu(baseline);
    const s = cpu(subject);
    if (round < warmup) continue;
    baselineTimes.push(b);
    subjectTimes.push(s);
  }
  const ratios = subjectTimes.map((time, i) => time / baselineTimes[i]);
  return { ratio: { min: Math.min(...ratios), median: median(ratios), max: Math.max(...ratios) }, subjectMs: median(subjectTimes), baselineMs: median(baselineTimes) };
}

report('CPU time: saxes 6 tokenise only', await compareCpu({ subject: () => saxesTokenise(xml), baseline: () => JSON.parse(json) }), { baselineName: 'JSON.parse' });
report('CPU time: XML decode 10,000 profiles', await compareCpu({ subject: () => requestXml.decode(xml), baseline: () => JSON.parse(json) }), { target: 5, baselineName: 'JSON.parse' });
report('CPU time: XML encode 10,000 profiles', await compareCpu({ subject: () => requestXml.encode(parsed), baseline: () => JSON.stringify(parsed) }), { target: 3, baselineName: 'JSON.stringify' });
