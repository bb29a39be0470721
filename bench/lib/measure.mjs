// Timing helpers shared by the benchmarks. The machine is shared and noisy, so a benchmark
// never reports absolute times alone: it runs its subject and its baseline alternately, round
// after round, and reports the ratio of each round (min / median / max).
import { performance } from 'node:perf_hooks';

export const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};

/**
 * The one way every benchmark summarises: the ratio subject/baseline of each round (both
 * measured in that round), as min / median / max, with the median times.
 */
export function summarise(subjectTimes, baselineTimes) {
  if (subjectTimes.length !== baselineTimes.length || subjectTimes.length === 0) throw new Error('summarise: one baseline time per subject time');
  const ratios = subjectTimes.map((s, i) => s / baselineTimes[i]);
  return {
    ratio: { min: Math.min(...ratios), median: median(ratios), max: Math.max(...ratios) },
    subjectMs: median(subjectTimes),
    baselineMs: median(baselineTimes),
  };
}

/**
 * The process's CPU time (user + system, all threads), in ms. For synchronous work in this
 * process it is steadier than wall time on a loaded machine: time spent waiting for a core
 * is not counted.
 */
export function cpuNow() {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/**
 * Runs `subject` and `baseline` (sync or async) alternately `rounds` times after `warmup`
 * rounds, and returns the per-round ratios subject/baseline with the median times. `before`,
 * if given, runs untimed before each timed call (fresh inputs for a subject that mutates them).
 * `clock`: 'wall' (default) or 'cpu' (cpuNow; only for synchronous work in this process).
 */
export async function compare({ subject, baseline, before, rounds = 25, warmup = 5, clock = 'wall' }) {
  const now = clock === 'cpu' ? cpuNow : () => performance.now();
  const subjectTimes = [];
  const baselineTimes = [];
  for (let round = 0; round < warmup + rounds; round++) {
    await before?.();
    globalThis.gc?.();
    let start = now();
    await baseline();
    const b = now() - start;
    await before?.();
    globalThis.gc?.();
    start = now();
    await subject();
    const s = now() - start;
    if (round < warmup) continue;
    baselineTimes.push(b);
    subjectTimes.push(s);
  }
  return summarise(subjectTimes, baselineTimes);
}

/**
 * Prints one line: the ratio (median, [min, max] over rounds), the target and whether the median
 * meets it (MET / MISSED; "no target" for a line that only informs), and the median times.
 */
export function report(name, { ratio, subjectMs, baselineMs }, { target, atLeast, baselineName, unit = 'ms' } = {}) {
  let verdict = '  (no target)';
  if (target !== undefined) verdict = `  (target <= ${target}x: ${ratio.median <= target ? 'MET' : 'MISSED'})`;
  if (atLeast !== undefined) verdict = `  (target >= ${atLeast}x: ${ratio.median >= atLeast ? 'MET' : 'MISSED'})`;
  console.log(
    `${name}: ${ratio.median.toFixed(3)}x ${baselineName ?? 'baseline'} ` +
      `[min ${ratio.min.toFixed(3)}, median ${ratio.median.toFixed(3)}, max ${ratio.max.toFixed(3)}]${verdict}  ` +
      `median ${subjectMs.toFixed(2)} ${unit} vs ${baselineMs.toFixed(2)} ${unit}`,
  );
}
