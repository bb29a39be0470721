// Validation and XML codec cost on a 10,000-profile request, against JSON.parse/stringify of
// the same body measured in the same run, in CPU time (this machine is shared: wall times of a
// few ms are mostly waiting for a core). Budget (DESIGN.md, issue 14): the contract tier
// <= 0.25x JSON.parse, with advice <= 0.6x.
import { requestXml, validateRequest } from '@altcraft-api/contract';
import { compare, report } from './lib/measure.mjs';
import { makeRequest } from './lib/profiles.mjs';

const request = makeRequest(10_000);
const body = JSON.stringify(request);
const parsed = JSON.parse(body);
if (!validateRequest(parsed).valid) throw new Error('the benchmark request must be valid');
console.log(`10,000-profile request: ${(Buffer.byteLength(body) / 1e6).toFixed(2)} MB of JSON`);

report('validate 10,000 valid profiles, contract tier (advice: false)', await compare({ subject: () => validateRequest(parsed, { advice: false }), baseline: () => JSON.parse(body), clock: 'cpu', rounds: 41 }), {
  target: 0.25,
  baselineName: 'JSON.parse',
});
report('validate 10,000 valid profiles, with advice (warnings, the default)', await compare({ subject: () => validateRequest(parsed), baseline: () => JSON.parse(body), clock: 'cpu', rounds: 41 }), {
  target: 0.6,
  baselineName: 'JSON.parse',
});

// Every 100th profile draws a warning: only those go through Ajv (no target; for comparison).
const warned = { ...parsed, data: parsed.data.map((item, i) => (i % 100 === 0 ? { data: { ...item.data, email: `person-${i}` } } : item)) };
const warnedBody = JSON.stringify(warned);
report('validate 10,000 profiles, 100 of them warned, with advice', await compare({ subject: () => validateRequest(warned), baseline: () => JSON.parse(warnedBody), clock: 'cpu', rounds: 41 }), {
  baselineName: 'JSON.parse',
});

const garbage = { ...parsed, data: parsed.data.map(() => ({ data: { email: 42, phones: false } })) };
const garbageBody = JSON.stringify(garbage);
report('validate 10,000 invalid profiles (capped)', await compare({ subject: () => validateRequest(garbage), baseline: () => JSON.parse(garbageBody), clock: 'cpu', rounds: 41 }), {
  baselineName: 'JSON.parse',
});

const xml = requestXml.encode(parsed);
report('XML encode 10,000 profiles', await compare({ subject: () => requestXml.encode(parsed), baseline: () => JSON.stringify(parsed), rounds: 10 }), {
  baselineName: 'JSON.stringify',
});
report('XML decode 10,000 profiles', await compare({ subject: () => requestXml.decode(xml), baseline: () => JSON.parse(body), rounds: 10 }), {
  baselineName: 'JSON.parse',
});
