// Our own comparison of two bundled contracts, from the point of view of a client: what a request
// that was valid may now be refused for, and what an answer the client could read may now hold.
// It covers what public differs miss for this endpoint: limits, required fields and parameters,
// enums, media types, the XML shape, the error envelope and security.
import { formatOfMediaType, isJsonObject, pointerChild } from '@altcraft-api/contract';
import type { Change, Severity } from './change.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type SchemaObject = { [keyword: string]: Json };
export type Document = { [key: string]: Json };

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
const MAX_KEYWORDS = ['maxItems', 'maxLength', 'maximum', 'exclusiveMaximum', 'maxProperties'];
const MIN_KEYWORDS = ['minItems', 'minLength', 'minimum', 'exclusiveMinimum', 'minProperties'];
const XML_FIELDS = ['name', 'wrapped', 'attribute', 'prefix', 'namespace'];
/** Vendor extensions that change the XML shape as much as the `xml` object does. */
const XML_EXTENSIONS = ['x-altcraft-xml-unwrap'];
const ENVELOPE_FIELDS = ['error', 'error_text', 'error_debug'];

type Direction = 'request' | 'response';

interface Located {
  schema: Json;
  pointer: string;
}

interface Context {
  base: Document;
  head: Document;
  direction: Direction;
  xml: boolean;
  where: string;
  changes: Change[];
  seen: Set<string>;
}

/** What checks of a whole operation need: no schema direction or encoding yet. */
type OperationContext = Omit<Context, 'xml' | 'direction'>;

const isObject = isJsonObject<Json>;

function child(pointer: string, ...tokens: (string | number)[]): string {
  return tokens.reduce<string>(pointerChild, pointer);
}

function unescape(token: string): string {
  return token.replace(/~1/g, '/').replace(/~0/g, '~');
}

function at(document: Json, pointer: string): Json | undefined {
  if (pointer === '') return document;
  return pointer
    .slice(1)
    .split('/')
    .reduce<Json | undefined>((node, token) => (isObject(node) ? node[unescape(token)] : Array.isArray(node) ? node[Number(token)] : undefined), document);
}

/** Follows local `$ref`s to the schema they name; the pointer says where it lives in the document. */
function resolve(document: Document, located: Located): Located {
  let current = located;
  for (let hops = 0; isObject(current.schema) && typeof current.schema.$ref === 'string'; hops += 1) {
    const ref = current.schema.$ref;
    if (!ref.startsWith('#') || hops > 64) break;
    current = { schema: at(document, ref.slice(1)) ?? null, pointer: ref.slice(1) };
  }
  return current;
}

/** The schema `true` is the schema `{}`: it allows every value, and is compared as one. */
const asAllowingAll = (schema: Json): Json => (schema === true ? {} : schema);

function quote(value: Json | undefined): string {
  return value === undefined ? 'none' : JSON.stringify(value);
}

/** Where a check writes what it found: the report so far, and where in the operation it looks. */
type Recorder = Pick<Context, 'changes' | 'where'>;

function record(ctx: Recorder, severity: Severity, rule: string, pointer: string, message: string): void {
  ctx.changes.push({ severity, rule, pointer, where: ctx.where, message, source: 'altcraft' });
}

/**
 * Types a schema allows; `integer` is a subset of `number`. Undefined means any. Without `type`,
 * a oneOf/anyOf whose branches all state types allows their union.
 */
function typesOf(schema: SchemaObject, document: Document, depth = 0): Set<string> | undefined {
  const { type } = schema;
  if (type !== undefined) return new Set(Array.isArray(type) ? type.map(String) : [String(type)]);
  for (const keyword of ['oneOf', 'anyOf']) {
    const branches = schema[keyword];
    if (!Array.isArray(branches) || branches.length === 0 || depth > 8) continue;
    const each = branches.map((branch) => {
      const resolved = resolve(document, { schema: branch, pointer: '' }).schema;
      return isObject(resolved) ? typesOf(resolved, document, depth + 1) : undefined;
    });
    if (each.every((types) => types !== undefined)) return new Set(each.flatMap((types) => [...types!]));
  }
  return undefined;
}

function lostTypes(from: Set<string> | undefined, to: Set<string> | undefined): string[] {
  if (!to) return [];
  if (!from) return [`types other than ${[...to].join(', ')}`];
  return [...from].filter((type) => !to.has(type) && !(type === 'integer' && to.has('number')));
}

function compareTypes(ctx: Context, b: SchemaObject, h: SchemaObject, pointer: string): void {
  const [baseTypes, headTypes] = [typesOf(b, ctx.base), typesOf(h, ctx.head)];
  // A request must still accept every type it accepted; an answer must not bring a new one.
  const [narrowed, widened] = ctx.direction === 'request' ? [lostTypes(baseTypes, headTypes), lostTypes(headTypes, baseTypes)] : [lostTypes(headTypes, baseTypes), lostTypes(baseTypes, headTypes)];
  if (narrowed.length > 0) {
    const what = ctx.direction === 'request' ? 'no longer accepts' : 'may now answer';
    record(ctx, 'breaking', 'type-changed', child(pointer, 'type'), `${what} ${narrowed.join(', ')} (type ${quote(b.type)} → ${quote(h.type)})`);
  } else if (widened.length > 0) {
    record(ctx, 'non-breaking', 'type-changed', child(pointer, 'type'), `type ${quote(b.type)} → ${quote(h.type)}`);
  }
}

