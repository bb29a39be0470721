// The batch planner run in a worker thread with a deadline. A planner that stops making
// progress spins through awaited microtasks: that starves the timers of the thread it runs in,
// so neither vitest's test timeout nor a setTimeout in the test could ever end it. In a worker
// it is terminated from outside, and the test fails saying so instead of hanging the suite.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import ts from 'typescript';
import type { PlannerOptions } from '../../src/batch-planner.js';

export type Input = Record<string, unknown> | Uint8Array;
export type Planned =
  | { kind: 'batch'; first: number; count: number; bytes: number; text: string; binary: boolean }
  | { kind: 'unsendable'; index: number; reason: string };
export interface Run {
  input: Input[];
  options: PlannerOptions;
}

const source = fileURLToPath(new URL('../../src/batch-planner.ts', import.meta.url));
const contract = pathToFileURL(createRequire(import.meta.url).resolve('@altcraft-api/contract')).href;

// The source as it is now (a hand-made mutation included), compiled on its own: the worker
// cannot load TypeScript, and dist/ may be older than src/.
function compile(dir: string): string {
  const { outputText } = ts.transpileModule(readFileSync(source, 'utf8'), {
    compilerOptions: { module: ts.ModuleKind.ES2022, target: ts.ScriptTarget.ES2022 },
  });
  const planner = join(dir, 'batch-planner.mjs');
  writeFileSync(planner, outputText.replace(/from '@altcraft-api\/contract'/g, `from ${JSON.stringify(contract)}`));
  const worker = join(dir, 'worker.mjs');
  writeFileSync(
    worker,
    `import { parentPort, workerData } from 'node:worker_threads';
import { planBatches } from ${JSON.stringify(pathToFileURL(planner).href)};
const results = [];
for (const { input, options } of workerData) {
  const out = [];
  for await (const p of planBatches(input, options)) {
    if (p.kind === 'unsendable') out.push(p);
    else out.push({ kind: 'batch', first: p.first, count: p.count, bytes: p.body.bytes, binary: typeof p.body.text !== 'string', text: Buffer.from(p.body.text).toString('utf8') });
  }
  results.push(out);
}
parentPort.postMessage(results);
`,
  );
  return worker;
}

/**
 * What the planner yields for each run, or a failure when it has not finished within
 * `deadlineMs`: idle, a worker plans a few hundred small inputs in under a second; the deadline
 * leaves room for a load of 20 on 2 cores.
 */
export async function planGuarded(runs: Run[], deadlineMs = 60_000): Promise<Planned[][]> {
  const dir = mkdtempSync(join(tmpdir(), 'altcraft-planner-'));
  try {
    const worker = new Worker(compile(dir), { workerData: runs });
    return await new Promise<Planned[][]>((resolve, reject) => {
      const timer = setTimeout(() => {
        void worker.terminate();
        reject(new Error(`the batch planner did not finish ${runs.length} run(s) within ${deadlineMs} ms: it makes no progress (an endless loop)`));
      }, deadlineMs);
      worker.once('message', (results: Planned[][]) => {
        clearTimeout(timer);
        void worker.terminate();
        resolve(results);
      });
      worker.once('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
