// A specialised check for one schema: a function compiled from the schema's source that answers
// one question, fast: does this value hold, and (with advice) is there nothing to warn about?
// It builds no errors, no pointers and no evaluation state, and it short-circuits anyOf (Ajv
// 2020 evaluates every alternative, to track unevaluated properties). Ajv stays the reference:
// a value the check passes is one Ajv passes without a word; any other value goes to Ajv, which
// says what is wrong. So the check may refuse more than Ajv does (it costs only time), never less.
//
// It knows the keywords the profile schemas use; a schema with any other keyword is not
// specialised (`specialise` returns undefined) and Ajv does all the work, as before.
import ajvEqual from 'ajv/dist/runtime/equal.js';
import ajvUcs2length from 'ajv/dist/runtime/ucs2length.js';
import type { JsonSchema } from '../document.js';
import type { FormatCheck } from './formats.js';

/** Advice entries beside a schema (`x-altcraft-advice`): JSON Schema a value should also meet. */
export const ADVICE = 'x-altcraft-advice';
/** How deep a free-form value may nest, counted from the body's root (`x-altcraft-max-depth`). */
export const MAX_DEPTH = 'x-altcraft-max-depth';

// ajv/dist/runtime/* are CommonJS modules with a default export.
const cjsDefault = <T>(module: T): T => (module as { default?: T }).default ?? module;
const ucs2length = cjsDefault(ajvUcs2length) as unknown as (value: string) => number;
const deepEqual = cjsDefault(ajvEqual) as unknown as (a: unknown, b: unknown) => boolean;

export interface SpecialiseOptions {
  /** The schema a `$ref` names. */
  resolve(ref: string): JsonSchema;
  /** Fold the advice entries in: the check then also fails wherever advice could speak. */
  advice: boolean;
  /** Keywords beside the standard annotations that only annotate (Ajv's added vocabulary). */
  annotations: readonly string[];
  /** The format checks Ajv is given. */
  formats: Readonly<Record<string, FormatCheck>>;
  /** The depth check behind `x-altcraft-max-depth`: whether `value` nests at most `budget` levels. */
  nestsWithin(value: object, budget: number): boolean;
}

/**
 * True when `value` holds (and, with advice, draws no warning). `depth` is how many levels
 * below the body's root the value sits (a profile item of `/data/N`: 2), for the depth limit.
 */
export type ValueCheck = (value: unknown, depth: number) => boolean;

class Unsupported extends Error {}

/**
 * The code units a pattern of the form `^[^\uXXXX-\uXXXX...]*$` (a string without certain
 * characters, such as control characters) excludes, or undefined for any other pattern. A loop
 * over the string answers it several times faster than the regular expression. With the u flag
 * the negated class matches every code point outside the ranges, astral ones and lone surrogates
 * included; so when no range touches the surrogates, the pattern holds exactly when no code unit
 * falls in a range.
 */
export function excludedCodeUnits(pattern: string): [number, number][] | undefined {
  const match = /^\^\[\^((?:\\u[0-9A-Fa-f]{4}(?:-\\u[0-9A-Fa-f]{4})?)+)\]\*\$$/.exec(pattern);
  if (match === null) return undefined;
  const ranges: [number, number][] = [];
  for (const [, low, high] of match[1]!.matchAll(/\\u([0-9A-Fa-f]{4})(?:-\\u([0-9A-Fa-f]{4}))?/g)) {
    const range: [number, number] = [parseInt(low!, 16), parseInt(high ?? low!, 16)];
    if (range[1] < range[0] || range[1] >= 0xd800) return undefined;
    ranges.push(range);
  }
  return ranges;
}

/** The generated expression for the depth of a value `depth` levels below the checked one. */
const depthOf = (depth: number): string => (depth === 0 ? 'd' : `(d + ${depth})`);

const STANDARD_ANNOTATIONS = ['title', 'description', 'default', 'deprecated', 'readOnly', 'writeOnly', 'examples', '$comment', 'contentEncoding', 'contentMediaType'];

const VALIDATING = new Set([
  '$ref', 'type', 'const', 'enum',
  'minLength', 'maxLength', 'pattern', 'format',
  'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum',
  'required', 'properties', 'additionalProperties', 'propertyNames', 'minProperties', 'maxProperties',
  'items', 'minItems', 'maxItems',
  'allOf', 'anyOf', 'oneOf', 'not', 'if', 'then', 'else',
]);