/** Formats that accept everything a narrower one does (an int32 is an int64). */
const WIDER_FORMATS: Record<string, string[]> = { int32: ['int64'], float: ['double'], date: [], 'date-time': [] };

/** Whether every value of format `from` (undefined: any value) is a value of format `to`. */
const formatFits = (from: Json | undefined, to: Json | undefined): boolean =>
  to === undefined || (typeof from === 'string' && typeof to === 'string' && (WIDER_FORMATS[from] ?? []).includes(to));

function compareFormat(ctx: Context, b: SchemaObject, h: SchemaObject, pointer: string): void {
  if (b.format === h.format) return;
  // A request must still accept what it accepted; an answer must stay within what clients read.
  const safe = ctx.direction === 'request' ? formatFits(b.format, h.format) : formatFits(h.format, b.format);
  const loosened = formatFits(b.format, h.format);
  record(ctx, safe ? 'non-breaking' : 'breaking', loosened ? 'constraint-loosened' : 'constraint-tightened', child(pointer, 'format'), `format ${quote(b.format)} → ${quote(h.format)}`);
}

/**
 * The advice tier (`x-altcraft-advice`) never refuses a request nor changes an answer: a change
 * to it is a change of warnings. `x-source` documents where a constraint comes from.
 */
function compareAdvice(ctx: Context, b: SchemaObject, h: SchemaObject, pointer: string): void {
  const messages = (schema: SchemaObject) =>
    new Set((Array.isArray(schema['x-altcraft-advice']) ? schema['x-altcraft-advice'] : []).map((entry) => (isObject(entry) ? String(entry.message) : '')));
  const [before, after] = [messages(b), messages(h)];
  for (const message of after) if (!before.has(message)) record(ctx, 'non-breaking', 'advice-added', child(pointer, 'x-altcraft-advice'), `advice (a warning) added: ${message}`);
  for (const message of before) if (!after.has(message)) record(ctx, 'non-breaking', 'advice-removed', child(pointer, 'x-altcraft-advice'), `advice (a warning) removed: ${message}`);
  if (JSON.stringify(b['x-source']) !== JSON.stringify(h['x-source'])) {
    record(ctx, 'non-breaking', 'source-changed', child(pointer, 'x-source'), `source ${quote(b['x-source'])} → ${quote(h['x-source'])}`);
  }
}

/**
 * The bound a limit keyword sets, stated or not: no `minItems` is `minItems: 0` (a count or
 * a length is never negative), no `minimum` is minus infinity, no `max*` is infinity.
 */
function effectiveBound(keyword: string, value: Json | undefined): number {
  if (typeof value === 'number') return value;
  if (MAX_KEYWORDS.includes(keyword)) return Infinity;
  return keyword === 'minimum' || keyword === 'exclusiveMinimum' ? -Infinity : 0;
}

function compareLimits(ctx: Context, b: SchemaObject, h: SchemaObject, pointer: string): void {
  for (const keyword of [...MAX_KEYWORDS, ...MIN_KEYWORDS]) {
    const [before, after] = [b[keyword], h[keyword]];
    if (before === after) continue;
    const message = `${keyword} ${quote(before)} → ${quote(after)}`;
    const [from, to] = [effectiveBound(keyword, before), effectiveBound(keyword, after)];
    if (from === to) {
      record(ctx, 'non-breaking', 'constraint-restated', child(pointer, keyword), `${message}: the same bound as before, now stated`);
      continue;
    }
    const tightened = MAX_KEYWORDS.includes(keyword) ? to < from : to > from;
    // Only a request can be refused for a tighter limit; an answer within tighter limits is still readable.
    if (tightened && ctx.direction === 'request') record(ctx, 'breaking', 'constraint-tightened', child(pointer, keyword), message);
    else record(ctx, 'non-breaking', tightened ? 'constraint-tightened' : 'constraint-loosened', child(pointer, keyword), message);
  }
  if (b.pattern !== h.pattern) {
    const severity: Severity = ctx.direction === 'request' && h.pattern !== undefined ? 'breaking' : 'non-breaking';
    record(ctx, severity, 'pattern-changed', child(pointer, 'pattern'), `pattern ${quote(b.pattern)} → ${quote(h.pattern)}`);
  }
}

function enumValues(schema: SchemaObject): string[] | undefined {
  if (schema.const !== undefined) return [JSON.stringify(schema.const)];
  return Array.isArray(schema.enum) ? schema.enum.map((value) => JSON.stringify(value)) : undefined;
}

