import { pointerChild } from '../document.js';
import { XmlEncodeError } from './errors.js';
import { alwaysArray, convertText, convertsText, fieldShape, FREE, type Shape } from './shape.js';

// The encoder writes the document as one string in a single walk of the value, steered by the
// shapes: each shape's facts (does its text need string="true"? is it always an array? is it
// unwrapped?) are worked out once and kept. Its output is byte for byte what the codec has
// always written: two-space indentation and a newline per element for documents, nothing
// between elements in fragments, `<x/>` for an element without content.

/** Element nesting the decoder accepts; deeper values are refused here, so whatever encodes decodes. */
const MAX_DEPTH = 64;

// XML 1.0 names (ASCII subset: the platform's field names are identifiers).
const XML_NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
// What needs escaping, or cannot be carried at all: C0 controls but tab and LF, U+FFFE/U+FFFF
// and surrogates (a pair is fine, checked on the slow path). CR is written as a reference, since
// a reader turns a literal CR into LF.
const SPECIAL = /[\u0000-\u0008\u000B-\u001F&<>'"\uD800-\uDFFF\uFFFE\uFFFF]/;

// Names already checked: a set lookup per field instead of a pattern match.
const validNames = new Set<string>();
function validName(name: string): boolean {
  if (validNames.has(name)) return true;
  if (!XML_NAME.test(name)) return false;
  if (validNames.size >= 10_000) validNames.clear();
  validNames.add(name);
  return true;
}

/** Where a value sits; turned into a JSON Pointer only when an error needs one. */
type Path = { up: Path; key: string | number } | undefined;
function pointerOf(path: Path): string {
  const keys: (string | number)[] = [];
  for (let step = path; step; step = step.up) keys.push(step.key);
  let pointer = '';
  for (let i = keys.length - 1; i >= 0; i--) pointer = pointerChild(pointer, keys[i]!);
  return pointer;
}

/** Text with markup escaped; refuses characters XML 1.0 cannot carry. */
function escape(text: string, up: Path, key: string | number): string {
  if (!SPECIAL.test(text)) return text;
  let out = '';
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    let replacement: string;
    if (c === 0x26) replacement = '&amp;';
    else if (c === 0x3c) replacement = '&lt;';
    else if (c === 0x3e) replacement = '&gt;';
    else if (c === 0x27) replacement = '&apos;';
    else if (c === 0x22) replacement = '&quot;';
    else if (c === 0x0d) replacement = '&#13;';
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      i++;
      continue;
    } else if ((c < 0x20 && c !== 0x09 && c !== 0x0a) || (c >= 0xd800 && c <= 0xdfff) || c === 0xfffe || c === 0xffff) {
      const what = c >= 0xd800 && c <= 0xdfff ? 'half of a surrogate pair' : 'a control character';
      throw new XmlEncodeError(`contains ${what} that XML 1.0 cannot carry`, pointerOf({ up, key }));
    } else continue;
    out += text.slice(from, i) + replacement;
    from = i + 1;
  }
  return out + text.slice(from);
}

interface Facts {
  shape: Shape;
  /** Its text may convert (numbers, booleans), so some strings need string="true". */
  converts: boolean;
  numeric: boolean;
  boolean: boolean;
  alwaysArray: boolean;
  item: Shape;
  unwrap: string | undefined;
  inner: Shape;
  typedObject: boolean;
}

// Kept on the shape itself: a property read per element instead of a WeakMap lookup.
type WithFacts = Shape & { encoding?: Facts };
function factsOf(shape: Shape): Facts {
  let known = (shape as WithFacts).encoding;
  if (known) return known;
  const unwrap = shape.object?.unwrap;
  known = {
    shape,
    converts: convertsText(shape),
    numeric: shape.free || shape.scalars.has('number') || shape.scalars.has('integer'),
    boolean: shape.free || shape.scalars.has('boolean'),
    alwaysArray: alwaysArray(shape),
    item: shape.array ?? FREE,
    unwrap,
    inner: unwrap ? (shape.object!.props.get(unwrap) ?? FREE) : shape,
    typedObject: shape.object !== undefined,
  };
  (shape as WithFacts).encoding = known;
  return known;
}

const CHUNK = 4096;

