// Timing helpers shared by the benchmarks. The machine is shared and noisy, so a benchmark
// never reports absolute times alone: it runs its subject and its baseline alternately, round
// after round, and reports the ratio of each round (min / median / max).
import { performance } from 'node:perf_hooks';

export const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};

function summarise(subjectTimes, baselineTimes) {
  const ratios = subjectTimes.map((s, i) => s / baselineTimes[i]);
  return {
    ratio: { min: Math.min(...ratios), median: median(ratios), max: Math.max(...ratios) },
    subjectMs: median(subjectTimes),
    baselineMs: median(baselineTimes),
  };
}

/**
 * Runs `subject` and `baseline` (sync or async) alternately `rounds` times after `warmup`
 * rounds, and returns the per-round ratios subject/baseline with the median times.
 */
export async function compare({ subject, baseline, rounds = 25, warmup = 5 }) {
  const subjectTimes = [];
  const baselineTimes = [];
  for (let round = 0; round < warmup + rounds; round++) {
    globalThis.gc?.();
    let start = performance.now();
    await baseline();
    const b = performance.now() - start;
    globalThis.gc?.();
    start = performance.now();
    await subject();
    const s = performance.now() - start;
    if (round < warmup) continue;
    baselineTimes.push(b);
    subjectTimes.push(s);
  }
  return summarise(subjectTimes, baselineTimes);
}

/** Prints one line: the ratio (min/median/max), the target if any, and the median times. */
export function report(name, { ratio, subjectMs, baselineMs }, { target, atLeast, baselineName } = {}) {
  let verdict = '';
  if (target !== undefined) verdict = `  (target <= ${target}x: ${ratio.median <= target ? 'met' : 'MISSED'})`;
  if (atLeast !== undefined) verdict = `  (target >= ${atLeast}x: ${ratio.median >= atLeast ? 'met' : 'MISSED'})`;
  console.log(
    `${name}: ${ratio.median.toFixed(3)}x ${baselineName ?? 'baseline'} ` +
      `[min ${ratio.min.toFixed(3)}, max ${ratio.max.toFixed(3)}]${verdict}  ` +
      `median ${subjectMs.toFixed(2)} ms vs ${baselineMs.toFixed(2)} ms`,
  );
}