function compareEnums(ctx: Context, b: SchemaObject, h: SchemaObject, pointer: string): void {
  const [before, after] = [enumValues(b), enumValues(h)];
  if (!before && !after) return;
  const keyword = h.const !== undefined || b.const !== undefined ? 'const' : 'enum';
  const removed = after ? (before ?? ['any value']).filter((value) => !after.includes(value)) : [];
  const added = before ? (after ?? ['any value']).filter((value) => !before.includes(value)) : [];
  if (removed.length > 0) {
    // A request value the server no longer takes breaks senders.
    const severity: Severity = ctx.direction === 'request' ? 'breaking' : 'non-breaking';
    record(ctx, severity, 'enum-value-removed', child(pointer, keyword), `${keyword} no longer allows ${removed.join(', ')}`);
  }
  if (added.length > 0) {
    // A new value in an answer is outside the generated union type, and outside a client's switch.
    const severity: Severity = ctx.direction === 'response' ? 'breaking' : 'non-breaking';
    record(ctx, severity, 'enum-value-added', child(pointer, keyword), `${keyword} now allows ${added.join(', ')}`);
  }
}

function xmlShape(schema: SchemaObject): Record<string, Json | undefined> {
  const xml = isObject(schema.xml) ? schema.xml : {};
  const shape: Record<string, Json | undefined> = {};
  for (const field of XML_FIELDS) shape[`xml.${field}`] = xml[field];
  for (const extension of XML_EXTENSIONS) shape[extension] = schema[extension];
  return shape;
}

function compareXml(ctx: Context, b: SchemaObject, h: SchemaObject, pointer: string): void {
  const [before, after] = [xmlShape(b), xmlShape(h)];
  for (const field of Object.keys(before)) {
    if (JSON.stringify(before[field]) === JSON.stringify(after[field])) continue;
    const location = field.startsWith('xml.') ? child(pointer, 'xml', field.slice(4)) : child(pointer, field);
    record(ctx, 'breaking', 'xml-changed', location, `${field} ${quote(before[field])} → ${quote(after[field])}: XML documents change shape`);
  }
}

function isEnvelope(schema: SchemaObject): boolean {
  return isObject(schema.properties) && 'error' in schema.properties && 'error_text' in schema.properties;
}

function compareEnvelope(ctx: Context, b: SchemaObject, h: SchemaObject, pointer: string): void {
  const [baseProperties, headProperties] = [b.properties as SchemaObject, isObject(h.properties) ? h.properties : {}];
  const [baseRequired, headRequired] = [requiredOf(b), requiredOf(h)];
  for (const field of ENVELOPE_FIELDS) {
    const before = baseProperties[field];
    if (before === undefined) continue;
    const after = headProperties[field];
    const location = child(pointer, 'properties', field);
    if (after === undefined) {
      record(ctx, 'breaking', 'error-envelope-changed', location, `the envelope no longer carries \`${field}\``);
      continue;
    }
    const [wasAt, isAt] = [resolve(ctx.base, { schema: before, pointer: location }), resolve(ctx.head, { schema: after, pointer: location })];
    const [was, is] = [asAllowingAll(wasAt.schema), asAllowingAll(isAt.schema)];
    if (isObject(was) && isObject(is) && quote(was.type) !== quote(is.type)) {
      record(ctx, 'breaking', 'error-envelope-changed', child(location, 'type'), `envelope \`${field}\` type ${quote(was.type)} → ${quote(is.type)}`);
    }
    // The field's bounds and advice, as any answer field's (an answer within other bounds is still readable).
    const key = `${ctx.direction}|${ctx.xml}|envelope|${wasAt.pointer}|${isAt.pointer}`;
    if (isObject(was) && isObject(is) && !ctx.seen.has(key)) {
      ctx.seen.add(key);
      compareLimits(ctx, was, is, isAt.pointer);
      compareAdvice(ctx, was, is, isAt.pointer);
    }
    if (baseRequired.has(field) && !headRequired.has(field)) {
      record(ctx, 'breaking', 'error-envelope-changed', child(pointer, 'required'), `envelope \`${field}\` is no longer always present`);
    }
  }
}

function requiredOf(schema: SchemaObject): Set<string> {
  return new Set(Array.isArray(schema.required) ? schema.required.map(String) : []);
}

function compareRequired(ctx: Context, b: SchemaObject, h: SchemaObject, pointer: string, skip: Set<string>): void {
  const [before, after] = [requiredOf(b), requiredOf(h)];
  for (const name of after) {
    if (before.has(name) || skip.has(name)) continue;
    const severity: Severity = ctx.direction === 'request' ? 'breaking' : 'non-breaking';
    record(ctx, severity, 'required-added', child(pointer, 'required'), `\`${name}\` is now required`);
  }
  for (const name of before) {
    if (after.has(name) || skip.has(name)) continue;
    const severity: Severity = ctx.direction === 'response' ? 'breaking' : 'non-breaking';
    record(ctx, severity, 'required-removed', child(pointer, 'required'), `\`${name}\` is no longer required`);
  }
}

function isClosed(schema: SchemaObject): boolean {
  return schema.additionalProperties === false || schema.unevaluatedProperties === false;
}

