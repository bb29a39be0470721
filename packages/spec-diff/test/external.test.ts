// What api-smart-diff, on its own, makes of the same spec pairs: the reason compare.ts exists.
// If an upgrade of the differ changes these lists, this test says so (and the README's table is
// due for an update).
import { readdirSync, readFileSync } from 'node:fs';
import { apiCompare } from 'api-smart-diff';
import fastJsonPatch, { type Operation } from 'fast-json-patch';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { diffContracts } from '../src/diff.js';

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

describe('api-smart-diff within spec:diff', () => {
  it('is not heard on what our checks own (here, an XML name it calls unclassified)', () => {
    const spec = JSON.parse(readFileSync(new URL('xml-item-name-changed/case.json', casesDir), 'utf8'));
    const head = fastJsonPatch.applyPatch(structuredClone(base), spec.patch, true, false).newDocument;
    expect(apiCompare(structuredClone(base), head).diffs.length).toBeGreaterThan(0);
    expect(diffContracts(base, head).changes.map((change) => change.rule)).toEqual(['xml-changed']);
  });
});

describe('api-smart-diff alone', () => {
  it('misses these breaking changes', () => {
    expect(verdicts.filter((v) => v.breaking && !v.alone).map((v) => v.name)).toEqual([
      'body-limit-lowered',
      'envelope-field-allows-anything',
      'envelope-type-changed',
      'max-profiles-lowered',
      'operation-id-changed',
      'request-profile-closed',
      'request-property-removed-closed',
      'response-field-allows-anything',
      'response-header-optional',
      'response-header-type-changed',
      'security-scheme-changed',
      'security-scheme-removed',
      'xml-attribute-changed',
      'xml-item-name-changed',
      'xml-unwrap-removed',
      'xml-wrapping-changed',
    ]);
  });

  it('raises these false alarms', () => {
    expect(verdicts.filter((v) => !v.breaking && v.alone).map((v) => v.name)).toEqual([
      'envelope-bound-moved-to-advice',
      'request-default-removed',
      'request-format-widened',
      'request-min-items-zero-added',
      'request-type-nullable',
      'response-object-opened',
    ]);
  });
});
