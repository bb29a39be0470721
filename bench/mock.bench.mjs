// The mock's latency on a 10,000-profile request, against a bare node:http server that only
// parses the body and against stock `prism mock` at its default log level, all measured in
// the same rounds; then its startup time to the first answer.
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { requestXml } from '@altcraft-api/contract';
import { startMock } from '@altcraft-api/mock';
import { cpuNow, median, report, summarise } from './lib/measure.mjs';
import { makeRequest } from './lib/profiles.mjs';

const require = createRequire(import.meta.url);
const PATH = '/api/v1.1/workflows/import_and_start_batch';
const request = makeRequest(10_000);
const json = JSON.stringify(request);
const xml = requestXml.encode(request);

async function startBare() {
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => {
      JSON.parse(Buffer.concat(chunks).toString('utf8'));
      res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"error":0}');
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${server.address().port}`, close: () => new Promise((r) => (server.closeAllConnections(), server.close(r))) };
}

async function waitFor(url, body, contentType = 'application/json', deadlineMs = 20_000) {
  const start = performance.now();
  for (;;) {
    try {
      const response = await fetch(url + PATH, { method: 'POST', headers: { 'Content-Type': contentType }, body });
      await response.arrayBuffer();
      if (response.status === 200) return performance.now() - start;
    } catch {
      // not listening yet
    }
    if (performance.now() - start > deadlineMs) throw new Error(`${url} did not answer within ${deadlineMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

async function startStockPrism() {
  const cli = join(dirname(require.resolve('@stoplight/prism-cli/package.json')), 'dist/index.js');
  const bundle = require.resolve('@altcraft-api/contract/openapi.json');
  const port = 4600 + Math.floor(Math.random() * 300);
  const child = spawn(process.execPath, [cli, 'mock', bundle, '-h', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' });
  const url = `http://127.0.0.1:${port}`;
  await waitFor(url, json);
  return { url, close: () => new Promise((resolve) => (child.once('exit', resolve), child.kill())) };
}

/** One request: its wall time, and the CPU time this process (client and in-process servers) spent on it. */
async function time(url, body, contentType) {
  globalThis.gc?.();
  const start = performance.now();
  const cpuStart = cpuNow();
  const response = await fetch(url + PATH, { method: 'POST', headers: { 'Content-Type': contentType }, body });
  await response.arrayBuffer();
  if (response.status !== 200) throw new Error(`${url} answered ${response.status}`);
  return { wall: performance.now() - start, cpu: cpuNow() - cpuStart };
}

const mock = await startMock({ port: 0 });
const bare = await startBare();
const prism = await startStockPrism();
const ROUNDS = 15;
const times = { mock: [], mockXml: [], bare: [], prism: [] };
const cpuTimes = { mock: [], mockXml: [], bare: [] };
for (let round = 0; round < ROUNDS + 3; round++) {
  const sample = {
    bare: await time(bare.url, json, 'application/json'),
    mock: await time(mock.url, json, 'application/json'),
    mockXml: await time(mock.url, xml, 'application/xml'),
    prism: await time(prism.url, json, 'application/json'),
  };
  if (round < 3) continue;
  for (const key of Object.keys(times)) times[key].push(sample[key].wall);
  for (const key of Object.keys(cpuTimes)) cpuTimes[key].push(sample[key].cpu);
}
await Promise.all([mock.close(), bare.close(), prism.close()]);

// Per-round ratios (both measured in the same round), as every benchmark reports them.
const ratios = (a, b) => summarise(times[a], times[b]);
console.log(`10,000-profile request: ${(json.length / 1e6).toFixed(2)} MB JSON, ${(xml.length / 1e6).toFixed(2)} MB XML; p50 over ${ROUNDS} rounds`);
report('mock p50, JSON', ratios('mock', 'bare'), { target: 2, baselineName: 'bare node:http + JSON.parse' });
report('stock prism mock (log level info) p50, JSON', ratios('prism', 'mock'), { atLeast: 5, baselineName: 'this mock' });
report('mock p50, XML', ratios('mockXml', 'bare'), { target: 3, baselineName: 'bare node:http + JSON.parse (JSON)' });
// The same in CPU time. The mock and the bare server run in this process (Prism does not), so
// a request's CPU time is its client's work plus its server's, without the time spent waiting
// for a core that makes the wall times above swing on a loaded machine.
const cpuRatios = (a, b) => summarise(cpuTimes[a], cpuTimes[b]);
report('CPU time per request: mock, JSON', cpuRatios('mock', 'bare'), { target: 2, baselineName: 'bare node:http + JSON.parse' });
report('CPU time per request: mock, XML', cpuRatios('mockXml', 'bare'), { target: 3, baselineName: 'bare node:http + JSON.parse (JSON)' });

// Startup: a fresh process, from spawn to the first 200.
const cli = join(dirname(fileURLToPath(import.meta.url)), '../apps/mock/dist/cli.js');
const small = JSON.stringify({ token: 't', workflow_id: 1, data: [{ data: { email: 'a@example.com' } }] });
const startups = [];
const bareStartups = [];
for (let run = 0; run < 5; run++) {
  const port = 4900 + run;
  let start = performance.now();
  const child = spawn(process.execPath, [cli, '--port', String(port)], { stdio: 'ignore' });
  await waitFor(`http://127.0.0.1:${port}`, small);
  startups.push(performance.now() - start);
  await new Promise((resolve) => (child.once('exit', resolve), child.kill()));
  start = performance.now();
  const bareChild = spawn(process.execPath, ['-e', `require('node:http').createServer((q, s) => { q.resume(); q.on('end', () => s.end('{}')); }).listen(${port}, '127.0.0.1')`], { stdio: 'ignore' });
  await waitFor(`http://127.0.0.1:${port}`, small);
  bareStartups.push(performance.now() - start);
  await new Promise((resolve) => (bareChild.once('exit', resolve), bareChild.kill()));
}
const startupRatios = startups.map((t, i) => t / bareStartups[i]);
console.log(
  `mock startup to first answer: median ${median(startups).toFixed(0)} ms [min ${Math.min(...startups).toFixed(0)}, max ${Math.max(...startups).toFixed(0)}]` +
    `  (target < 1500 ms: ${median(startups) < 1500 ? 'MET' : 'MISSED'}); ${median(startupRatios).toFixed(2)}x a bare node:http process (${median(bareStartups).toFixed(0)} ms)`,
);