// Ajv's type checks (strictNumbers: a number is finite).
const TYPE_TESTS: Record<string, (v: string) => string> = {
  string: (v) => `typeof ${v} === "string"`,
  number: (v) => `(typeof ${v} === "number" && isFinite(${v}))`,
  integer: (v) => `(typeof ${v} === "number" && !(${v} % 1) && !isNaN(${v}) && isFinite(${v}))`,
  boolean: (v) => `typeof ${v} === "boolean"`,
  null: (v) => `${v} === null`,
  object: (v) => `(${v} !== null && typeof ${v} === "object" && !Array.isArray(${v}))`,
  array: (v) => `Array.isArray(${v})`,
};

/**
 * What the generated code checks at a place. `valid`: the contract's keywords. `clean`: those,
 * and that no advice entry at or below the place fails. `quiet`: only the advice.
 */
type Mode = 'valid' | 'clean' | 'quiet';

type SchemaObject = Record<string, unknown>;

const isSchemaObject = (schema: unknown): schema is SchemaObject => typeof schema === 'object' && schema !== null && !Array.isArray(schema);

const naturalNumber = (value: unknown, keyword: string): number => {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) throw new Unsupported(`${keyword}: ${String(value)}`);
  return value;
};

const finiteNumber = (value: unknown, keyword: string): number => {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new Unsupported(`${keyword}: ${String(value)}`);
  return value;
};

const schemaList = (value: unknown, keyword: string): JsonSchema[] => {
  if (!Array.isArray(value) || value.length === 0) throw new Unsupported(keyword);
  return value as JsonSchema[];
};

class Generator {
  private readonly values: unknown[] = [];
  private readonly helpers: string[] = [];
  private names = 0;
  private readonly expanding = new Set<object>();
  private readonly adviceBelow = new Map<object, boolean | null>();
  private readonly annotations: Set<string>;
  /** Inside an advice entry's schema: plain JSON Schema, compiled by Ajv without our vocabulary. */
  private inEntry = false;

  constructor(private readonly options: SpecialiseOptions) {
    this.annotations = new Set([...STANDARD_ANNOTATIONS, ...options.annotations]);
  }

  build(schema: JsonSchema): ValueCheck {
    const body = this.code(schema, this.options.advice ? 'clean' : 'valid', 'v', 0);
    const source = [
      ...this.values.map((_, i) => `const k${i} = values[${i}];`),
      ...this.helpers,
      `return function check(v, d) {\n${body}\nreturn true;\n};`,
    ].join('\n');
    const factory = new Function('values', 'ucs2length', 'deepEqual', 'nestsWithin', source) as (...args: unknown[]) => ValueCheck;
    return factory(this.values, ucs2length, deepEqual, this.options.nestsWithin);
  }

  private value(value: unknown): string {
    this.values.push(value);
    return `k${this.values.length - 1}`;
  }

  private name(prefix: string): string {
    return `${prefix}${this.names++}`;
  }

  private target(ref: unknown): JsonSchema {
    // Ajv compiles advice entries on their own, where no $ref resolves.
    if (typeof ref !== 'string' || this.inEntry) throw new Unsupported('$ref');
    return this.options.resolve(ref);
  }

  /** Whether an advice entry with a schema sits at or below `schema` (through $refs too). */
  private hasAdvice(schema: JsonSchema): boolean {
    if (!this.options.advice || !isSchemaObject(schema)) return false;
    const known = this.adviceBelow.get(schema);
    // `null`: being worked out, so the schema is recursive (code() would refuse it too).
    if (known === null) throw new Unsupported('recursive schema');
    if (known !== undefined) return known;
    this.adviceBelow.set(schema, null);
    const subschemas: unknown[] = [];
    for (const keyword of ['additionalProperties', 'propertyNames', 'items', 'not', 'if', 'then', 'else']) subschemas.push(schema[keyword]);
    for (const keyword of ['allOf', 'anyOf', 'oneOf']) if (Array.isArray(schema[keyword])) subschemas.push(...(schema[keyword] as unknown[]));
    if (isSchemaObject(schema.properties)) subschemas.push(...Object.values(schema.properties));
    if (typeof schema.$ref === 'string') subschemas.push(this.target(schema.$ref));
    const entries = schema[ADVICE];
    const found =
      (Array.isArray(entries) && entries.some((entry) => isSchemaObject(entry) && entry.schema !== undefined)) ||
      subschemas.some((sub) => sub !== undefined && this.hasAdvice(sub as JsonSchema));
    this.adviceBelow.set(schema, found);
    return found;
  }

