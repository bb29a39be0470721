import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
// @ts-expect-error a plain .mjs build script (build:bundle's), with no declarations
import { resolveKnownFields } from '../scripts/known-fields.mjs';
import { validateRequest } from '../src/index.js';

const bundled = JSON.parse(readFileSync(new URL('../dist/openapi.json', import.meta.url), 'utf8'));
const VARIANTS = (bundled.components.schemas.ImportAndStartBatchRequest.anyOf as { $ref: string }[]).map((member) => member.$ref.split('/').pop()!);

type Advice = { 'x-check'?: string; schema?: { propertyNames?: { enum?: string[] } } };
const knownFields = (document: typeof bundled, schema: string) =>
  (document.components.schemas[schema]['x-altcraft-advice'] as Advice[]).find((entry) => entry['x-check'] === 'known-fields')!.schema!.propertyNames!.enum!;

describe('x-check: known-fields', () => {
  it('a field added to BatchRequestCommon becomes known to every request variant, with no list to edit', () => {
    const edited = structuredClone(bundled);
    edited.components.schemas.BatchRequestCommon.properties.external_ref = { type: 'string' };
    resolveKnownFields(edited);
    for (const variant of VARIANTS) expect(knownFields(edited, variant), variant).toContain('external_ref');
  });

  it('lists what each variant declares, through allOf, and not what it forbids', () => {
    expect(knownFields(bundled, 'MatchByCustomField')).toEqual(expect.arrayContaining(['workflow_id', 'data', 'matching', 'field_name']));
    expect(knownFields(bundled, 'MatchByEmail')).not.toContain('field_name');
    // The query variant declares `matching: false`: sending it is another variant, not a known field here.
    expect(knownFields(bundled, 'MatchByCustomRequest')).not.toContain('matching');
    expect(knownFields(bundled, 'ProfileBatchItem')).toEqual(['data']);
  });

  it('refuses a reference it cannot resolve rather than guess a list', () => {
    const broken = { components: { schemas: { A: { allOf: [{ $ref: '#/components/schemas/Missing' }], 'x-altcraft-advice': [{ message: 'm', 'x-check': 'known-fields' }] } } } };
    expect(() => resolveKnownFields(broken)).toThrow(/cannot resolve #\/components\/schemas\/Missing/);
  });

  it('warns about a misspelt field and not about a declared one', () => {
    const body = { workflow_id: 1, data: [{ data: { email: 'a@example.com' } }] };
    expect(validateRequest({ ...body, skip_trigers: true }).warnings).toEqual([expect.objectContaining({ pointer: '/skip_trigers' })]);
    expect(validateRequest({ ...body, skip_triggers: true }).warnings).toEqual([]);
    expect(validateRequest({ workflow_id: 1, data: [{ data: { email: 'a@example.com' }, dat: 1 }] }).warnings).toEqual([expect.objectContaining({ pointer: '/data/0/dat' })]);
  });
});
