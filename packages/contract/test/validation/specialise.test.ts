// The specialised check may only pass what Ajv passes (without a warning, when advice is folded
// in); it should pass all of that, or valid bodies lose the fast path. Differential tests: the
// check against Ajv item by item, validateRequest with the check against validateRequest without
// it, and each keyword the check knows against Ajv on small schemas.
import { isDeepStrictEqual } from 'node:util';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveSchemaRef } from '../../src/document.js';
import { specialiseItem, useSpecialisedChecks, validateRequest, type ValidateOptions } from '../../src/validate.js';
import { FORMAT_NAMES, ajvFormat, formatChecks } from '../../src/validation/formats.js';
import { excludedCodeUnits, specialise, type SpecialiseOptions } from '../../src/validation/specialise.js';
import { SCALARS, STRINGS, corpus } from '../support/validation-corpus.js';

const ITEM = { $ref: '#/components/schemas/ProfileBatchItem' };
// The differential sweeps over the corpus validate every item or body twice (Ajv is the oracle):
// 0.1-0.3 s each idle, 3-5 s under a load of 22-28 on 2 cores (7-17 s when they still called
// expect for every item).
const HEAVY = 60_000;

afterEach(() => useSpecialisedChecks(true));

/** A value for a failure message (some corpus values nest too deep for JSON.stringify). */
function show(value: unknown): string {
  try {
    return (JSON.stringify(value) ?? String(value)).slice(0, 500);
  } catch {
    return '(too deep to print)';
  }
}

/** What Ajv alone says of one profile item, in a body that draws no warning of its own. */
function ajvItem(item: unknown, advice: boolean): boolean {
  useSpecialisedChecks(false);
  try {
    const result = validateRequest({ workflow_id: 12, data: [item] }, { advice });
    return result.valid && result.warnings.length === 0;
  } finally {
    useSpecialisedChecks(true);
  }
}

const items = corpus(600, 7).flatMap((body) => (Array.isArray(body.data) ? body.data : []));

describe('the specialised check of a profile item', () => {
  it('exists for the contract, with and without advice (else every item would take the slow path)', () => {
    expect(specialiseItem(ITEM, false)).toBeTypeOf('function');
    expect(specialiseItem(ITEM, true)).toBeTypeOf('function');
  });

  it.each([
    ['the contract tier', false],
    ['the contract and its advice', true],
  ])('passes exactly the corpus items Ajv passes, for %s', (_name, advice) => {
    const check = specialiseItem(ITEM, advice)!;
    let passed = 0;
    // Compared in bulk: an expect per item, with its printed label, cost more than both checks.
    const disagreements: string[] = [];
    for (const item of items) {
      const expected = ajvItem(item, advice);
      if (check(item, 2) !== expected) disagreements.push(`${show(item)}: Ajv says ${expected}`);
      if (expected) passed++;
    }
    expect(disagreements).toEqual([]);
    // Both answers are well represented, so the agreement means something.
    expect(items.length).toBeGreaterThan(1_500);
    expect(passed / items.length).toBeGreaterThan(0.25);
    expect(passed / items.length).toBeLessThan(0.9);
  }, HEAVY);

  it('counts depth from where the item sits', () => {
    let value: unknown = 1;
    for (let i = 0; i < 9_996; i++) value = [value];
    const item = { data: { notes: value } };
    const check = specialiseItem(ITEM, false)!;
    // /data/0/data/notes is 4 levels below the root: 9,996 arrays reach the 10,000 limit.
    expect(check(item, 2)).toBe(true);
    expect(check(item, 3)).toBe(false);
  });
});