/**
 * One writer per layout: indented documents or compact fragments. It collects the pieces
 * (names, marks, escaped text) in one reused array and joins them a few thousand at a time:
 * no intermediate string per element, and no rope of a million small strings that the
 * garbage collector would have to carry until the end.
 */
class Writer {
  private readonly indents: string[] = [''];
  private readonly opening = new Map<string, string[]>();
  private readonly closing = new Map<string, string>();
  // Packed from the start (new Array(n) would be holey, and joining a holey array is slow).
  private readonly parts: string[] = Array.from({ length: CHUNK }, () => '');
  private count = 0;
  private chunks: string[] = [];
  private readonly newline: string;
  constructor(private readonly pretty: boolean) {
    this.newline = pretty ? '\n' : '';
  }

  private indent(level: number): string {
    if (!this.pretty) return '';
    return (this.indents[level] ??= '  '.repeat(level));
  }

  write(text: string): void {
    this.put(text);
  }

  /**
   * Adds a piece. The pieces go into a fixed array that is joined whenever it is full: an
   * array emptied with `length = 0` gives its storage back and grows again for every chunk,
   * and that garbage cost more than the joining.
   */
  private put(piece: string): void {
    this.parts[this.count++] = piece;
    if (this.count === CHUNK) {
      this.chunks.push(this.parts.join(''));
      this.count = 0;
    }
  }

  /**
   * Everything written since the last call, and a fresh start. The chunks are joined as a rope:
   * copying megabytes into one flat string here would double the cost of the copy its first
   * use (Buffer.byteLength, a socket write) makes anyway.
   */
  take(): string {
    let text = '';
    for (const chunk of this.chunks) text += chunk;
    text += this.parts.slice(0, this.count).join('');
    this.reset();
    return text;
  }

  reset(): void {
    this.chunks = [];
    this.count = 0;
  }

  /**
   * Writes the elements of field `name` holding `value`, at nesting `level` (the root's fields
   * are 1), in the object at `up`. Paths are built per object, not per value.
   */
  field(name: string, value: unknown, shape: Shape, up: Path, level: number): void {
    if (!validName(name)) throw new XmlEncodeError(`field name "${name}" is not a valid XML element name; send this body as JSON`, pointerOf({ up, key: name }));
    if (level >= MAX_DEPTH) throw new XmlEncodeError(`nested deeper than ${MAX_DEPTH} levels, more than an XML body may be`, pointerOf({ up, key: name }));
    if (!Array.isArray(value)) return this.element(name, '', value, shape, up, name, level);
    const path: Path = { up, key: name };
    const f = factsOf(shape);
    if (value.length === 0) return this.empty(level, name, ' array="true"');
    if (value.length === 1 && !f.alwaysArray) {
      // `<x array="true"/>` is the empty array; a lone empty string says it is text.
      const item = value[0];
      if (Array.isArray(item)) throw new XmlEncodeError('an array inside an array has no XML form', pointerOf({ up: path, key: 0 }));
      return this.element(name, item === '' ? ' array="true" string="true"' : ' array="true"', item, f.item, path, 0, level);
    }
    for (let index = 0; index < value.length; index++) {
      const item = value[index];
      if (Array.isArray(item)) throw new XmlEncodeError('an array inside an array has no XML form', pointerOf({ up: path, key: index }));
      this.element(name, '', item, f.item, path, index, level);
    }
  }

  /**
   * The indented opening tag `<name>` at a level, and `</name>` with its line break, made once:
   * three pieces per element instead of ten keep the joining cheap.
   */
  private openTag(level: number, name: string, marks: string): string {
    if (marks !== '') return `${this.indent(level)}<${name}${marks}>`;
    let byLevel = this.opening.get(name);
    if (byLevel === undefined) {
      if (this.opening.size >= 10_000) this.opening.clear();
      this.opening.set(name, (byLevel = []));
    }
    return (byLevel[level] ??= `${this.indent(level)}<${name}>`);
  }

  private closeTag(name: string): string {
    let tag = this.closing.get(name);
    if (tag === undefined) {
      if (this.closing.size >= 10_000) this.closing.clear();
      this.closing.set(name, (tag = `</${name}>${this.newline}`));
    }
    return tag;
  }

