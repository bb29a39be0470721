import { XMLBuilder, XMLParser, XMLValidator } from 'fast-xml-parser';
import { document, pointerChild, resolveSchemaRef, type JsonSchema } from './document.js';
import { operations, type OperationId } from './operations.js';

// The XML encoding of this API (spec/DECISIONS.md, "XML"):
// - the document's root element is <xml>; a field is an element named after it;
// - an array is its elements repeated; `array="true"` marks a one-element (or, empty, a
//   zero-element) array where the schema does not say the field is an array;
// - text converts to the type the schema gives the field; in free-form fields numeric text
//   becomes a number and true/false a boolean, unless the element has `string="true"`;
// - a profile item (`{"data": {...}}` in JSON) is one <data> element holding the fields
//   directly (the schema's `x-altcraft-xml-unwrap`).
// The codec walks the contract's schemas to know each field's type; it never validates: a
// decoded body still goes through validateRequest, so nothing is dropped or guessed silently.

export class XmlDecodeError extends Error {
  override readonly name = 'XmlDecodeError';
  constructor(
    message: string,
    readonly line?: number,
    readonly column?: number,
  ) {
    super(line === undefined ? message : `${message} (line ${line}, column ${column})`);
  }
}

export class XmlEncodeError extends Error {
  override readonly name = 'XmlEncodeError';
  constructor(
    message: string,
    /** JSON Pointer of the value that has no XML form. */
    readonly pointer: string,
  ) {
    super(`${pointer || '/'}: ${message}`);
  }
}

type Scalar = 'string' | 'number' | 'integer' | 'boolean';

/** What the schema says a field can be, merged over $ref, allOf, oneOf and anyOf. */
interface Shape {
  free: boolean;
  scalars: Set<Scalar>;
  object: { props: Map<string, Shape>; extra: Shape | undefined; unwrap: string | undefined } | undefined;
  array: Shape | undefined;
}

const FREE: Shape = { free: true, scalars: new Set(), object: undefined, array: undefined };

function emptyShape(): Shape {
  return { free: false, scalars: new Set(), object: undefined, array: undefined };
}

const shapes = new WeakMap<object, Shape>();

function shapeOf(schema: JsonSchema | undefined): Shape {
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

/** Does the schema say this field is always an array (so one element still means a list)? */
const alwaysArray = (shape: Shape) => shape.array !== undefined && !shape.free && shape.scalars.size === 0 && shape.object === undefined;

const INTEGER_TEXT = /^-?\d+$/;
const NUMBER_TEXT = /^-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** The value an element's text stands for, given what the field may be. */
function textValue(text: string, shape: Shape): unknown {
  const trimmed = text.trim();
  const numeric = shape.free || shape.scalars.has('number') || shape.scalars.has('integer');
  if (numeric && NUMBER_TEXT.test(trimmed)) {
    const n = Number(trimmed);
    // Never round: an integer the double cannot hold exactly, or a number beyond its range,
    // stays text (and the validator says so) instead of arriving as a different number.
    if (INTEGER_TEXT.test(trimmed) ? Number.isSafeInteger(n) || String(n) === trimmed : Number.isFinite(n)) return n;
  }
  if ((shape.free || shape.scalars.has('boolean')) && (trimmed === 'true' || trimmed === 'false')) return trimmed === 'true';
  return text;
}

// ---------------------------------------------------------------------------------------------
// Decoding

interface XmlNode {
  '#text'?: string;
  ':@'?: Record<string, string>;
  [child: string]: XmlNode[] | string | Record<string, string> | undefined;
}

const MAX_DEPTH = 64;

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  attributesGroupName: ':@',
  textNodeName: '#text',
  alwaysCreateTextNode: true,
  isArray: (_name, _jpath, _isLeaf, isAttribute) => !isAttribute,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  processEntities: true,
  // Also decodes numeric character references (&#169;), which are plain XML.
  htmlEntities: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
});

const childNames = (node: XmlNode) => Object.keys(node).filter((key) => key !== '#text' && key !== ':@');
const attribute = (node: XmlNode, name: string) => node[':@']?.[name];

/**
 * Where a value sits, built cheaply on the way down and turned into a JSON Pointer only when
 * an error needs one (pointer strings for every element cost more than the walk itself).
 */
type Path = { up: Path; key: string | number } | undefined;
const at = (up: Path, key: string | number): Path => ({ up, key });
function pointerOf(path: Path): string {
  const keys: (string | number)[] = [];
  for (let step = path; step; step = step.up) keys.unshift(step.key);
  return keys.reduce<string>((pointer, key) => pointerChild(pointer, key), '');
}

