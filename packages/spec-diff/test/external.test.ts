// What api-smart-diff, on its own, makes of the same spec pairs: the reason compare.ts exists.
// If an upgrade of the differ changes these lists, this test says so (and the README's table is
// due for an update).
import { readdirSync, readFileSync } from 'node:fs';
import { apiCompare } from 'api-smart-diff';
import fastJsonPatch, { type Operation } from 'fast-json-patch';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';

const casesDir = new URL('./cases/', import.meta.url);
const base = parse(readFileSync(new URL('base.yaml', casesDir), 'utf8'));

function aloneSaysBreaking(patch: Operation[]): boolean {
  const head = fastJsonPatch.applyPatch(structuredClone(base), patch, true, false).newDocument;
  return apiCompare(structuredClone(base), head).diffs.some((diff) => diff.path[0] === 'paths' && diff.type === 'breaking');
}

const verdicts = readdirSync(casesDir, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => {
    const spec = JSON.parse(readFileSync(new URL(`${entry.name}/case.json`, casesDir), 'utf8'));
    return { name: entry.name, breaking: spec.verdict === 'breaking', alone: aloneSaysBreaking(spec.patch) };
  });

describe('api-smart-diff alone', () => {
  it('misses these breaking changes', () => {
    expect(verdicts.filter((v) => v.breaking && !v.alone).map((v) => v.name)).toEqual([
      'body-limit-lowered',
      'envelope-type-changed',
      'max-profiles-lowered',
      'request-profile-closed',
      'request-property-removed-closed',
      'required-header-parameter-added',
      'security-requirement-added',
      'xml-attribute-changed',
      'xml-item-name-changed',
      'xml-unwrap-removed',
      'xml-wrapping-changed',
    ]);
  });

  it('raises these false alarms', () => {
    expect(verdicts.filter((v) => !v.breaking && v.alone).map((v) => v.name)).toEqual(['request-type-nullable']);
  });
});