  /** The limit of a schema that is nothing but `x-altcraft-max-depth` (free-form values), else undefined. */
  private depthLimitOnly(schema: JsonSchema, seen = new Set<object>()): number | undefined {
    if (!isSchemaObject(schema) || seen.has(schema)) return undefined;
    seen.add(schema);
    if (typeof schema.$ref === 'string' && Object.keys(schema).every((keyword) => keyword === '$ref' || this.annotations.has(keyword))) {
      return this.depthLimitOnly(this.target(schema.$ref), seen);
    }
    if (this.hasAdvice(schema)) return undefined;
    const keywords = Object.keys(schema).filter((keyword) => !this.annotations.has(keyword));
    return keywords.length === 1 && keywords[0] === MAX_DEPTH ? naturalNumber(schema[MAX_DEPTH], MAX_DEPTH) : undefined;
  }

  /**
   * A function `(v, d) => boolean` for `schema` in `mode`, for the alternatives of anyOf, oneOf,
   * not and if. It takes the check's own `d`: `depth` is counted from it, as in the caller.
   */
  private helper(schema: JsonSchema, mode: Mode, depth: number): string {
    const name = this.name('h');
    const body = this.code(schema, mode, 'v', depth);
    this.helpers.push(`function ${name}(v, d) {\n${body}\nreturn true;\n}`);
    return name;
  }

  /** A function that is true when a string holds none of the code units in `ranges`. */
  private excluding(ranges: [number, number][]): string {
    const name = this.name('p');
    const tests = ranges.map(([low, high]) => (low === high ? `c === ${low}` : `(c >= ${low} && c <= ${high})`));
    this.helpers.push(`function ${name}(s) {\nfor (let i = 0; i < s.length; i++) {\nconst c = s.charCodeAt(i);\nif (${tests.join(' || ')}) return false;\n}\nreturn true;\n}`);
    return name;
  }

  private equals(v: string, expected: unknown): string {
    if (expected !== null && typeof expected === 'object') return `deepEqual(${v}, ${this.value(expected)})`;
    if (typeof expected === 'number' && !Number.isFinite(expected)) throw new Unsupported('non-finite enum value');
    return `${v} === ${JSON.stringify(expected)}`;
  }

  /**
   * Statements that `return false` when the value named `v` fails `schema` in `mode`. `depth`:
   * levels below the checked value (the generated function's `d`), for the depth limit. The
   * parts below are generated in this order (the names and constants they take are numbered
   * in it), which keeps the generated source as it was.
   */
  private code(schema: JsonSchema, mode: Mode, v: string, depth: number): string {
    if (schema === true) return '';
    if (schema === false) return mode === 'quiet' ? '' : 'return false;';
    if (!isSchemaObject(schema)) throw new Unsupported('schema is not an object');
    if (mode !== 'valid' && !this.hasAdvice(schema)) {
      if (mode === 'quiet') return '';
      mode = 'valid';
    }
    this.vetKeywords(schema);
    const contract = mode !== 'quiet';
    const out: string[] = [];
    if (schema.$ref !== undefined) out.push(this.refCode(schema.$ref, mode, v, depth));
    if (contract) out.push(...this.typeCode(schema, v));
    const format = schema.format === undefined ? undefined : this.options.formats[schema.format as string];
    if (schema.format !== undefined && format === undefined) throw new Unsupported(`format ${String(schema.format)}`);
    // Keywords of one JSON type apply to values of that type only (Ajv's keyword groups).
    const groups: TypeGroups = { string: [], number: [], object: [], array: [] };
    if (contract) this.typedKeywords(schema, v, format, groups);
    this.propertiesCode(schema, mode, v, depth, groups.object);
    this.itemsCode(schema, mode, v, depth, groups.array);
    out.push(...grouped(contract && typeof schema.type === 'string' ? schema.type : undefined, v, groups));
    out.push(...this.applicators(schema, mode, v, depth));
    if (contract && schema[MAX_DEPTH] !== undefined) {
      const limit = naturalNumber(schema[MAX_DEPTH], MAX_DEPTH);
      out.push(`if (${v} !== null && typeof ${v} === "object" && !nestsWithin(${v}, ${limit} - ${depthOf(depth)})) return false;`);
    }
    if (mode !== 'valid' && schema[ADVICE] !== undefined) out.push(...this.adviceCode(schema[ADVICE], v, depth));
    return out.filter((line) => line !== '').join('\n');
  }