  /** `<name marks>text</name>` */
  private leaf(level: number, name: string, marks: string, text: string): void {
    this.put(this.openTag(level, name, marks));
    this.put(text);
    this.put(this.closeTag(name));
  }

  /** `<name marks/>` */
  private empty(level: number, name: string, marks: string): void {
    this.put(`${this.indent(level)}<${name}${marks}/>${this.newline}`);
  }

  /** Writes one element `<name marks>` holding `value` (not an array). */
  private element(name: string, marks: string, value: unknown, shape: Shape, up: Path, key: string | number, level: number): void {
    switch (typeof value) {
      case 'string': {
        const text = escape(value, up, key);
        const f = factsOf(shape);
        // string="true" goes before array="true" when both apply.
        if (f.converts && convertText(value, f.numeric, f.boolean) !== value) marks = marks === '' ? ' string="true"' : ' string="true"' + marks;
        return text === '' ? this.empty(level, name, marks) : this.leaf(level, name, marks, text);
      }
      case 'number':
        if (!Number.isFinite(value)) throw new XmlEncodeError(`${value} has no JSON or XML form`, pointerOf({ up, key }));
        return this.leaf(level, name, marks, String(value));
      case 'boolean':
        return this.leaf(level, name, marks, value ? 'true' : 'false');
      case 'object': {
        if (value === null) throw new XmlEncodeError('null has no XML form; leave the field out', pointerOf({ up, key }));
        const f = factsOf(shape);
        const object = value as Record<string, unknown>;
        const path: Path = { up, key };
        if (f.unwrap) {
          for (const other in object) {
            if (Object.hasOwn(object, other) && other !== f.unwrap) throw new XmlEncodeError(`only "${f.unwrap}" can be sent in XML here, not "${other}"`, pointerOf({ up: path, key: other }));
          }
          return this.element(name, marks, object[f.unwrap] ?? {}, f.inner, path, f.unwrap, level);
        }
        if (!f.typedObject && isEmpty(object)) throw new XmlEncodeError('an empty object in a free-form field has no XML form', pointerOf(path));
        if (!hasContent(object)) return this.empty(level, name, marks);
        this.put(this.openTag(level, name, marks));
        this.put(this.newline);
        this.fields(object, shape, path, level + 1);
        this.put(this.indent(level));
        this.put(this.closeTag(name));
        return;
      }
      default:
        throw new XmlEncodeError(`a ${typeof value} has no JSON or XML form`, pointerOf({ up, key }));
    }
  }

  /** Writes the fields of an object, each as its elements, at nesting `level`. */
  fields(object: Record<string, unknown>, shape: Shape, path: Path, level: number): void {
    for (const key in object) {
      if (!Object.hasOwn(object, key)) continue;
      const value = object[key];
      if (value === undefined) continue;
      this.field(key, value, fieldShape(shape, key), path, level);
    }
  }
}

/** Does the object have a field that is written (not undefined)? */
function hasContent(object: object): boolean {
  for (const key in object) if (Object.hasOwn(object, key) && (object as Record<string, unknown>)[key] !== undefined) return true;
  return false;
}

function isEmpty(object: object): boolean {
  for (const key in object) if (Object.hasOwn(object, key)) return false;
  return true;
}

const documentWriter = new Writer(true);
const fragmentWriter = new Writer(false);

function written(writer: Writer, write: () => void): string {
  try {
    write();
    return writer.take();
  } catch (error) {
    writer.reset();
    throw error;
  }
}

/** A whole document: `<root>`, the fields of `value`, `</root>`. */
export function encodeDocument(root: string, value: Record<string, unknown>, shape: Shape): string {
  if (!hasContent(value)) return `<${root}/>\n`;
  return written(documentWriter, () => {
    documentWriter.write(`<${root}>\n`);
    documentWriter.fields(value, shape, undefined, 1);
    documentWriter.write(`</${root}>\n`);
  });
}

/** One field of the root object as compact XML. */
export function encodeFragment(name: string, value: unknown, rootShape: Shape): string {
  return written(fragmentWriter, () => fragmentWriter.field(name, value, fieldShape(rootShape, name), undefined, 1));
}
