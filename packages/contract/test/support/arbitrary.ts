// fast-check arbitraries derived from the contract's schemas, for the keywords the contract
// uses. Values are kept small (arrays of at most 4 items, shallow free-form values) so a run
// of hundreds of cases stays fast.
import fc from 'fast-check';
import { document, resolveSchemaRef, type JsonSchema } from '../../src/document.js';
import { seeded } from './random.js';

type Schema = Record<string, unknown>;

const XML_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,11}$/;
const fieldName = fc.stringMatching(XML_NAME);
const INT32 = 2 ** 31 - 1;

/** Any JSON value a free-form field may hold (CustomFieldValue), at most `depth` levels deep. */
export function freeValue(depth = 2): fc.Arbitrary<unknown> {
  const scalar = fc.oneof(
    fc.string({ maxLength: 12 }),
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }).filter((n) => !Object.is(n, -0)),
    fc.boolean(),
  );
  if (depth <= 0) return scalar;
  return fc.oneof(
    { weight: 4, arbitrary: scalar },
    { weight: 1, arbitrary: fc.array(scalar, { maxLength: 3 }) },
    { weight: 1, arbitrary: fc.dictionary(fieldName, freeValue(depth - 1), { minKeys: 1, maxKeys: 3, noNullPrototype: true }) },
  );
}