  /** Refuses (Unsupported) a keyword the check does not know, or ours inside an advice entry. */
  private vetKeywords(schema: SchemaObject): void {
    for (const keyword of Object.keys(schema)) {
      if (VALIDATING.has(keyword) || this.annotations.has(keyword)) {
        if (this.inEntry && !STANDARD_ANNOTATIONS.includes(keyword) && !VALIDATING.has(keyword)) throw new Unsupported(`${keyword} in advice`);
        continue;
      }
      if (keyword === ADVICE || keyword === MAX_DEPTH) {
        if (this.inEntry) throw new Unsupported(`${keyword} in advice`);
        continue;
      }
      throw new Unsupported(keyword);
    }
  }

  /** The target of a `$ref`, inlined (a recursive one is refused). */
  private refCode(ref: unknown, mode: Mode, v: string, depth: number): string {
    const target = this.target(ref);
    if (typeof target === 'object' && this.expanding.has(target)) throw new Unsupported('recursive $ref');
    if (typeof target === 'object') this.expanding.add(target);
    const code = this.code(target, mode, v, depth);
    if (typeof target === 'object') this.expanding.delete(target);
    return code;
  }

  /** `type`, `const` and `enum`. */
  private typeCode(schema: SchemaObject, v: string): string[] {
    const out: string[] = [];
    if (schema.type !== undefined) {
      const types = Array.isArray(schema.type) ? schema.type : [schema.type];
      const tests = types.map((type) => {
        const test = typeof type === 'string' ? TYPE_TESTS[type] : undefined;
        if (test === undefined) throw new Unsupported(`type ${String(type)}`);
        return test(v);
      });
      out.push(`if (!(${tests.join(' || ')})) return false;`);
    }
    if ('const' in schema) out.push(`if (!(${this.equals(v, schema.const)})) return false;`);
    if (schema.enum !== undefined) {
      if (!Array.isArray(schema.enum) || schema.enum.length === 0) throw new Unsupported('enum');
      out.push(`if (!(${schema.enum.map((value) => this.equals(v, value)).join(' || ')})) return false;`);
    }
    return out;
  }

  /** The contract's keywords that look at one JSON type and need no subschema. */
  private typedKeywords(schema: SchemaObject, v: string, format: FormatCheck | undefined, groups: TypeGroups): void {
    const { string: strings, number: numbers, object: objects, array: arrays } = groups;
    if (schema.maxLength !== undefined) {
      const max = naturalNumber(schema.maxLength, 'maxLength');
      // Ajv counts code points; a string of at most `max` code units has at most `max` of them.
      strings.push(`if (${v}.length > ${max} && ucs2length(${v}) > ${max}) return false;`);
    }
    if (schema.minLength !== undefined) {
      const min = naturalNumber(schema.minLength, 'minLength');
      // Two code units make at most one code point: `2 * min` units hold `min` points.
      strings.push(`if (${v}.length < ${2 * min} && ucs2length(${v}) < ${min}) return false;`);
    }
    if (schema.pattern !== undefined) {
      if (typeof schema.pattern !== 'string') throw new Unsupported('pattern');
      const excluded = excludedCodeUnits(schema.pattern);
      strings.push(
        excluded === undefined ? `if (!${this.value(new RegExp(schema.pattern, 'u'))}.test(${v})) return false;` : `if (!${this.excluding(excluded)}(${v})) return false;`,
      );
    }
    if (format !== undefined) {
      const test = format.regExp === undefined ? `if (!${this.value(format.test)}(${v})) return false;` : `if (!${this.value(format.regExp)}.test(${v})) return false;`;
      (format.type === 'number' ? numbers : strings).push(test);
    }
    if (schema.minimum !== undefined) numbers.push(`if (${v} < ${finiteNumber(schema.minimum, 'minimum')}) return false;`);
    if (schema.maximum !== undefined) numbers.push(`if (${v} > ${finiteNumber(schema.maximum, 'maximum')}) return false;`);
    if (schema.exclusiveMinimum !== undefined) numbers.push(`if (${v} <= ${finiteNumber(schema.exclusiveMinimum, 'exclusiveMinimum')}) return false;`);
    if (schema.exclusiveMaximum !== undefined) numbers.push(`if (${v} >= ${finiteNumber(schema.exclusiveMaximum, 'exclusiveMaximum')}) return false;`);
    if (schema.required !== undefined) {
      if (!Array.isArray(schema.required)) throw new Unsupported('required');
      for (const name of schema.required) objects.push(`if (${v}[${JSON.stringify(String(name))}] === undefined) return false;`);
    }
    if (schema.minProperties !== undefined) objects.push(`if (Object.keys(${v}).length < ${naturalNumber(schema.minProperties, 'minProperties')}) return false;`);
    if (schema.maxProperties !== undefined) objects.push(`if (Object.keys(${v}).length > ${naturalNumber(schema.maxProperties, 'maxProperties')}) return false;`);
    if (schema.minItems !== undefined) arrays.push(`if (${v}.length < ${naturalNumber(schema.minItems, 'minItems')}) return false;`);
    if (schema.maxItems !== undefined) arrays.push(`if (${v}.length > ${naturalNumber(schema.maxItems, 'maxItems')}) return false;`);
  }