function compareProperties(ctx: Context, b: Located, h: Located, skip: Set<string>): void {
  const [bs, hs] = [b.schema as SchemaObject, h.schema as SchemaObject];
  const [before, after] = [isObject(bs.properties) ? bs.properties : {}, isObject(hs.properties) ? hs.properties : {}];
  for (const [name, schema] of Object.entries(before)) {
    if (skip.has(name)) continue;
    const location = child(b.pointer, 'properties', name);
    if (!(name in after)) {
      // A request property dropped from a closed object makes requests that send it invalid.
      const breaking = ctx.direction === 'response' || isClosed(hs);
      const message = ctx.direction === 'response' ? `answers no longer carry \`${name}\`` : `\`${name}\` is no longer accepted${breaking ? '' : ' (still allowed as an unknown property)'}`;
      record(ctx, breaking ? 'breaking' : 'non-breaking', 'property-removed', location, message);
      continue;
    }
    compareSchemas(ctx, { schema, pointer: location }, { schema: after[name] as Json, pointer: child(h.pointer, 'properties', name) });
  }
  for (const name of Object.keys(after)) {
    if (!(name in before)) record(ctx, 'non-breaking', 'property-added', child(h.pointer, 'properties', name), `new property \`${name}\``);
  }
  if (!isClosed(bs) && isClosed(hs)) {
    const severity: Severity = ctx.direction === 'request' ? 'breaking' : 'non-breaking';
    record(ctx, severity, 'constraint-tightened', child(h.pointer, 'additionalProperties'), 'unknown properties are now refused');
  }
  if (isClosed(bs) && !isClosed(hs)) {
    // More is accepted in a request; an answer may carry fields a client reads past.
    const message = ctx.direction === 'request' ? 'unknown properties are now accepted' : 'answers may now carry properties the contract does not list';
    record(ctx, 'non-breaking', 'constraint-loosened', child(h.pointer, 'additionalProperties'), message);
  }
  if (isObject(bs.additionalProperties) && isObject(hs.additionalProperties)) {
    compareSchemas(ctx, { schema: bs.additionalProperties, pointer: child(b.pointer, 'additionalProperties') }, { schema: hs.additionalProperties, pointer: child(h.pointer, 'additionalProperties') });
  }
}

/**
 * A oneOf that became an anyOf (or back) over its branches: anyOf takes every value oneOf takes
 * and also one that fits several branches. Returns the keyword the head uses for the base's one.
 */
function compareCombinator(ctx: Context, b: SchemaObject, h: SchemaObject, pointer: string): ['oneOf' | 'anyOf', 'oneOf' | 'anyOf'] | undefined {
  const switched = (from: 'oneOf' | 'anyOf', to: 'oneOf' | 'anyOf') => Array.isArray(b[from]) && !Array.isArray(h[from]) && Array.isArray(h[to]) && !Array.isArray(b[to]);
  if (switched('oneOf', 'anyOf')) {
    // A request takes more; an answer may now fit several branches, which a client may not expect.
    record(ctx, ctx.direction === 'request' ? 'non-breaking' : 'breaking', 'constraint-loosened', child(pointer, 'anyOf'), 'oneOf → anyOf (a value may fit several branches)');
    return ['oneOf', 'anyOf'];
  }
  if (switched('anyOf', 'oneOf')) {
    record(ctx, ctx.direction === 'request' ? 'breaking' : 'non-breaking', 'constraint-tightened', child(pointer, 'oneOf'), 'anyOf → oneOf (a value must fit exactly one branch)');
    return ['anyOf', 'oneOf'];
  }
  return undefined;
}

/** Pairs the branches of a oneOf/anyOf/allOf: by $ref where both sides use refs, else by position. */
function compareBranches(ctx: Context, b: Located, h: Located, keyword: 'oneOf' | 'anyOf' | 'allOf', headKeyword: 'oneOf' | 'anyOf' | 'allOf' = keyword): void {
  const [before, after] = [(b.schema as SchemaObject)[keyword], (h.schema as SchemaObject)[headKeyword]];
  if (!Array.isArray(before) && !Array.isArray(after)) return;
  if (Array.isArray(before) && !Array.isArray(after) && keyword === headKeyword) {
    // The whole combinator is gone: a request is no longer held to its branches (what they
    // required of the type is compared by compareTypes); an answer may now be anything.
    const breaking = ctx.direction === 'response';
    record(ctx, breaking ? 'breaking' : 'non-breaking', 'constraint-loosened', child(b.pointer, keyword), `${keyword} with ${before.length} branches removed`);
    return;
  }
  const [bList, hList] = [Array.isArray(before) ? before : [], Array.isArray(after) ? after : []];
  const refOf = (schema: Json) => (isObject(schema) && typeof schema.$ref === 'string' ? schema.$ref : undefined);
  const byRef = bList.every(refOf) && hList.every(refOf);
  const matched = new Set<number>();
  bList.forEach((schema, index) => {
    const headIndex = byRef ? hList.findIndex((candidate) => refOf(candidate) === refOf(schema)) : index < hList.length ? index : -1;
    const location = child(b.pointer, keyword, index);
    if (headIndex < 0) {
      // Losing an alternative refuses requests that used it; losing an allOf part loosens a request.
      const breaking = keyword === 'allOf' ? ctx.direction === 'response' : ctx.direction === 'request';
      record(ctx, breaking ? 'breaking' : 'non-breaking', 'variant-removed', location, `${keyword} branch ${refOf(schema) ?? index} removed`);
      return;
    }
    matched.add(headIndex);
    compareSchemas(ctx, { schema, pointer: location }, { schema: hList[headIndex] as Json, pointer: child(h.pointer, headKeyword, headIndex) });
  });
  hList.forEach((schema, index) => {
    if (matched.has(index)) return;
    const breaking = keyword === 'allOf' ? ctx.direction === 'request' : ctx.direction === 'response';
    record(ctx, breaking ? 'breaking' : 'non-breaking', 'variant-added', child(h.pointer, headKeyword, index), `${headKeyword} branch ${refOf(schema) ?? index} added`);
  });
}