describe('validateRequest with the specialised checks', () => {
  const bodies = corpus(500, 11);
  const options: ValidateOptions[] = [{}, { advice: false }, { strict: true }, { maxViolations: 1 }, { maxViolations: 2, advice: false }];

  it.each(options.map((o) => [JSON.stringify(o), o] as const))('gives the same results as Ajv alone, options %s', (_name, o) => {
    for (const body of bodies) {
      const fast = validateRequest(body, o);
      useSpecialisedChecks(false);
      const reference = validateRequest(body, o);
      useSpecialisedChecks(true);
      // Node's strict deep equality first (cheap); vitest's, with its diff and label, only for a
      // body it finds unequal.
      if (!isDeepStrictEqual(fast, reference)) expect(fast, show(body)).toStrictEqual(reference);
    }
  }, HEAVY);

  it('keeps every warning, in order, of a large body whose items mostly hold', () => {
    const body = corpus(1, 3)[0]!;
    const data = Array.from({ length: 2_000 }, (_, i) => ({ data: { email: i % 97 === 0 ? `person-${i}` : `p${i}@example.com`, _regcountry: i % 89 === 0 ? 'Russia' : 'ru' } }));
    const request = { ...body, matching: 'email', data };
    delete (request as Record<string, unknown>).field_name;
    const fast = validateRequest(request, { maxViolations: 1_000 });
    useSpecialisedChecks(false);
    expect(fast).toStrictEqual(validateRequest(request, { maxViolations: 1_000 }));
    expect(fast.warnings.length).toBeGreaterThan(40);
  });
});