  /** `properties`, `additionalProperties` and `propertyNames`, into the object group. */
  private propertiesCode(schema: SchemaObject, mode: Mode, v: string, depth: number, objects: string[]): void {
    const properties = schema.properties;
    if (properties !== undefined) {
      if (!isSchemaObject(properties)) throw new Unsupported('properties');
      for (const [name, sub] of Object.entries(properties)) {
        const x = this.name('x');
        const check = this.code(sub as JsonSchema, mode, x, depth + 1);
        if (check !== '') objects.push(`{\nconst ${x} = ${v}[${JSON.stringify(name)}];\nif (${x} !== undefined) {\n${check}\n}\n}`);
      }
    }
    if (schema.additionalProperties !== undefined) {
      const check = this.additionalCode(schema.additionalProperties as JsonSchema, Object.keys(properties ?? {}), mode, v, depth);
      if (check !== '') objects.push(check);
    }
    if (schema.propertyNames !== undefined) {
      const key = this.name('k');
      const check = this.code(schema.propertyNames as JsonSchema, mode, key, depth + 1);
      if (check !== '') objects.push(`for (const ${key} in ${v}) {\n${check}\n}`);
    }
  }

  /** The loop over the keys not among `known`, or '' when their schema checks nothing. */
  private additionalCode(additional: JsonSchema, known: string[], mode: Mode, v: string, depth: number): string {
    const key = this.name('k');
    const x = this.name('x');
    const check = this.code(additional, mode, x, depth + 1);
    if (check === '') return '';
    const isKnown = known.length === 0 ? 'false' : `${this.value(new Set(known))}.has(${key})`;
    const limit = mode === 'quiet' ? undefined : this.depthLimitOnly(additional);
    // Free-form values (CustomFieldValue) only limit how deep objects and arrays nest: look a key
    // up among the known properties only when its value is one.
    if (limit !== undefined) {
      return `for (const ${key} in ${v}) {\nconst ${x} = ${v}[${key}];\nif (${x} !== null && typeof ${x} === "object" && !${isKnown} && !nestsWithin(${x}, ${limit} - ${depthOf(depth + 1)})) return false;\n}`;
    }
    return `for (const ${key} in ${v}) {\nif (${isKnown}) continue;\nconst ${x} = ${v}[${key}];\n${check}\n}`;
  }

  /** `items` (one schema for every item), into the array group. */
  private itemsCode(schema: SchemaObject, mode: Mode, v: string, depth: number, arrays: string[]): void {
    if (schema.items === undefined) return;
    if (Array.isArray(schema.items)) throw new Unsupported('items as an array');
    const i = this.name('i');
    const x = this.name('x');
    const check = this.code(schema.items as JsonSchema, mode, x, depth + 1);
    if (check !== '') arrays.push(`for (let ${i} = 0; ${i} < ${v}.length; ${i}++) {\nconst ${x} = ${v}[${i}];\n${check}\n}`);
  }