function compareDefault(ctx: Context, b: SchemaObject, h: SchemaObject, pointer: string): void {
  if (JSON.stringify(b.default) === JSON.stringify(h.default)) return;
  // A client that leaves a request field out gets the default: a different one changes what it
  // asks for without a line of its code changing. Documenting or dropping one changes nothing sent.
  const changed = ctx.direction === 'request' && b.default !== undefined && h.default !== undefined;
  record(ctx, changed ? 'breaking' : 'non-breaking', 'default-changed', child(pointer, 'default'), `default ${quote(b.default)} → ${quote(h.default)}`);
}

/** A field newly deprecated still works, but client teams want to hear it before it goes (as oasdiff lists it). */
function compareSchemaDeprecation(ctx: Context, b: SchemaObject, h: SchemaObject, pointer: string): void {
  if ((b.deprecated === true) === (h.deprecated === true)) return;
  const deprecated = h.deprecated === true;
  const what = ctx.direction === 'request' ? 'request field' : 'answer field';
  record(ctx, 'non-breaking', deprecated ? 'field-deprecated' : 'field-undeprecated', child(pointer, 'deprecated'), `the ${what} is ${deprecated ? 'deprecated' : 'no longer deprecated'}`);
}

export function compareSchemas(ctx: Context, baseSide: Located, headSide: Located): void {
  const [baseAt, headAt] = [resolve(ctx.base, baseSide), resolve(ctx.head, headSide)];
  const key = `${ctx.direction}|${ctx.xml}|${baseAt.pointer}|${headAt.pointer}`;
  if (ctx.seen.has(key)) return;
  ctx.seen.add(key);
  // `true` and `{}` alike: an answer field that became `true` may now be any type (breaking).
  const [b, h] = [{ ...baseAt, schema: asAllowingAll(baseAt.schema) }, { ...headAt, schema: asAllowingAll(headAt.schema) }];
  if (!isObject(b.schema) || !isObject(h.schema)) {
    if (JSON.stringify(b.schema) !== JSON.stringify(h.schema)) {
      // A boolean schema: `false` allows nothing, `true` everything.
      const narrowed = ctx.direction === 'request' ? h.schema === false : b.schema === false;
      record(ctx, narrowed ? 'breaking' : 'non-breaking', 'type-changed', h.pointer, `schema ${quote(b.schema)} → ${quote(h.schema)}`);
    }
    return;
  }
  const envelope = ctx.direction === 'response' && isEnvelope(b.schema);
  const skip = new Set(envelope ? ENVELOPE_FIELDS : []);
  compareTypes(ctx, b.schema, h.schema, h.pointer);
  compareLimits(ctx, b.schema, h.schema, h.pointer);
  compareFormat(ctx, b.schema, h.schema, h.pointer);
  compareAdvice(ctx, b.schema, h.schema, h.pointer);
  compareEnums(ctx, b.schema, h.schema, h.pointer);
  compareDefault(ctx, b.schema, h.schema, h.pointer);
  compareSchemaDeprecation(ctx, b.schema, h.schema, h.pointer);
  if (ctx.xml) compareXml(ctx, b.schema, h.schema, h.pointer);
  if (envelope) compareEnvelope(ctx, b.schema, h.schema, h.pointer);
  compareRequired(ctx, b.schema, h.schema, h.pointer, skip);
  compareProperties(ctx, b, h, skip);
  if (isObject(b.schema.items) && isObject(h.schema.items)) {
    compareSchemas(ctx, { schema: b.schema.items, pointer: child(b.pointer, 'items') }, { schema: h.schema.items, pointer: child(h.pointer, 'items') });
  }
  // A switched combinator pairs the base's branches with the head's other keyword.
  const switched = compareCombinator(ctx, b.schema, h.schema, h.pointer);
  if (switched) compareBranches(ctx, b, h, ...switched);
  else for (const keyword of ['oneOf', 'anyOf'] as const) compareBranches(ctx, b, h, keyword);
  compareBranches(ctx, b, h, 'allOf');
}

function contentOf(document: Document, located: Located): { [mediaType: string]: Json } {
  const resolved = resolve(document, located).schema;
  return isObject(resolved) && isObject(resolved.content) ? resolved.content : {};
}

