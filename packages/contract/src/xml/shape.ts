import { resolveSchemaRef, type JsonSchema } from '../document.js';

type Scalar = 'string' | 'number' | 'integer' | 'boolean';

/** What the schema says a field can be, merged over $ref, allOf, oneOf and anyOf. */
export interface Shape {
  free: boolean;
  scalars: Set<Scalar>;
  object: { props: Map<string, Shape>; extra: Shape | undefined; unwrap: string | undefined } | undefined;
  array: Shape | undefined;
}

export const FREE: Shape = { free: true, scalars: new Set(), object: undefined, array: undefined };

function emptyShape(): Shape {
  return { free: false, scalars: new Set(), object: undefined, array: undefined };
}

const shapes = new WeakMap<object, Shape>();

export function shapeOf(schema: JsonSchema | undefined): Shape {
  if (schema === undefined || schema === true) return FREE;
  if (schema === false) return emptyShape();
  const cached = shapes.get(schema);
  if (cached) return cached;
  const shape = emptyShape();
  shapes.set(schema, shape);
  mergeInto(shape, schema);
  return shape;
}

function mergeInto(shape: Shape, schema: Record<string, unknown>): void {
  if (typeof schema.$ref === 'string') mergeShape(shape, shapeOf(resolveSchemaRef(schema.$ref)));
  for (const key of ['allOf', 'oneOf', 'anyOf'] as const) {
    for (const part of (schema[key] as JsonSchema[] | undefined) ?? []) mergeShape(shape, shapeOf(part));
  }
  const types = schema.type === undefined ? [] : ([] as string[]).concat(schema.type as string);
  const constrained = types.length > 0 || 'properties' in schema || 'items' in schema || '$ref' in schema || 'allOf' in schema || 'oneOf' in schema || 'anyOf' in schema || 'const' in schema || 'enum' in schema;
  if (!constrained) shape.free = true;
  for (const type of types) {
    if (type === 'object') objectOf(shape);
    else if (type === 'array') shape.array ??= FREE;
    else if (type !== 'null') shape.scalars.add(type as Scalar);
  }
  if (schema.properties) {
    const object = objectOf(shape);
    for (const [name, sub] of Object.entries(schema.properties as Record<string, JsonSchema>)) {
      if (sub === false) continue;
      const known = object.props.get(name);
      object.props.set(name, known ? mergedCopy(known, shapeOf(sub)) : shapeOf(sub));
    }
  }
  if ('additionalProperties' in schema) objectOf(shape).extra = schema.additionalProperties === false ? undefined : shapeOf(schema.additionalProperties as JsonSchema);
  if (typeof schema['x-altcraft-xml-unwrap'] === 'string') objectOf(shape).unwrap = schema['x-altcraft-xml-unwrap'];
  if (schema.items !== undefined) shape.array = shapeOf(schema.items as JsonSchema);
  if (typeof schema.const === 'string' || (Array.isArray(schema.enum) && schema.enum.every((v) => typeof v === 'string'))) shape.scalars.add('string');
}

function objectOf(shape: Shape): NonNullable<Shape['object']> {
  return (shape.object ??= { props: new Map(), extra: FREE, unwrap: undefined });
}

function mergeShape(into: Shape, from: Shape): void {
  into.free ||= from.free;
  for (const scalar of from.scalars) into.scalars.add(scalar);
  if (from.array) into.array = into.array && into.array !== from.array ? mergedCopy(into.array, from.array) : from.array;
  if (from.object) {
    const object = objectOf(into);
    for (const [name, sub] of from.object.props) {
      const known = object.props.get(name);
      object.props.set(name, known && known !== sub ? mergedCopy(known, sub) : sub);
    }
    if (from.object.extra === undefined || from.object.extra !== FREE) object.extra = from.object.extra;
    object.unwrap ??= from.object.unwrap;
  }
}

function mergedCopy(a: Shape, b: Shape): Shape {
  const copy = emptyShape();
  mergeShape(copy, a);
  mergeShape(copy, b);
  return copy;
}

/** The shape of the field `name` of an object of this shape. */
export const fieldShape = (shape: Shape, name: string): Shape => shape.object?.props.get(name) ?? shape.object?.extra ?? FREE;

/** Does the schema say this field is always an array (so one element still means a list)? */
export const alwaysArray = (shape: Shape) => shape.array !== undefined && !shape.free && shape.scalars.size === 0 && shape.object === undefined;

const INTEGER_TEXT = /^-?\d+$/;
// The fraction is one optional group: `\d+\.?\d*` let the two digit runs split a long number
// every way before failing, quadratic in its length.
const NUMBER_TEXT = /^-?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/** Can text of this shape turn into something other than a string? */
export const convertsText = (shape: Shape) => shape.free || shape.scalars.has('number') || shape.scalars.has('integer') || shape.scalars.has('boolean');

/**
 * Whether the double `n` read from integer text past 2^53 is exactly that integer. Comparing
 * with String(n) alone said no for 10^21 and up, which String writes with an exponent: the XML
 * twin of an accepted JSON body was refused. A finite double has at most 309 digits, so BigInt
 * reads no more than that once leading zeros are off.
 */
function heldExactly(trimmed: string, n: number): boolean {
  if (!Number.isFinite(n)) return false;
  const negative = trimmed.startsWith('-');
  let first = negative ? 1 : 0;
  while (first < trimmed.length - 1 && trimmed.charCodeAt(first) === 48) first++;
  const digits = trimmed.slice(first);
  return digits.length <= 310 && BigInt(n) === (negative ? -BigInt(digits) : BigInt(digits));
}

/** The value an element's text stands for, given what the field may be. */
export function textValue(text: string, shape: Shape): unknown {
  if (!shape.free && shape.scalars.size === 1 && shape.scalars.has('string')) return text;
  return convertText(text, shape.free || shape.scalars.has('number') || shape.scalars.has('integer'), shape.free || shape.scalars.has('boolean'));
}

/** textValue() with what the shape allows worked out beforehand. */
export function convertText(text: string, numeric: boolean, boolean: boolean): unknown {
  const trimmed = text.trim();
  if (numeric && NUMBER_TEXT.test(trimmed)) {
    const n = Number(trimmed);
    // Never round: an integer the double cannot hold exactly, or a number beyond its range,
    // stays text (and the validator says so) instead of arriving as a different number.
    // Past 2^53, the text must be the double as String writes it (what the encoder writes, so
    // every number comes back), or its exact value (10^21, which String writes as 1e+21).
    if (INTEGER_TEXT.test(trimmed) ? Number.isSafeInteger(n) || String(n) === trimmed || heldExactly(trimmed, n) : Number.isFinite(n)) return n;
  }
  if (boolean && (trimmed === 'true' || trimmed === 'false')) return trimmed === 'true';
  return text;
}