describe('the generated code, keyword by keyword (against Ajv on small schemas)', () => {
  const ajv = new Ajv2020({ strict: true, strictRequired: false, strictTypes: false, allowUnionTypes: true });
  for (const name of FORMAT_NAMES) ajv.addFormat(name, ajvFormat(name));
  ajv.addKeyword({ keyword: 'components', schemaType: 'object' });
  ajv.addSchema({ $id: 'https://altcraft-api.invalid/components.json', components: { schemas: { Email: { type: 'string' } } } });
  const annotations = ['xml', 'externalDocs', 'discriminator', 'example', 'x-altcraft-xml-unwrap', 'x-source'];
  const options: SpecialiseOptions = { resolve: resolveSchemaRef, advice: false, annotations, formats: formatChecks, nestsWithin: () => true };

  const schemas: Record<string, unknown>[] = [
    { type: ['string', 'null'] },
    { type: 'number', minimum: 0, exclusiveMaximum: 10 },
    { type: 'integer', exclusiveMinimum: 0, maximum: 5 },
    { minimum: 1 },
    { enum: [1, 'a', null, { a: 1 }, [1, 2]] },
    { const: { a: [1] } },
    { const: 'x' },
    { not: { type: 'string' } },
    { if: { type: 'string' }, then: { minLength: 2 }, else: { type: 'number' } },
    { if: { type: 'string' }, then: { minLength: 2 } },
    { allOf: [{ type: 'object', required: ['a'] }, { properties: { a: { type: 'integer' } } }] },
    { minProperties: 1, maxProperties: 2 },
    { propertyNames: { enum: ['a', 'b'] } },
    { type: 'array', minItems: 1, maxItems: 2, items: { type: 'boolean' } },
    { items: false },
    { additionalProperties: false, properties: { a: true } },
    { properties: { a: false } },
    { oneOf: [{ type: 'integer' }, { type: 'number' }] },
    { anyOf: [{ format: 'date' }, { format: 'ipv4' }] },
    { type: 'string', pattern: '^\\p{Lu}', maxLength: 3, minLength: 2 },
    { format: 'int32' },
    { format: 'email' },
    { $ref: '#/components/schemas/Email' },
    { type: 'object', required: ['constructor'] },
  ];
  const values: unknown[] = [
    ...SCALARS,
    NaN,
    Infinity,
    -Infinity,
    undefined,
    {},
    { a: 1 },
    { a: 1.5 },
    { a: 'x', b: 2 },
    { c: 1 },
    { a: [1] },
    { a: undefined },
    [],
    [true],
    [true, false, true],
    [1],
    [1, 2],
    'Ab',
    'ÄÖ',
    'Ä😀',
    '😀😀😀😀',
  ];

  it.each(schemas.map((schema) => [JSON.stringify(schema), schema] as const))('%s', (_name, schema) => {
    const check = specialise(schema, options)!;
    expect(check).toBeTypeOf('function');
    const validate = ajv.compile(schema.$ref === undefined ? schema : { $ref: `https://altcraft-api.invalid/components.json${schema.$ref as string}` });
    for (const value of values) expect(check(value, 0), show(value)).toBe(validate(value));
  });

  it.each(['^[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F]*$', '^[^\\u0000-\\u001F]*$', '^[^\\u0007\\u0010-\\u0012\\u00A0]*$'])(
    'checks the pattern %s with a loop that agrees with the regular expression',
    (pattern) => {
      expect(excludedCodeUnits(pattern)).toBeDefined();
      const check = specialise({ type: 'string', pattern }, options)!;
      const regExp = new RegExp(pattern, 'u');
      const strings = [...STRINGS, '\uD83D', '\uDE00', 'a\uD83Db', '\uD83D\uDE00\u0007', '\n', '\r\n', '\u2028'];
      for (let unit = 0; unit < 0x10000; unit++) strings.push(String.fromCharCode(unit), `ab${String.fromCharCode(unit)}c`);
      // Every code unit, compared in bulk: one expect per input (with its label) made this sweep
      // of 131 000 strings take 1 s idle and 37 s under a load of 20; the disagreements, listed
      // in full, say as much.
      const disagreements: string[] = [];
      for (const value of strings) {
        const expected = regExp.test(value);
        if (check(value, 0) !== expected) disagreements.push(`${show(value)}: the regular expression says ${expected}`);
      }
      expect(strings.length).toBeGreaterThan(0x20000);
      expect(disagreements).toEqual([]);
    },
  );

  it('checks other patterns with their regular expression', () => {
    for (const pattern of ['^[A-Za-z]{2}$', '^[^\\u0000-\\u001F]+$', '^[^\\uD800-\\uDFFF]*$', '[^\\u0000]*', '^[^\\u0000-\\u001Fa]*$', '^[^\\u001F-\\u0000]*$']) {
      expect(excludedCodeUnits(pattern), pattern).toBeUndefined();
    }
  });

  it('is not built for a keyword it does not know: Ajv does all the work', () => {
    expect(specialise({ type: 'object', patternProperties: { '^a': { type: 'string' } } }, options)).toBeUndefined();
    expect(specialise({ type: 'object', unevaluatedProperties: false }, options)).toBeUndefined();
    expect(specialise({ format: 'hostname' }, options)).toBeUndefined();
    expect(specialise({ items: [{ type: 'string' }] }, options)).toBeUndefined();
    const recursive = { Node: { type: 'object', properties: { next: { $ref: '#/Node' } }, 'x-altcraft-advice': [{ message: 'm', schema: { required: ['a'] } }] } };
    const resolve = (ref: string) => recursive[ref.slice(2) as 'Node'];
    expect(specialise({ $ref: '#/Node' }, { ...options, resolve })).toBeUndefined();
    expect(specialise({ anyOf: [{ $ref: '#/Node' }, true] }, { ...options, resolve, advice: true })).toBeUndefined();
  });

  it('folds advice in: a value advice would speak about does not pass, even in an alternative that does not apply', () => {
    const advised = (schema: Record<string, unknown>) => specialise(schema, { ...options, advice: true })!;
    const short = { type: 'string', 'x-altcraft-advice': [{ message: 'long', schema: { maxLength: 3 } }] };
    expect(advised(short)('abc', 0)).toBe(true);
    expect(advised(short)('abcd', 0)).toBe(false);
    expect(specialise(short, options)!('abcd', 0)).toBe(true);
    const alternatives = { oneOf: [short, { type: 'array', 'x-altcraft-advice': [{ message: 'empty', schema: { minItems: 1 } }] }] };
    expect(advised(alternatives)('abc', 0)).toBe(true);
    expect(advised(alternatives)([], 0)).toBe(false);
    expect(advised(alternatives)(['x'], 0)).toBe(true);
    expect(advised({ 'x-altcraft-advice': [{ message: 'named', 'x-check': 'anything' }] })('x', 0)).toBe(true);
  });
});