function compareContent(ctx: Omit<Context, 'xml'>, b: Located, h: Located, part: string): void {
  const [before, after] = [contentOf(ctx.base, b), contentOf(ctx.head, h)];
  const [bPointer, hPointer] = [resolve(ctx.base, b).pointer, resolve(ctx.head, h).pointer];
  for (const [mediaType, media] of Object.entries(before)) {
    const location = child(bPointer, 'content', mediaType);
    const headMedia = after[mediaType];
    const where = `${ctx.where} ${part} ${mediaType}`;
    if (headMedia === undefined) {
      // Removed or renamed: clients that send (or ask for) this media type fail.
      record({ changes: ctx.changes, where }, 'breaking', 'media-type-removed', location, `${part} no longer offers ${mediaType}`);
      continue;
    }
    if (!isObject(media) || !isObject(headMedia) || media.schema === undefined || headMedia.schema === undefined) continue;
    const xml = formatOfMediaType(mediaType) === 'xml';
    compareSchemas({ ...ctx, xml, where }, { schema: media.schema, pointer: child(location, 'schema') }, { schema: headMedia.schema, pointer: child(hPointer, 'content', mediaType, 'schema') });
  }
  for (const mediaType of Object.keys(after)) {
    if (!(mediaType in before)) {
      record({ changes: ctx.changes, where: `${ctx.where} ${part} ${mediaType}` }, 'non-breaking', 'media-type-added', child(hPointer, 'content', mediaType), `${part} now also offers ${mediaType}`);
    }
  }
}

function compareOperationLimits(ctx: OperationContext, b: SchemaObject, h: SchemaObject, pointer: string): void {
  const [before, after] = [isObject(b['x-altcraft-limits']) ? b['x-altcraft-limits'] : {}, isObject(h['x-altcraft-limits']) ? h['x-altcraft-limits'] : {}];
  for (const name of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const [was, is] = [before[name], after[name]];
    if (was === is) continue;
    const lowered = typeof is === 'number' && (typeof was !== 'number' || is < was);
    record(ctx, lowered ? 'breaking' : 'non-breaking', lowered ? 'limit-lowered' : 'limit-raised', child(pointer, 'x-altcraft-limits', name), `${name} ${quote(was)} → ${quote(is)}`);
  }
}

interface Parameter {
  name: string;
  in: string;
  required: boolean;
  pointer: string;
  schema: Json | undefined;
  /** How the value is written (style, explode, allowReserved, content): a generated client encodes by it. */
  serialization: string;
}

/** The operation's parameters with the path item's, the operation's winning (OpenAPI's rule). */
function parametersOf(document: Document, operationPointer: string): Map<string, Parameter> {
  const found = new Map<string, Parameter>();
  const itemPointer = operationPointer.slice(0, operationPointer.lastIndexOf('/'));
  for (const owner of [itemPointer, operationPointer]) {
    const list = at(document, child(owner, 'parameters'));
    if (!Array.isArray(list)) continue;
    list.forEach((entry, index) => {
      const { schema: parameter, pointer } = resolve(document, { schema: entry, pointer: child(owner, 'parameters', index) });
      if (!isObject(parameter) || typeof parameter.name !== 'string' || typeof parameter.in !== 'string') return;
      const name = parameter.in === 'header' ? parameter.name.toLowerCase() : parameter.name;
      const serialization = JSON.stringify([parameter.style, parameter.explode, parameter.allowReserved, isObject(parameter.content) ? Object.keys(parameter.content) : undefined]);
      found.set(`${parameter.in} ${name}`, { name: parameter.name, in: parameter.in, required: parameter.required === true || parameter.in === 'path', pointer, schema: parameter.schema, serialization });
    });
  }
  return found;
}

function compareParameters(ctx: OperationContext, basePointer: string, headPointer: string): void {
  const [before, after] = [parametersOf(ctx.base, basePointer), parametersOf(ctx.head, headPointer)];
  for (const [key, parameter] of after) {
    const was = before.get(key);
    if (!was) {
      const severity: Severity = parameter.required ? 'breaking' : 'non-breaking';
      record(ctx, severity, 'parameter-added', parameter.pointer, `new ${parameter.required ? 'required' : 'optional'} ${parameter.in} parameter \`${parameter.name}\``);
    } else {
      if (parameter.required && !was.required) {
        record(ctx, 'breaking', 'required-added', parameter.pointer, `${parameter.in} parameter \`${parameter.name}\` is now required`);
      }
      if (parameter.serialization !== was.serialization) {
        record(ctx, 'breaking', 'parameter-serialization-changed', parameter.pointer, `${parameter.in} parameter \`${parameter.name}\` is written differently (style, explode, allowReserved or content)`);
      }
      if (was.schema !== undefined && parameter.schema !== undefined) {
        const where = `${ctx.where} ${parameter.in} parameter ${parameter.name}`;
        compareSchemas({ ...ctx, where, direction: 'request', xml: false }, { schema: was.schema, pointer: child(was.pointer, 'schema') }, { schema: parameter.schema, pointer: child(parameter.pointer, 'schema') });
      }
    }
  }
  for (const [key, parameter] of before) {
    if (!after.has(key)) {
      record(ctx, 'non-breaking', 'parameter-removed', parameter.pointer, `${parameter.in} parameter \`${parameter.name}\` is no longer documented`);
    }
  }
}

