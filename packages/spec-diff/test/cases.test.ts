// Every folder under cases/ is a spec pair: base.yaml patched by the case's JSON Patch is the head.
// Each case states its verdict and the changes that must be found: every breaking change exactly,
// and at least the listed non-breaking ones (so a non-breaking case proves detection, not silence).
import { readdirSync, readFileSync } from 'node:fs';
import fastJsonPatch, { type Operation } from 'fast-json-patch';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import type { Severity } from '../src/change.js';
import type { Document } from '../src/compare.js';
import { diffContracts } from '../src/diff.js';

interface Case {
  description: string;
  verdict: Severity;
  patch: Operation[];
  changes: { severity: Severity; rule: string; pointer: string }[];
}

const casesDir = new URL('./cases/', import.meta.url);
const base: Document = parse(readFileSync(new URL('base.yaml', casesDir), 'utf8'));
const cases = readdirSync(casesDir, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => [entry.name, JSON.parse(readFileSync(new URL(`${entry.name}/case.json`, casesDir), 'utf8')) as Case] as const);

export function headOf(spec: Case): Document {
  return fastJsonPatch.applyPatch(structuredClone(base), spec.patch, true, false).newDocument;
}

const key = ({ severity, rule, pointer }: { severity: Severity; rule: string; pointer: string }) => `${severity} ${rule} ${pointer}`;

describe('spec pairs', () => {
  it('has breaking and non-breaking cases', () => {
    const verdicts = cases.map(([, spec]) => spec.verdict);
    expect(verdicts.filter((verdict) => verdict === 'breaking').length).toBeGreaterThanOrEqual(20);
    expect(verdicts.filter((verdict) => verdict === 'non-breaking').length).toBeGreaterThanOrEqual(12);
  });

  it.each(cases)('%s', (_name, spec) => {
    const report = diffContracts(base, headOf(spec));
    const found = report.changes.map(key);
    expect(report.breaking, found.join('\n')).toBe(spec.verdict === 'breaking');
    const expectedBreaking = spec.changes.filter((change) => change.severity === 'breaking').map(key).sort();
    expect(report.changes.filter((change) => change.severity === 'breaking').map(key).sort()).toEqual(expectedBreaking);
    for (const expected of spec.changes.filter((change) => change.severity === 'non-breaking')) expect(found).toContain(key(expected));
  });
});