  /**
   * allOf, anyOf, oneOf, not and if/then/else. Contract: the alternatives are functions that
   * answer without side effects, so anyOf stops at the first that holds. Advice: Ajv may run the
   * advice of every alternative, holding or not, so a clean value must satisfy all of it.
   */
  private applicators(schema: SchemaObject, mode: Mode, v: string, depth: number): string[] {
    const contract = mode !== 'quiet';
    const out: string[] = [];
    if (schema.allOf !== undefined) for (const sub of schemaList(schema.allOf, 'allOf')) out.push(this.code(sub, mode, v, depth));
    const alternatives: JsonSchema[] = [];
    if (schema.anyOf !== undefined) {
      const subs = schemaList(schema.anyOf, 'anyOf');
      alternatives.push(...subs);
      if (contract) out.push(`if (!(${subs.map((sub) => `${this.helper(sub, 'valid', depth)}(${v}, d)`).join(' || ')})) return false;`);
    }
    if (schema.oneOf !== undefined) {
      const subs = schemaList(schema.oneOf, 'oneOf');
      alternatives.push(...subs);
      if (contract) {
        const count = this.name('n');
        const tests = subs.map((sub) => `if (${this.helper(sub, 'valid', depth)}(${v}, d)) ${count}++;`);
        out.push(`{\nlet ${count} = 0;\n${tests.join('\n')}\nif (${count} !== 1) return false;\n}`);
      }
    }
    if (schema.not !== undefined) {
      alternatives.push(schema.not as JsonSchema);
      if (contract) out.push(`if (${this.helper(schema.not as JsonSchema, 'valid', depth)}(${v}, d)) return false;`);
    }
    if (schema.if !== undefined) {
      alternatives.push(schema.if as JsonSchema, (schema.then ?? true) as JsonSchema, (schema.else ?? true) as JsonSchema);
      if (contract) {
        const then = this.code((schema.then ?? true) as JsonSchema, 'valid', v, depth);
        const otherwise = this.code((schema.else ?? true) as JsonSchema, 'valid', v, depth);
        out.push(`if (${this.helper(schema.if as JsonSchema, 'valid', depth)}(${v}, d)) {\n${then}\n} else {\n${otherwise}\n}`);
      }
    }
    if (mode !== 'valid') for (const sub of alternatives) out.push(this.code(sub, 'quiet', v, depth));
    return out;
  }

  /** The advice entries' schemas (plain JSON Schema), checked as the contract's keywords are. */
  private adviceCode(entries: unknown, v: string, depth: number): string[] {
    if (!Array.isArray(entries)) throw new Unsupported(ADVICE);
    const out: string[] = [];
    for (const entry of entries) {
      if (!isSchemaObject(entry)) throw new Unsupported(ADVICE);
      // Named checks (`x-check`) are not JSON Schema: validateRequest runs them itself.
      if (entry.schema === undefined) continue;
      this.inEntry = true;
      try {
        out.push(this.code(entry.schema as JsonSchema, 'valid', v, depth));
      } finally {
        this.inEntry = false;
      }
    }
    return out;
  }
}

/** The checks of keywords that apply to one JSON type, by that type. */
interface TypeGroups {
  string: string[];
  number: string[];
  object: string[];
  array: string[];
}

const GROUP_GUARDS: Record<keyof TypeGroups, (v: string) => string> = {
  string: (v) => `typeof ${v} === "string"`,
  number: (v) => `typeof ${v} === "number" && isFinite(${v})`,
  object: (v) => TYPE_TESTS.object!(v),
  array: (v) => `Array.isArray(${v})`,
};

/**
 * Each type's group behind a guard of its type. Where `type` names one type (`checkedType`,
 * already checked), its group needs no guard and the groups of other types can never apply.
 */
function grouped(checkedType: string | undefined, v: string, groups: TypeGroups): string[] {
  const only = checkedType === 'integer' ? 'number' : checkedType;
  const out: string[] = [];
  for (const type of ['string', 'number', 'object', 'array'] as const) {
    const lines = groups[type];
    if (lines.length === 0 || (only !== undefined && only !== type)) continue;
    out.push(only === type ? lines.join('\n') : `if (${GROUP_GUARDS[type](v)}) {\n${lines.join('\n')}\n}`);
  }
  return out;
}

/**
 * The specialised check of `schema`, or undefined when the schema uses a keyword the check does
 * not know (then Ajv alone validates, as it would anyway).
 */
export function specialise(schema: JsonSchema, options: SpecialiseOptions): ValueCheck | undefined {
  try {
    return new Generator(options).build(schema);
  } catch (error) {
    if (error instanceof Unsupported) return undefined;
    throw error;
  }
}
