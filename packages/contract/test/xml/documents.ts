// Documents for the reader's differential tests, and what saxes (a strict, conformance-tested XML
// parser) reads in them, mapped to the JSON model by the codec's rules for free-form fields:
// this file's own code, not the reader's (see decode.saxes-values.test.ts for the rules).
import { SaxesParser } from 'saxes';
import { convertText } from '../../src/xml/shape.js';

interface Node {
  name: string;
  attributes: Record<string, string>;
  children: Node[];
  text: string;
}

export const MIXED = Symbol('mixed');
export const REFUSED = Symbol('refused');

/** The document as saxes reads it: an element tree with each element's text joined. */
function saxesTree(xml: string): Node | typeof REFUSED {
  const parser = new SaxesParser();
  const stack: Node[] = [];
  let root: Node | undefined;
  parser.on('opentag', (tag) => {
    const node: Node = { name: tag.name, attributes: tag.attributes as Record<string, string>, children: [], text: '' };
    stack.at(-1)?.children.push(node);
    root ??= node;
    stack.push(node);
  });
  parser.on('closetag', () => void stack.pop());
  const text = (chunk: string) => {
    const node = stack.at(-1);
    if (node) node.text += chunk;
  };
  parser.on('text', text);
  parser.on('cdata', text);
  try {
    parser.write(xml).close();
  } catch {
    return REFUSED;
  }
  return root!;
}

/** The fields of an element with children, by the codec's rules; MIXED when text sits beside them. */
function fields(node: Node): Record<string, unknown> | typeof MIXED {
  if (node.text.trim() !== '') return MIXED;
  const groups = new Map<string, { first: Node; values: unknown[] }>();
  for (const child of node.children) {
    const value = valueOf(child);
    if (value === MIXED) return MIXED;
    const group = groups.get(child.name);
    if (group) group.values.push(value);
    else groups.set(child.name, { first: child, values: [value] });
  }
  const object: Record<string, unknown> = {};
  for (const [name, { first, values }] of groups) {
    const marked = first.attributes.array === 'true';
    if (values.length > 1) object[name] = values;
    else if (!marked) object[name] = values[0];
    else object[name] = first.children.length === 0 && first.text === '' && first.attributes.string !== 'true' ? [] : values;
  }
  return object;
}

function valueOf(node: Node): unknown {
  if (node.children.length > 0) return fields(node);
  return node.attributes.string === 'true' ? node.text : convertText(node.text, true, true);
}

/** What the reader must give for `xml`: a value, or which kind of refusal. */
export function expected(xml: string): unknown {
  const root = saxesTree(xml);
  if (root === REFUSED) return REFUSED;
  if (root.children.length === 0) return root.text.trim() === '' ? {} : MIXED;
  return fields(root);
}

// --- generated documents ---------------------------------------------------------------------

export const pick = <T>(random: () => number, items: readonly T[]): T => items[Math.floor(random() * items.length)]!;

// Names the request schema does not know, so every field is free-form.
const NAMES = ['f', 'g', 'h', 'é', '_x', 'a.b', 'ns:n', 'k-1', 'Ω'];
const GOOD_REFERENCES = ['&amp;', '&lt;', '&gt;', '&apos;', '&quot;', '&#65;', '&#x41;', '&#x000000041;', '&#0000000065;', '&#x1F600;', '&#128512;', '&#x0001F600;', '&#x9;', '&#xA;', '&#xD;', '&#x20;', '&#xA0;', '&#xD7FF;', '&#xE000;', '&#xFFFD;', '&#x10FFFF;', '&#0;'.replace('0', '48')];
const BAD_REFERENCES = ['&#xD800;', '&#xDFFF;', '&#55296;', '&#57343;', '&#x0000D800;', '&#0000056320;', '&#0;', '&#x0;', '&#x0000;', '&#xFFFE;', '&#xFFFF;', '&#x110000;', '&#x00110000;', '&#1114112;', '&#x1;', '&#31;', '&nbsp;', '&#;', '&#x;'];
const TEXT = ['x', 'text', ' ', '  ', '\n', '\r\n', '\r', '\t', '42', '-1.5e3', '007', '.5', 'true', 'false', '1e400', '9007199254740993', 'ü', '😀', '"', "'", '>', ']]', ']'];
const CDATA = ['<![CDATA[]]>', '<![CDATA[<a>&amp;]]>', '<![CDATA[ \r\n ]]>', '<![CDATA[]]]]>', '<![CDATA[12]]>'];
const BLANK = ['', ' ', '\n', '\r\n  ', '\t', '&#x20;', '&#xA0;', '&#10;', '<!-- c -->', '<?pi x?>', ' <!---->\n'];
const ATTRIBUTE_VALUES = ['v', '', '&amp;&lt;', '&#x000041;', 'a\tb\r\nc\rd\ne', '&#x9;&#xA;&#xD;', '&#x1F600;', "'", 'true'];

export function text(random: () => number, valid: boolean): string {
  let out = '';
  const pieces = Math.floor(random() * 6);
  for (let i = 0; i < pieces; i++) {
    const r = random();
    if (r < 0.4) out += pick(random, TEXT);
    else if (r < 0.7) out += pick(random, GOOD_REFERENCES);
    else if (r < 0.82) out += pick(random, CDATA);
    else if (r < 0.9) out += '<!-- c - c -->';
    else if (r < 0.95) out += '<?p x?>';
    else out += valid ? pick(random, GOOD_REFERENCES) : pick(random, BAD_REFERENCES);
  }
  return out;
}