function decodeElements(elements: XmlNode[], shape: Shape, path: Path, depth: number): unknown {
  const marked = attribute(elements[0]!, 'array') === 'true';
  if (elements.length === 1 && !marked && !alwaysArray(shape)) return decodeElement(elements[0]!, shape, path, depth);
  const [only] = elements;
  if (elements.length === 1 && marked && childNames(only!).length === 0 && (only!['#text'] ?? '') === '' && attribute(only!, 'string') !== 'true') return [];
  const itemShape = shape.array ?? shape;
  return elements.map((element, index) => decodeElement(element, itemShape, at(path, index), depth));
}

function decodeElement(node: XmlNode, shape: Shape, path: Path, depth: number): unknown {
  if (depth > MAX_DEPTH) throw new XmlDecodeError(`elements are nested deeper than ${MAX_DEPTH} levels at ${pointerOf(path)}`);
  const names = childNames(node);
  const text = node['#text'] ?? '';
  if (names.length === 0) {
    if (attribute(node, 'string') === 'true') return text;
    if (shape.object && !shape.free && shape.scalars.size === 0 && text.trim() === '') {
      return shape.object.unwrap ? { [shape.object.unwrap]: {} } : {};
    }
    return textValue(text, shape);
  }
  if (text.trim() !== '') throw new XmlDecodeError(`element at ${pointerOf(path)} mixes text with child elements`);
  const unwrap = shape.object?.unwrap;
  if (unwrap) return { [unwrap]: decodeFields(node, names, shape.object!.props.get(unwrap) ?? FREE, at(path, unwrap), depth) };
  return decodeFields(node, names, shape, path, depth);
}

function decodeFields(node: XmlNode, names: string[], shape: Shape, path: Path, depth: number): Record<string, unknown> {
  const object: Record<string, unknown> = {};
  for (const name of names) {
    const fieldShape = shape.object?.props.get(name) ?? shape.object?.extra ?? FREE;
    object[name] = decodeElements(node[name] as XmlNode[], fieldShape, at(path, name), depth + 1);
  }
  return object;
}

// ---------------------------------------------------------------------------------------------
// Encoding

const builderOptions = {
  ignoreAttributes: false,
  attributeNamePrefix: '',
  attributesGroupName: ':@',
  textNodeName: '#text',
  suppressEmptyNode: true,
  suppressBooleanAttributes: false,
  processEntities: true,
};
// Whole documents are indented for people (examples, the mock's answers); the fragments batch
// bodies are assembled from are compact, since every byte counts against the body limit.
const builder = new XMLBuilder({ ...builderOptions, format: true, indentBy: '  ' });
const compactBuilder = new XMLBuilder({ ...builderOptions, format: false });

// XML 1.0 names (ASCII subset: the platform's field names are identifiers) and characters.
const XML_NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
const NOT_XML_CHAR = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;

function encodeField(name: string, value: unknown, shape: Shape, path: Path): XmlNode[] {
  if (!XML_NAME.test(name)) throw new XmlEncodeError(`field name "${name}" is not a valid XML element name; send this body as JSON`, pointerOf(path));
  if (!Array.isArray(value)) return [encodeElement(value, shape, path)];
  if (value.length === 0) return [{ ':@': { array: 'true' } }];
  const itemShape = shape.array ?? FREE;
  const nodes = value.map((item, index) => {
    if (Array.isArray(item)) throw new XmlEncodeError('an array inside an array has no XML form', pointerOf(at(path, index)));
    return encodeElement(item, itemShape, at(path, index));
  });
  if (nodes.length === 1 && !alwaysArray(shape)) {
    // `<x array="true"/>` is the empty array; a lone empty string says it is text.
    const marks: Record<string, string> = { ...nodes[0]![':@'], array: 'true' };
    if (value[0] === '') marks.string = 'true';
    nodes[0]![':@'] = marks;
  }
  return nodes;
}

