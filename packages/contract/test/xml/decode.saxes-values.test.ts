// A second opinion on VALUES, not only on well-formedness: saxes (a strict, conformance-tested
// XML parser) reads each generated document, and its events are mapped to the JSON model by
// the codec's rules for free-form fields (this file's own code, not the reader's): repeated
// elements make an array, `array="true"` on a field's first element makes one (empty when that
// element is empty), text converts unless `string="true"`, blank text between child elements
// is dropped and other text beside them is a fault. The reader must produce the same object,
// refuse what saxes refuses, and fault where the mapping does. The documents are built from
// what a reader can get wrong: references (leading zeros, astral, surrogate-range ones that
// must be refused), CDATA, comments, processing instructions, line ends, white space.
import { SaxesParser } from 'saxes';
import { describe, expect, it } from 'vitest';
import { XmlDecodeError, requestXml } from '../../src/xml.js';
import { convertText } from '../../src/xml/shape.js';
import { seeded } from '../support/random.js';

interface Node {
  name: string;
  attributes: Record<string, string>;
  children: Node[];
  text: string;
}

const MIXED = Symbol('mixed');
const REFUSED = Symbol('refused');

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
function expected(xml: string): unknown {
  const root = saxesTree(xml);
  if (root === REFUSED) return REFUSED;
  if (root.children.length === 0) return root.text.trim() === '' ? {} : MIXED;
  return fields(root);
}

function actual(xml: string): unknown {
  try {
    return requestXml.decode(xml);
  } catch (error) {
    expect(error).toBeInstanceOf(XmlDecodeError);
    const { message } = error as XmlDecodeError;
    if (message.startsWith('malformed XML')) return REFUSED;
    if (message.startsWith('an element mixes text')) return MIXED;
    throw error;
  }
}

// --- generated documents ---------------------------------------------------------------------

const pick = <T>(random: () => number, items: readonly T[]): T => items[Math.floor(random() * items.length)]!;

// Names the request schema does not know, so every field is free-form.
const NAMES = ['f', 'g', 'h', 'é', '_x', 'a.b', 'ns:n', 'k-1', 'Ω'];
const GOOD_REFERENCES = ['&amp;', '&lt;', '&gt;', '&apos;', '&quot;', '&#65;', '&#x41;', '&#x000000041;', '&#0000000065;', '&#x1F600;', '&#128512;', '&#x0001F600;', '&#x9;', '&#xA;', '&#xD;', '&#x20;', '&#xA0;', '&#xD7FF;', '&#xE000;', '&#xFFFD;', '&#x10FFFF;', '&#0;'.replace('0', '48')];
const BAD_REFERENCES = ['&#xD800;', '&#xDFFF;', '&#55296;', '&#57343;', '&#x0000D800;', '&#0000056320;', '&#0;', '&#x0;', '&#x0000;', '&#xFFFE;', '&#xFFFF;', '&#x110000;', '&#x00110000;', '&#1114112;', '&#x1;', '&#31;', '&nbsp;', '&#;', '&#x;'];
const TEXT = ['x', 'text', ' ', '  ', '\n', '\r\n', '\r', '\t', '42', '-1.5e3', '007', '.5', 'true', 'false', '1e400', '9007199254740993', 'ü', '😀', '"', "'", '>', ']]', ']'];
const CDATA = ['<![CDATA[]]>', '<![CDATA[<a>&amp;]]>', '<![CDATA[ \r\n ]]>', '<![CDATA[]]]]>', '<![CDATA[12]]>'];
const BLANK = ['', ' ', '\n', '\r\n  ', '\t', '&#x20;', '&#xA0;', '&#10;', '<!-- c -->', '<?pi x?>', ' <!---->\n'];
const ATTRIBUTE_VALUES = ['v', '', '&amp;&lt;', '&#x000041;', 'a\tb\r\nc\rd\ne', '&#x9;&#xA;&#xD;', '&#x1F600;', "'", 'true'];

function text(random: () => number, valid: boolean): string {
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

function documentOf(random: () => number): string {
  const valid = random() < 0.8;
  const prolog = random() < 0.3 ? '<?xml version="1.0" encoding="UTF-8"?>\n' : '';
  let body = '';
  const children = Math.floor(random() * 5);
  for (let i = 0; i < children; i++) body += pick(random, BLANK) + element(random, 2, valid);
  return `${prolog}<xml>${body}${pick(random, BLANK)}</xml>${random() < 0.3 ? '\n<!-- after -->\n' : ''}`;
}

describe('decoded values agree with saxes', () => {
  it('character references with leading zeros read as the character', () => {
    expect(requestXml.decode('<xml><token>&#x000000041;&#0000000066;</token></xml>')).toEqual({ token: 'AB' });
    expect(expected('<xml><token>&#x000000041;</token></xml>')).toEqual({ token: 'A' });
  });

  it('references to surrogates are refused however they are written, as saxes refuses them', () => {
    for (const reference of ['&#xD800;', '&#x0000DBFF;', '&#56320;', '&#0000057343;']) {
      const xml = `<xml><f>${reference}</f></xml>`;
      expect(expected(xml)).toBe(REFUSED);
      expect(actual(xml)).toBe(REFUSED);
    }
  });

  it('every generated document decodes to what saxes reads in it', () => {
    const random = seeded(0x5a4e5);
    const kinds = { value: 0, refused: 0, mixed: 0 };
    for (let i = 0; i < 3000; i++) {
      const xml = documentOf(random);
      const want = expected(xml);
      const got = actual(xml);
      if (want === REFUSED) kinds.refused++;
      else if (want === MIXED) kinds.mixed++;
      else kinds.value++;
      expect(got, xml).toEqual(want);
    }
    // The generator must reach each outcome often enough to mean something.
    expect(kinds.value).toBeGreaterThan(1500);
    expect(kinds.refused).toBeGreaterThan(200);
    expect(kinds.mixed).toBeGreaterThan(50);
  });
});