function stringOf(schema: Schema): fc.Arbitrary<string> {
  const min = (schema.minLength as number | undefined) ?? 0;
  const max = Math.min((schema.maxLength as number | undefined) ?? 24, 40);
  const fits = (s: string) => s.length >= min && s.length <= ((schema.maxLength as number | undefined) ?? Infinity);
  switch (schema.format) {
    case 'email':
      return fc.emailAddress().filter((s) => s.length <= 254 && /^[\x21-\x7e]+$/.test(s));
    case 'date':
      return fc.date({ min: new Date('1900-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));
    case 'date-time':
      return fc.date({ min: new Date('1900-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }).map((d) => d.toISOString());
    case 'ipv4':
      return fc.ipV4();
    case 'ipv6':
      return fc.ipV6();
    case 'uri':
      return fc.webUrl().filter(fits);
  }
  if (typeof schema.pattern === 'string') {
    return fc.stringMatching(new RegExp(schema.pattern, 'u'), { maxLength: max }).filter(fits);
  }
  return fc.string({ minLength: min, maxLength: max });
}

function integerOf(schema: Schema): fc.Arbitrary<number> {
  const min = (schema.minimum as number | undefined) ?? -INT32;
  const max = (schema.maximum as number | undefined) ?? INT32;
  return fc.oneof(fc.integer({ min: Math.max(min, -INT32), max: Math.min(max, INT32) }), fc.constantFrom(min, max));
}

/** Properties and required names of an object schema, its allOf parts merged in. */
function objectParts(schema: Schema): { properties: Record<string, JsonSchema>; required: Set<string> } {
  const properties: Record<string, JsonSchema> = {};
  const required = new Set<string>();
  for (const part of [...((schema.allOf as Schema[] | undefined) ?? []), schema]) {
    const resolved = (typeof part.$ref === 'string' && part !== schema ? resolveSchemaRef(part.$ref) : part) as Schema;
    const inner = resolved === schema ? { properties: schema.properties ?? {}, required: new Set((schema.required as string[]) ?? []) } : objectParts(resolved);
    Object.assign(properties, inner.properties);
    for (const name of inner.required) required.add(name);
  }
  return { properties, required };
}

export function arbitraryOf(schema: JsonSchema, depth = 3): fc.Arbitrary<unknown> {
  if (schema === true) return freeValue(depth);
  if (schema === false) throw new Error('no value fits the false schema');
  if (typeof schema.$ref === 'string') return arbitraryOf(resolveSchemaRef(schema.$ref), depth);
  if ('const' in schema) return fc.constant(schema.const);
  if (Array.isArray(schema.enum)) return fc.constantFrom(...(schema.enum as unknown[]));
  const alternatives = (schema.oneOf ?? schema.anyOf) as JsonSchema[] | undefined;
  if (alternatives && schema.type === undefined) return fc.oneof(...alternatives.map((alternative) => arbitraryOf(alternative, depth)));
  switch (schema.type) {
    case 'string':
      return stringOf(schema);
    case 'integer':
      return integerOf(schema);
    case 'number':
      return fc.double({ noNaN: true, noDefaultInfinity: true }).filter((n) => !Object.is(n, -0));
    case 'boolean':
      return fc.boolean();
    case 'array':
      return fc.array(arbitraryOf(schema.items as JsonSchema, depth - 1), {
        minLength: (schema.minItems as number | undefined) ?? 0,
        maxLength: Math.min((schema.maxItems as number | undefined) ?? 4, 4),
      });
    case undefined:
      if (!('properties' in schema) && !('allOf' in schema)) return freeValue(depth);
    // falls through: an object described by its properties or allOf parts
    case 'object': {
      const { properties, required } = objectParts(schema);
      const known = Object.fromEntries(
        Object.entries(properties)
          .filter(([, sub]) => sub !== false)
          .map(([name, sub]) => [name, arbitraryOf(sub, depth - 1)]),
      );
      // An anyOf of `required` lists (Attachment: data or file_key) picks one list to satisfy.
      const requiredChoices = ((schema.anyOf as Schema[] | undefined) ?? [{ required: [] }]).map((choice) => (choice.required as string[]) ?? []);
      const record = fc
        .constantFrom(...requiredChoices)
        .chain((choice) => fc.record(known, { requiredKeys: [...required, ...choice].filter((name) => name in known), noNullPrototype: true }));
      const extra = schema.additionalProperties;
      if (extra === undefined || extra === false || (depth <= 0 && !schema.minProperties)) return record;
      const extras = fc.dictionary(fieldName.filter((name) => !(name in properties)), arbitraryOf(extra as JsonSchema, depth - 1), {
        minKeys: Math.max(0, ((schema.minProperties as number | undefined) ?? 0) - required.size),
        maxKeys: 2,
        noNullPrototype: true,
      });
      return fc.tuple(record, extras).map(([fields, more]) => ({ ...more, ...fields }));
    }
    default:
      throw new Error(`no arbitrary for type ${String(schema.type)}`);
  }
}

const profileFields = Object.keys((document.components.schemas.ProfileData as Schema).properties as object);

/**
 * Requests the contract accepts, of every matching variant. JSON Schema cannot say that custom
 * matching needs `field_name` in every item, so the generated items get it.
 */
export const validRequest = (arbitraryOf(document.components.schemas.ImportAndStartBatchRequest!) as fc.Arbitrary<Record<string, unknown>>).map(
  (request) => {
    if (typeof request.field_name !== 'string') return request;
    if (profileFields.includes(request.field_name)) request.field_name = 'CRM_ID';
    for (const item of (request.data ?? []) as { data: Record<string, unknown> }[]) item.data[request.field_name as string] ??= '00066';
    return request;
  },
);

// Texts that exercise escaping, numeric-looking strings, non-ASCII and astral characters,
// whitespace and the words XML turns into booleans. No CR: a conformant reader turns a literal
// CR into LF, so CR is covered by its own tests, not by the byte-for-byte fixture.
const TEXTS = ['plain', 'Tom & Jerry <3', `quote " and ' apostrophe`, '00067', '42', ' 42 ', '-1.5e3', 'true', 'false', '', 'Алиса', 'emoji 😀 ✓', 'tab\there', 'line\nbreak', ']]> and <![CDATA[', '12345678901234567890', 'a>b'];

/**
 * A deterministic request of `count` profiles covering what the XML codec distinguishes:
 * typed and free-form fields, one-element and empty arrays, nested objects, numbers and
 * booleans, strings that look like numbers, and text that needs escaping.
 */
export function deterministicRequest(count: number, seed = 1): Record<string, unknown> & { data: { data: Record<string, unknown> }[] } {
  const random = seeded(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const data = Array.from({ length: count }, (_, i) => {
    const profile: Record<string, unknown> = {
      email: `customer${i}@example.com`,
      phones: i % 3 === 0 ? [`+7900${String(i).padStart(7, '0')}`, '+79000000000'] : `+7900${String(i).padStart(7, '0')}`,
      _fname: pick(['Alisa', 'Борис', 'O\'Neil', 'Zoë']),
      _lname: 'Lambert',
      _bdate: '1990-04-12',
      _city: pick(['Moscow', 'Saint Petersburg', 'Kazan']),
      _regip: '203.0.113.7',
      subscriptions: i % 4 === 0 ? [] : [{ resource_id: 1 + (i % 9), channel: 'email', email: `customer${i}@example.com`, ...(i % 5 === 0 ? { cats: ['news'] } : {}) }],
      CRM_ID: String(i).padStart(8, '0'),
      loyalty_level: i % 5,
      vip: i % 7 === 0,
      ratio: Math.round(random() * 1e6) / 1e3,
      note: pick(TEXTS),
    };
    if (i % 2 === 0) profile.tags = pick([[], ['vip'], ['a', 'b'], [''], [1, 'x', true]]);
    if (i % 3 === 1) profile.address = { city: pick(TEXTS), zip: pick(['101000', '00123']), geo: { lat: 55.75, lon: -37.61 } };
    if (i % 11 === 0) profile.big = 2 ** 53 + 2;
    return { data: profile };
  });
  return { token: 'abcdefghijklmnqrstuvwxyz', workflow_id: 12, matching: 'custom', field_name: 'CRM_ID', skip_triggers: false, data };
}
