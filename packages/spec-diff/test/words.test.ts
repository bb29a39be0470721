// Every change the report lists says what changed and where, in words; the external differ's
// unclassified changes get our rule where we have one, and are listed apart otherwise.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import type { Document } from '../src/compare.js';
import { diffContracts } from '../src/diff.js';
import { formatText } from '../src/format.js';
import { changeInWords, ourRuleFor, placeInWords } from '../src/words.js';

const base: Document = parse(readFileSync(new URL('cases/base.yaml', import.meta.url), 'utf8'));
const OPERATION = ['paths', '/api/v1.1/workflows/import_and_start_batch', 'post'];

/** base.yaml with an advice entry on Profile, as the real contract has them. */
function withAdvice(entry: Record<string, unknown>): Document {
  const document = structuredClone(base) as Document & { components: { schemas: { Profile: Record<string, unknown> } } };
  document.components.schemas.Profile['x-altcraft-advice'] = [entry];
  return document;
}

describe('changes in words', () => {
  it('says where a change sits in the operation', () => {
    const path = [...OPERATION, 'requestBody', 'content', 'application/json', 'schema', 'anyOf', 0, 'allOf', 0, 'properties', 'data', 'items', 'x-altcraft-advice', 0, 'schema'];
    expect(placeInWords(path)).toBe('the request body (application/json), field data[].x-altcraft-advice[0]');
    expect(placeInWords([...OPERATION, 'responses', '200', 'content', 'application/xml', 'schema', 'properties', 'result'])).toBe('the 200 answer (application/xml), field result');
  });

  it("replaces an external description that names no subject, and keeps one that does", () => {
    const path = [...OPERATION, 'requestBody', 'content', 'application/json', 'schema', 'x-altcraft-advice', 0, 'schema'];
    expect(changeInWords({ action: 'add', path, description: '[Added]  in Request Body content (application/json)' })).toBe(
      'added `schema` in the request body (application/json), field x-altcraft-advice[0]',
    );
    expect(changeInWords({ action: 'remove', path, description: undefined })).toMatch(/^removed `schema` in /);
    expect(changeInWords({ action: 'add', path, description: '[Added] annotation (schema) to `data[]` in Request Body' })).toBe('[Added] annotation (schema) to `data[]` in Request Body');
    expect(changeInWords({ action: 'replace', path: [...OPERATION, 'description'], description: '[Replaced] annotation (description)' })).toBe('[Replaced] annotation (description) in the operation');
  });

  it('classifies advice and annotations by our rules, and nothing else', () => {
    expect(ourRuleFor([...OPERATION, 'x-altcraft-advice', 0, 'schema'])).toEqual({ rule: 'advice-changed', severity: 'non-breaking' });
    expect(ourRuleFor([...OPERATION, 'summary'])).toEqual({ rule: 'annotation-changed', severity: 'non-breaking' });
    expect(ourRuleFor([...OPERATION, 'callbacks', 'x'])).toBeUndefined();
  });

  it('an advice entry that gains a schema is an advice change with a message, not an unclassified blank', () => {
    const report = diffContracts(withAdvice({ message: 'ten thousand at most' }), withAdvice({ message: 'ten thousand at most', schema: { maxItems: 10000 } }));
    expect(report.breaking).toBe(false);
    expect(report.changes.length).toBeGreaterThan(0);
    for (const change of report.changes) {
      expect(change.rule).toBe('advice-changed');
      expect(change.message).not.toMatch(/^\[\w+\]\s{2}/);
      expect(change.message).toContain('x-altcraft-advice');
    }
  });

  it('lists what nobody classified apart, under its own heading', () => {
    const report = {
      breaking: false,
      changes: [{ severity: 'non-breaking' as const, rule: 'api-smart-diff:unclassified', pointer: '/paths/x/post/callbacks/y', where: ['POST x'], message: 'added `y` in the operation', source: 'api-smart-diff' as const }],
    };
    const text = formatText(report, 'a', 'b');
    expect(text).toContain('0 breaking, 0 non-breaking, 1 unclassified');
    expect(text).toMatch(/Unclassified \(1\)[^\n]*\n[\s\S]*added `y` in the operation[\s\S]*at \/paths\/x\/post\/callbacks\/y/);
  });
});
