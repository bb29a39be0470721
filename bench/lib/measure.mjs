// Timing helpers shared by the benchmarks. The machine is shared and noisy, so a benchmark
// never reports absolute times alone: it runs its subject and its baseline alternately, round
// after round, and reports the ratio of each round (min / median / max).
import { performance } from 'node:perf_hooks';

function time(fn) {
  const start = performance.now();
  fn();
  return performance.now() - start;
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};

/**
 * Runs `subject` and `baseline` alternately `rounds` times after `warmup` rounds, and returns
 * the per-round ratios subject/baseline with the median times.
 */
export function compare({ subject, baseline, rounds = 25, warmup = 5 }) {
  const ratios = [];
  const subjectTimes = [];
  const baselineTimes = [];
  for (let round = 0; round < warmup + rounds; round++) {
    globalThis.gc?.();
    const b = time(baseline);
    globalThis.gc?.();
    const s = time(subject);
    if (round < warmup) continue;
    baselineTimes.push(b);
    subjectTimes.push(s);
    ratios.push(s / b);
  }
  return {
    ratio: { min: Math.min(...ratios), median: median(ratios), max: Math.max(...ratios) },
    subjectMs: median(subjectTimes),
    baselineMs: median(baselineTimes),
  };
}

/** Prints one line: the ratio (min/median/max), the target if any, and the median times. */
export function report(name, { ratio, subjectMs, baselineMs }, { target, baselineName } = {}) {
  const verdict = target === undefined ? '' : ratio.median <= target ? `  (target <= ${target}x: met)` : `  (target <= ${target}x: MISSED)`;
  console.log(
    `${name}: ${ratio.median.toFixed(3)}x ${baselineName ?? 'baseline'} ` +
      `[min ${ratio.min.toFixed(3)}, max ${ratio.max.toFixed(3)}]${verdict}  ` +
      `median ${subjectMs.toFixed(2)} ms vs ${baselineMs.toFixed(2)} ms`,
  );
}