/** The security alternatives an operation accepts (its own, else the document's); `{}` is anonymous. */
function securityOf(document: Document, operation: SchemaObject): { alternatives: Set<string>; pointer: string } | undefined {
  const own = operation.security;
  const list = Array.isArray(own) ? own : Array.isArray(document.security) ? document.security : undefined;
  if (!list) return undefined;
  return { alternatives: new Set(list.map((requirement) => JSON.stringify(requirement))), pointer: Array.isArray(own) ? 'security' : '/security' };
}

function compareSecurity(ctx: OperationContext, b: SchemaObject, h: SchemaObject, headPointer: string): void {
  const [before, after] = [securityOf(ctx.base, b), securityOf(ctx.head, h)];
  const anyone = new Set(['{}']);
  const [was, is] = [before?.alternatives ?? anyone, after?.alternatives ?? anyone];
  const pointer = after?.pointer === 'security' ? child(headPointer, 'security') : '/security';
  for (const requirement of was) {
    if (!is.has(requirement)) {
      // A client authenticating the way the base allowed (or anonymously) is now refused.
      record(ctx, 'breaking', 'security-changed', pointer, `no longer accepts ${requirement === '{}' ? 'requests without credentials' : `security ${requirement}`}`);
    }
  }
  for (const requirement of is) {
    if (!was.has(requirement)) record(ctx, 'non-breaking', 'security-changed', pointer, `also accepts security ${requirement}`);
  }
}

interface Header {
  name: string;
  required: boolean;
  schema: Json | undefined;
  pointer: string;
}

function headersOf(document: Document, response: Located): Map<string, Header> {
  const found = new Map<string, Header>();
  const resolved = resolve(document, response);
  if (!isObject(resolved.schema) || !isObject(resolved.schema.headers)) return found;
  for (const [name, entry] of Object.entries(resolved.schema.headers)) {
    const { schema: header, pointer } = resolve(document, { schema: entry, pointer: child(resolved.pointer, 'headers', name) });
    if (!isObject(header)) continue;
    found.set(name.toLowerCase(), { name, required: header.required === true, schema: header.schema, pointer });
  }
  return found;
}

/** Answer headers a client reads (Retry-After, rate limits): a promised one that goes away breaks it. */
function compareHeaders(ctx: OperationContext, b: Located, h: Located, status: string): void {
  const [before, after] = [headersOf(ctx.base, b), headersOf(ctx.head, h)];
  for (const [key, header] of before) {
    const now = after.get(key);
    const where = `${ctx.where} ${status} answer header ${header.name}`;
    if (!now) {
      record({ changes: ctx.changes, where }, header.required ? 'breaking' : 'non-breaking', 'response-header-removed', header.pointer, `the ${status} answer no longer has the header ${header.name}`);
      continue;
    }
    if (header.required && !now.required) {
      record({ changes: ctx.changes, where }, 'breaking', 'response-header-optional', now.pointer, `the ${status} answer's header ${header.name} is no longer always sent`);
    }
    if (header.schema !== undefined && now.schema !== undefined) {
      compareSchemas({ ...ctx, where, direction: 'response', xml: false }, { schema: header.schema, pointer: child(header.pointer, 'schema') }, { schema: now.schema, pointer: child(now.pointer, 'schema') });
    }
  }
  for (const [key, header] of after) {
    if (!before.has(key)) record({ changes: ctx.changes, where: `${ctx.where} ${status} answer header ${header.name}` }, 'non-breaking', 'response-header-added', header.pointer, `the ${status} answer has a new header ${header.name}`);
  }
}

/** Generated clients name their methods (and types) after the operation id. */
function compareOperationId(ctx: OperationContext, b: SchemaObject, h: SchemaObject, pointer: string): void {
  if (b.operationId === h.operationId) return;
  const severity: Severity = b.operationId === undefined ? 'non-breaking' : 'breaking';
  record(ctx, severity, 'operation-id-changed', child(pointer, 'operationId'), `operationId ${quote(b.operationId)} → ${quote(h.operationId)}`);
}

function compareDeprecation(ctx: OperationContext, b: SchemaObject, h: SchemaObject, pointer: string): void {
  if ((b.deprecated === true) === (h.deprecated === true)) return;
  record(ctx, 'non-breaking', h.deprecated === true ? 'operation-deprecated' : 'operation-undeprecated', child(pointer, 'deprecated'), h.deprecated === true ? 'the operation is deprecated' : 'the operation is no longer deprecated');
}

function bodyRequired(document: Document, operation: SchemaObject, pointer: string): boolean {
  if (operation.requestBody === undefined) return false;
  const body = resolve(document, { schema: operation.requestBody, pointer: child(pointer, 'requestBody') }).schema;
  return isObject(body) && body.required === true;
}