function attributes(random: () => number): string {
  let out = '';
  if (random() < 0.25) out += ` string="true"`;
  if (random() < 0.25) out += ` array='true'`;
  if (random() < 0.2) out += ` z=${random() < 0.5 ? `"${pick(random, ATTRIBUTE_VALUES).replace(/"/g, '&quot;')}"` : `'${pick(random, ATTRIBUTE_VALUES).replace(/'/g, '&apos;')}'`}`;
  return out;
}

function element(random: () => number, depth: number, valid: boolean): string {
  const name = pick(random, NAMES);
  const open = `<${name}${attributes(random)}`;
  const r = random();
  if (r < 0.15) return `${open}/>`;
  if (r < 0.55 || depth > 4) return `${open}>${text(random, valid)}</${name}>`;
  let inner = '';
  const children = 1 + Math.floor(random() * 4);
  for (let i = 0; i < children; i++) inner += pick(random, BLANK) + element(random, depth + 1, valid);
  // Now and then text beside the children: a fault, unless it is blank.
  if (random() < 0.1) inner += text(random, valid);
  return `${open}>${inner}${pick(random, BLANK)}</${name}>`;
}

export function documentOf(random: () => number): string {
  const valid = random() < 0.8;
  const prolog = random() < 0.3 ? '<?xml version="1.0" encoding="UTF-8"?>\n' : '';
  let body = '';
  const children = Math.floor(random() * 5);
  for (let i = 0; i < children; i++) body += pick(random, BLANK) + element(random, 2, valid);
  return `${prolog}<xml>${body}${pick(random, BLANK)}</xml>${random() < 0.3 ? '\n<!-- after -->\n' : ''}`;
}

// Request documents: typed fields of the schema (strings, integers, booleans, `phones` that is a
// string or a list of strings, always-array `subscriptions`) beside free-form ones, in profiles
// that keep one order of fields or shuffle it, repeat fields, hold more than 12 distinct fields,
// and names that are prefixes of each other. Text as above, plus numbers that must not round
// and characters XML refuses written raw.
const PROFILE_FIELDS = ['email', 'emails', 'profile_id', 'phones', 'phone', '_fname', '_sex', '_status', '_postal_code', 'subscriptions', 'note', 'tags', 'u1', 'u10', 'u11', 'u2', 'u3', 'u4', 'u5', 'u6', 'u7', 'Ω'];
const VALUES = ['0', '-0', '-0.0', '42', ' 7 ', '007', '9007199254740993', '12345678901234567890', '1e400', '-1.5e3', 'true', 'false', 'x', '', 'Алиса', '😀'];
const RAW_BAD = ['\u0001', '\u001F', '\uFFFE', '\uFFFF', '\uD800', '\uDC00x'];

function fieldText(random: () => number, valid: boolean): string {
  const r = random();
  if (r < 0.5) return pick(random, VALUES);
  if (r < 0.98 || valid) return text(random, valid);
  return pick(random, RAW_BAD);
}

function profileField(random: () => number, name: string, valid: boolean): string {
  const r = random();
  const marks = (random() < 0.15 ? ' array="true"' : '') + (random() < 0.1 ? " string='true'" : '');
  if (name === 'subscriptions' || r < 0.1) {
    const inner = `<resource_id>${pick(random, VALUES)}</resource_id>${random() < 0.5 ? `<channel>${fieldText(random, valid)}</channel>` : ''}`;
    return `<${name}${marks}>${pick(random, BLANK)}${inner}${pick(random, BLANK)}</${name}>`;
  }
  if (r < 0.2) return `<${name}${marks}/>`;
  return `<${name}${marks}>${fieldText(random, valid)}</${name}>`;
}

function profile(random: () => number, order: string[], valid: boolean): string {
  const fields = random() < 0.3 ? [...order].sort(() => random() - 0.5) : order;
  let out = '';
  for (const name of fields) {
    if (random() < 0.35) continue;
    const times = name === 'phones' ? 1 + Math.floor(random() * 3) : random() < 0.15 ? 2 : 1;
    for (let k = 0; k < times; k++) out += pick(random, BLANK) + profileField(random, name, valid);
  }
  // Now and then text beside the fields: a fault, unless it is blank.
  if (random() < 0.03) out += text(random, valid);
  return `<data>${out}${pick(random, BLANK)}</data>`;
}

export function requestDocumentOf(random: () => number): string {
  const valid = random() < 0.9;
  const order = PROFILE_FIELDS.filter(() => random() < 0.8);
  let body = `<workflow_id>${random() < 0.9 ? '12' : pick(random, VALUES)}</workflow_id>`;
  if (random() < 0.3) body += `<skip_triggers>${pick(random, ['true', 'false', ' true ', '1'])}</skip_triggers>`;
  if (random() < 0.2) body += `<custom_data><k>${fieldText(random, valid)}</k><k>${fieldText(random, valid)}</k></custom_data>`;
  const profiles = Math.floor(random() * 6);
  for (let i = 0; i < profiles; i++) body += pick(random, BLANK) + profile(random, order, valid);
  return `<xml>${body}</xml>`;
}