function encodeElement(value: unknown, shape: Shape, path: Path): XmlNode {
  switch (typeof value) {
    case 'string': {
      if (NOT_XML_CHAR.test(value)) throw new XmlEncodeError('contains a control character that XML 1.0 cannot carry', pointerOf(path));
      const node: XmlNode = { '#text': value };
      if (textValue(value, shape) !== value) node[':@'] = { string: 'true' };
      return node;
    }
    case 'number':
    case 'boolean':
      return { '#text': String(value) };
    case 'object': {
      if (value === null) throw new XmlEncodeError('null has no XML form; leave the field out', pointerOf(path));
      const entries = Object.entries(value as Record<string, unknown>);
      const unwrap = shape.object?.unwrap;
      if (unwrap) {
        const extra = entries.find(([key]) => key !== unwrap);
        if (extra) throw new XmlEncodeError(`only "${unwrap}" can be sent in XML here, not "${extra[0]}"`, pointerOf(at(path, extra[0])));
        const inner = (value as Record<string, unknown>)[unwrap];
        return encodeElement(inner ?? {}, shape.object!.props.get(unwrap) ?? FREE, at(path, unwrap));
      }
      if (entries.length === 0 && !shape.object) throw new XmlEncodeError('an empty object in a free-form field has no XML form', pointerOf(path));
      const node: XmlNode = {};
      for (const [key, field] of entries) {
        if (field === undefined) continue;
        node[key] = encodeField(key, field, shape.object?.props.get(key) ?? shape.object?.extra ?? FREE, at(path, key));
      }
      return node;
    }
    default:
      throw new XmlEncodeError(`a ${typeof value} has no JSON or XML form`, pointerOf(path));
  }
}

// ---------------------------------------------------------------------------------------------

export interface XmlCodec<T = unknown> {
  /** Decodes an XML document into the same object its JSON twin parses to. */
  decode(xml: string): T;
  /** Encodes an object of the JSON model as an XML document rooted at <xml>. */
  encode(value: T): string;
  /** The root element's name (`xml`). */
  readonly root: string;
  /**
   * One field of the root object as compact XML, without the root: `fragment('data', [item])`
   * is `<data>...</data>`. A document is `<root>` + its fields' fragments + `</root>`.
   */
  fragment(name: string, value: unknown): string;
}

const DOCTYPE = /<!DOCTYPE/i;

/** A codec for bodies of the component schema `schemaName`, following its `xml` annotations. */
export function createXmlCodec<T = unknown>(schemaName: string): XmlCodec<T> {
  const schema = document.components.schemas[schemaName];
  if (schema === undefined) throw new Error(`no schema ${schemaName} in the contract`);
  const shape = shapeOf(schema);
  const root = ((schema as { xml?: { name?: string } }).xml?.name ?? schemaName) as string;
  return {
    decode(xml: string): T {
      // No DTDs at all: no entity expansion (billion laughs), no external entities.
      if (DOCTYPE.test(xml)) throw new XmlDecodeError('DOCTYPE declarations are not accepted');
      const check = XMLValidator.validate(xml);
      if (check !== true) throw new XmlDecodeError(`malformed XML: ${check.err.msg}`, check.err.line, check.err.col);
      let parsed: Record<string, XmlNode[]>;
      try {
        parsed = parser.parse(xml) as Record<string, XmlNode[]>;
      } catch (error) {
        throw new XmlDecodeError(`malformed XML: ${(error as Error).message}`);
      }
      const roots = Object.keys(parsed);
      if (roots.length !== 1 || roots[0] !== root || parsed[root]!.length !== 1) {
        throw new XmlDecodeError(`the document must have one root element <${root}>, found ${roots.map((name) => `<${name}>`).join(', ') || 'none'}`);
      }
      const node = parsed[root]![0]!;
      if ((node['#text'] ?? '').trim() !== '' && childNames(node).length === 0) throw new XmlDecodeError(`<${root}> holds text instead of fields`);
      return decodeFields(node, childNames(node), shape, undefined, 1) as T;
    },
    encode(value: T): string {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new XmlEncodeError('the body must be an object', '');
      return builder.build({ [root]: [encodeElement(value, shape, undefined)] }) as string;
    },
    root,
    fragment(name: string, value: unknown): string {
      const fieldShape = shape.object?.props.get(name) ?? shape.object?.extra ?? FREE;
      return compactBuilder.build({ [name]: encodeField(name, value, fieldShape, at(undefined, name)) }) as string;
    },
  };
}

/** Codec of the request body shared by both operations. */
export const requestXml: XmlCodec = createXmlCodec('ImportAndStartBatchRequest');

const responseCodecs = new Map<string, XmlCodec>();

/** Codec of the response bodies of `operationId` (HTTP 200) or of the error envelope. */
export function responseXml(operationId: OperationId, status = 200): XmlCodec {
  const name = status === 200 ? operations[operationId].successSchema : 'ErrorEnvelope';
  let codec = responseCodecs.get(name);
  if (!codec) responseCodecs.set(name, (codec = createXmlCodec(name)));
  return codec;
}