function compareBodyRequired(ctx: OperationContext, b: SchemaObject, h: SchemaObject, basePointer: string, headPointer: string): void {
  const [was, is] = [bodyRequired(ctx.base, b, basePointer), bodyRequired(ctx.head, h, headPointer)];
  if (was === is) return;
  // A client that sent no body was valid before.
  record(ctx, is ? 'breaking' : 'non-breaking', is ? 'request-body-required' : 'request-body-optional', child(headPointer, 'requestBody'), is ? 'the request body is now required' : 'the request body is now optional');
}

const SCHEME_FIELDS = ['type', 'scheme', 'bearerFormat', 'in', 'name', 'openIdConnectUrl', 'flows'];

function schemesOf(document: Document): { [name: string]: Json } {
  const components = isObject(document.components) ? document.components : {};
  return isObject(components.securitySchemes) ? components.securitySchemes : {};
}

/**
 * The schemes an operation's accepted requirements name: one of them removed, or sending its
 * credentials another way (type, header name, scheme, flows), breaks a client that uses it.
 */
function compareSecuritySchemes(ctx: OperationContext, b: SchemaObject): void {
  const used = new Set<string>();
  for (const requirement of securityOf(ctx.base, b)?.alternatives ?? []) for (const name of Object.keys(JSON.parse(requirement) as object)) used.add(name);
  const [before, after] = [schemesOf(ctx.base), schemesOf(ctx.head)];
  for (const name of used) {
    const [was, is] = [before[name], after[name]];
    const pointer = child('', 'components', 'securitySchemes', name);
    if (!isObject(was)) continue;
    if (!isObject(is)) {
      record(ctx, 'breaking', 'security-scheme-removed', pointer, `security scheme ${name} was removed`);
      continue;
    }
    const differs = SCHEME_FIELDS.filter((field) => JSON.stringify(was[field]) !== JSON.stringify(is[field]));
    if (differs.length > 0) record(ctx, 'breaking', 'security-scheme-changed', pointer, `security scheme ${name} changed its ${differs.join(', ')}`);
  }
}

function operationsOf(document: Document): Map<string, { pointer: string; operation: SchemaObject }> {
  const found = new Map<string, { pointer: string; operation: SchemaObject }>();
  const paths = isObject(document.paths) ? document.paths : {};
  for (const [path, item] of Object.entries(paths)) {
    if (!isObject(item)) continue;
    for (const method of METHODS) {
      const operation = item[method];
      if (isObject(operation)) found.set(`${method.toUpperCase()} ${path}`, { pointer: child('', 'paths', path, method), operation });
    }
  }
  return found;
}

/** Every change between two bundled contracts that a client of the operations can notice. */
export function compareContracts(base: Document, head: Document): Change[] {
  const changes: Change[] = [];
  const [before, after] = [operationsOf(base), operationsOf(head)];
  for (const [where, { pointer, operation }] of before) {
    const headSide = after.get(where);
    if (!headSide) {
      record({ changes, where }, 'breaking', 'operation-removed', pointer, `${where} was removed`);
      continue;
    }
    const ctx = { base, head, where, changes, seen: new Set<string>() };
    const h = headSide.operation;
    compareOperationLimits(ctx, operation, h, headSide.pointer);
    compareParameters(ctx, pointer, headSide.pointer);
    compareSecurity(ctx, operation, h, headSide.pointer);
    compareSecuritySchemes(ctx, operation);
    compareOperationId(ctx, operation, h, headSide.pointer);
    compareDeprecation(ctx, operation, h, headSide.pointer);
    compareBodyRequired(ctx, operation, h, pointer, headSide.pointer);
    if (operation.requestBody !== undefined && h.requestBody !== undefined) {
      compareContent({ ...ctx, direction: 'request' }, { schema: operation.requestBody, pointer: child(pointer, 'requestBody') }, { schema: h.requestBody, pointer: child(headSide.pointer, 'requestBody') }, 'request');
    }
    const [baseResponses, headResponses] = [isObject(operation.responses) ? operation.responses : {}, isObject(h.responses) ? h.responses : {}];
    for (const [status, response] of Object.entries(baseResponses)) {
      const headResponse = headResponses[status];
      if (headResponse === undefined) {
        // An error the server stops documenting costs a client nothing; a success it stops sending does.
        const severity: Severity = status.startsWith('2') ? 'breaking' : 'non-breaking';
        record(ctx, severity, 'response-removed', child(pointer, 'responses', status), `no ${status} answer any more`);
        continue;
      }
      compareContent({ ...ctx, direction: 'response' }, { schema: response, pointer: child(pointer, 'responses', status) }, { schema: headResponse, pointer: child(headSide.pointer, 'responses', status) }, `${status} answer`);
      compareHeaders(ctx, { schema: response, pointer: child(pointer, 'responses', status) }, { schema: headResponse, pointer: child(headSide.pointer, 'responses', status) }, status);
    }
    for (const status of Object.keys(headResponses)) {
      if (!(status in baseResponses)) record(ctx, 'non-breaking', 'response-added', child(headSide.pointer, 'responses', status), `new ${status} answer`);
    }
  }
  for (const [where, { pointer }] of after) {
    if (!before.has(where)) record({ changes, where }, 'non-breaking', 'operation-added', pointer, `new operation ${where}`);
  }
  return changes;
}
