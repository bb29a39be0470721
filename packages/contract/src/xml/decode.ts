import { pointerChild } from '../document.js';
import { XmlDecodeError } from './errors.js';
import { NameSet } from './name-set.js';
import { FREE, alwaysArray, convertText, fieldShape, type Shape } from './shape.js';

// A strict XML 1.0 reader that builds the JSON model directly while it tokenises, steered by
// the schema's shapes: no generic tree in between. It accepts exactly well-formed XML 1.0
// with the five predefined entities and character references to characters XML allows, and
// no DTD at all (so nothing can expand or fetch an entity). Namespaces are not interpreted: a
// prefixed name is just a name. Everything it refuses is an XmlDecodeError naming the line,
// the column and, inside the body, the JSON Pointer of the field.
//
// Fast paths. Each is a shortcut around a plain way of doing the same job and rests on an
// invariant; withoutFastPath() (for test/xml/decode.fast-paths.test.ts only) decodes with one
// turned off, to compare the values. The paths taken per element or per text live in methods
// that a subclass of Reader replaces with the plain way (production only ever builds Reader, so
// its call sites stay monomorphic and pay nothing; a flag read there cost 6% of decode CPU); the
// per-document ones and the rare branch of groupIndex read a flag.
// - guessNames: an element's name is first guessed from the order its siblings came in last
//   time (the plan's `order`), or as its previous sibling's, and checked in place instead of
//   sliced. Invariant: a guess is taken only when the whole name matches and the next character
//   cannot continue a name, and `orderPlans[i]` is always the plan of `order[i]`.
// - lazyText: an element's text is kept as a range of the document until the element ends, and
//   blank text between child elements is checked where it lies, never copied. Invariant: a
//   range is kept only for text without references or CRs, the first text of its element (any
//   later piece copies it out first).
// - cachedSearches: the next `&`, CR, `]]>` and `<` (in attribute values) are searched once and
//   the position reused while reading on. Invariant: `at` is the first occurrence at or after
//   `from`, so it answers every search from `from` up to `at`.
// - rereadSubReader: a field whose single value and array items have different shapes is read
//   as a single value; a second element re-reads the first as an item through a sub-reader
//   over the document cut at the current position, with copies of the enclosing frames.
//   Invariant: the first element was already read (well formed, faults recorded), so reading
//   it again cannot raise anything; the sub-reader never writes to the enclosing frames. Off,
//   the document is decoded again from the start with that element marked as an array's first.
// - cachedPlans: what decoding needs of a shape is worked out once and kept on the shape
//   object, per child name too. Invariant: shapes never change once shapeOf has built them.
// - reusedFrames: the frame of each depth, with its group arrays, is reused from element to
//   element. Invariant: `count` says how many groups are in use and each is written before read.
// - groupIndex: a frame finds a field's group by a linear search up to 12 groups, a Map after.
//   Invariant: the Map holds exactly keys[0..count).
// - badCharScan: the one scan of the document for characters XML does not allow (made before
//   reading; each piece is then checked by comparing positions) runs a plain character class
//   first and the exact pattern only from its first hit. Invariant: the plain class matches
//   every character the exact pattern does, so the first exact match is at or after its hit.
// - idleReader: one empty Reader kept for good keeps V8's optimised code (see the end of the
//   file). Invariant: it never reads, so it holds no state a document could see.
// Not switched, as they cannot change a value: the unwrapped level `data` built as an object
// literal (wrap), names compared by a loop instead of startsWith (matchesAt).

const MAX_DEPTH = 64;

export const FAST_PATHS = ['guessNames', 'lazyText', 'cachedSearches', 'rereadSubReader', 'cachedPlans', 'reusedFrames', 'groupIndex', 'badCharScan', 'idleReader'] as const;
export type FastPath = (typeof FAST_PATHS)[number];
/** The flags of the fast paths not taken per element (see withoutFastPath). */
const fast = { groupIndex: true, badCharScan: true, idleReader: true };

// A character XML 1.0 does not allow (section 2.2): C0 controls but tab, LF and CR, the two
// non-characters U+FFFE/U+FFFF, and surrogates that do not form a pair.
const NOT_XML_CHAR = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
// The same, also matching surrogate pairs: a plain character class, so a scan of a document
// without any of them is one fast pass; the exact pattern runs only from the first hit.
const MAYBE_NOT_XML_CHAR = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uD800-\uDFFF\uFFFE\uFFFF]/g;

function firstBadCharacter(src: string): number {
  let from = 0;
  if (fast.badCharScan) {
    MAYBE_NOT_XML_CHAR.lastIndex = 0;
    const maybe = MAYBE_NOT_XML_CHAR.exec(src);
    if (!maybe) return src.length;
    from = maybe.index;
  }
  NOT_XML_CHAR.lastIndex = from;
  const bad = NOT_XML_CHAR.exec(src);
  return bad ? bad.index : src.length;
}

// ASCII name characters; anything beyond ASCII goes through the full Name production.
const NAME_START = new Uint8Array(128);
const NAME_CHAR = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const ch = String.fromCharCode(c);
  NAME_START[c] = /[A-Za-z_:]/.test(ch) ? 1 : 0;
  NAME_CHAR[c] = /[A-Za-z_:.\-0-9]/.test(ch) ? 1 : 0;
}
const NAME =
  /[:A-Z_a-z\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u02FF\u0370-\u037D\u037F-\u1FFF\u200C\u200D\u2070-\u218F\u2C00-\u2FEF\u3001-\uD7FF\uF900-\uFDCF\uFDF0-\uFFFD\u{10000}-\u{EFFFF}][:A-Z_a-z\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u02FF\u0370-\u037D\u037F-\u1FFF\u200C\u200D\u2070-\u218F\u2C00-\u2FEF\u3001-\uD7FF\uF900-\uFDCF\uFDF0-\uFFFD\u{10000}-\u{EFFFF}\-.0-9\u00B7\u0300-\u036F\u203F\u2040]*/uy;
const XML_DECLARATION =
  /<\?xml[ \t\r\n]+version[ \t\r\n]*=[ \t\r\n]*(?:"1\.[0-9]+"|'1\.[0-9]+')(?:[ \t\r\n]+encoding[ \t\r\n]*=[ \t\r\n]*(?:"([A-Za-z][A-Za-z0-9._-]*)"|'([A-Za-z][A-Za-z0-9._-]*)'))?(?:[ \t\r\n]+standalone[ \t\r\n]*=[ \t\r\n]*(?:"(?:yes|no)"|'(?:yes|no)'))?[ \t\r\n]*\?>/y;

const PREDEFINED: Record<string, string> = { lt: '<', gt: '>', amp: '&', apos: "'", quot: '"' };

/** Does `src` hold `name` at `at`? (A loop: startsWith is a builtin call with argument checks.) */
function matchesAt(src: string, name: string, at: number): boolean {
  for (let k = 0; k < name.length; k++) if (src.charCodeAt(at + k) !== name.charCodeAt(k)) return false;
  return true;
}

const isSpace = (c: number) => c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0d;
const isXmlChar = (cp: number) => cp === 0x9 || cp === 0xa || cp === 0xd || (cp >= 0x20 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd) || (cp >= 0x10000 && cp <= 0x10ffff);

/** What a decoder needs to know about a shape, computed once per shape. */
interface Plan {
  shape: Shape;
  /** Its text is always the string itself (typed string fields). */
  plainText: boolean;
  /** Its text may become a number, or a boolean. */
  numeric: boolean;
  boolean: boolean;
  /** An element of it with neither text nor children is an empty object. */
  emptyObject: boolean;
  alwaysArray: boolean;
  /** The shape array items decode with. */
  item: Shape;
  unwrap: string | undefined;
  /** The shape of the fields of its element (inside the unwrapped level, if any). */
  fields: Shape;
  children: Map<string, Plan>;
  /** The names of its fields in the order they last came (a guess that saves slicing names). */
  order: string[];
  orderPlans: Plan[];
}

// Kept on the shape itself: a property read instead of a WeakMap lookup.
type WithPlan = Shape & { decoding?: Plan };
function planOf(shape: Shape): Plan {
  return ((shape as WithPlan).decoding ??= newPlan(shape));
}

function newPlan(shape: Shape): Plan {
  const unwrap = shape.object?.unwrap;
  return {
    shape,
    plainText: !shape.free && shape.scalars.size === 1 && shape.scalars.has('string'),
    numeric: shape.free || shape.scalars.has('number') || shape.scalars.has('integer'),
    boolean: shape.free || shape.scalars.has('boolean'),
    emptyObject: shape.object !== undefined && !shape.free && shape.scalars.size === 0,
    alwaysArray: alwaysArray(shape),
    item: shape.array ?? shape,
    unwrap,
    fields: unwrap ? (shape.object!.props.get(unwrap) ?? FREE) : shape,
    children: new Map(),
    order: [],
    orderPlans: [],
  };
}

/** `{ [key]: inner }`; the contract's one unwrapped level (`data`) as a literal, which V8 builds faster. */
function wrap(key: string, inner: unknown): Record<string, unknown> {
  if (key === 'data') return { data: inner };
  const object: Record<string, unknown> = {};
  object[key] = inner;
  return object;
}

/** The plan of the field `name` of an element of this plan, remembered per name. */
function childPlan(plan: Plan, name: string): Plan {
  let child = plan.children.get(name);
  if (child === undefined) {
    if (plan.children.size > 256) plan.children.clear();
    plan.children.set(name, (child = planOf(fieldShape(plan.fields, name))));
  }
  return child;
}

// Group flags: how the first element of a field's elements decides what the field becomes.
const MARKED = 1; // array="true" on the first element, or the schema says it is always an array
const EMPTY_MARK = 2; // the first element is `<x array="true"/>`: alone, it is the empty array
const SPECULATIVE = 4; // the first element was decoded as a single value of a shape arrays do not share
const ATTRIBUTE_MARK = 8; // the first element says array="true"

/** An element being read. */
interface Frame {
  name: string;
  plan: Plan;
  text: string;
  /**
   * Further pieces of text after `text`, joined when the element ends: text broken by
   * comments, CDATA sections or references, added one `+` at a time, made ropes that grew
   * the heap faster than the document.
   */
  parts: string[] | undefined;
  /** Text not yet copied out of the document: its range (rawStart < 0 when there is none). */
  rawStart: number;
  rawEnd: number;
  /** Non-blank text seen after the first child element. */
  mixed: boolean;
  stringMark: boolean;
  /** The fields read so far, grouped by name in the order they first appear (the first `count`). */
  count: number;
  keys: string[];
  firsts: unknown[];
  rests: (unknown[] | undefined)[];
  flags: number[];
  starts: number[];
  index: Map<string, number> | undefined;
  /** Where this element sits among its parent's groups. */
  group: number;
  nth: number;
  /** Is this element an array item (so its pointer has an index)? */
  listed: boolean;
  /** Where in its plan's `order` the next child's name is expected. */
  cursor: number;
}

function newFrame(): Frame {
  return { name: '', plan: undefined as unknown as Plan, text: '', parts: undefined, rawStart: -1, rawEnd: 0, mixed: false, stringMark: false, count: 0, keys: [], firsts: [], rests: [], flags: [], starts: [], index: undefined, group: 0, nth: 0, listed: false, cursor: 0 };
}

class Fault {
  constructor(
    readonly message: string,
    readonly at: number,
    readonly pointer: string | undefined,
  ) {}
}

/** A search for what plain text rarely holds: `at` is its first occurrence at or after `from`. */
class Search {
  at = -2;
  from = 0;
  constructor(readonly needle: string) {}
}

/**
 * The first `search.needle` at or after `from` (the text's length if none), the last answer
 * reused while it still answers: found at or after `from`, by a search that began no later. A
 * Reader only searches forward (a sub-reader has searches of its own), so no document searches
 * backwards; the second condition keeps an earlier search from being answered with a later hit
 * all the same, and test/xml/decode.fast-paths.test.ts checks it here.
 */
export function nextOccurrence(src: string, search: { needle: string; at: number; from: number }, from: number): number {
  if (search.at < from || search.from > from) {
    const i = src.indexOf(search.needle, from);
    search.at = i === -1 ? src.length : i;
    search.from = from;
  }
  return search.at;
}

/** Thrown, with rereadSubReader off, to decode again with the element at `at` read as an item. */
class Reread {
  constructor(readonly at: number) {}
}

class Reader {
  protected pos = 0;
  protected badChar: number;
  private readonly amp = new Search('&');
  private readonly cr = new Search('\r');
  private readonly cdEnd = new Search(']]>');
  private readonly lt = new Search('<');
  /** The first error that is not about well-formedness; reported only if the document is well formed. */
  private semantic: Fault | undefined;
  protected readonly frames: Frame[] = [];
  /** Names of the open elements (also past the depth where frames stop being built). */
  protected readonly names: string[] = [];

  /** How many open elements have frames (values stop being built after a fault of content). */
  protected live = 0;
  /** The plan of the element whose name expectedName() just guessed right. */
  private guessedPlan: Plan | undefined;
  /** Depth at which a new field is read as an array item (see again()). */
  protected itemDepth = 0;

  constructor(
    protected readonly src: string,
    badChar?: number,
    /** Where elements start that are read as an array's first item (rereadSubReader off). */
    protected readonly itemsAt?: Set<number>,
  ) {
    this.badChar = badChar ?? firstBadCharacter(src);
  }

  // --- errors --------------------------------------------------------------------------------

  private position(at: number): { line: number; column: number } {
    let line = 1;
    let lineStart = 0;
    for (let i = this.src.indexOf('\n'); i !== -1 && i < at; i = this.src.indexOf('\n', i + 1)) {
      line++;
      lineStart = i + 1;
    }
    return { line, column: at - lineStart + 1 };
  }

  /** The JSON Pointer of the open element at `depth` (the root is 1), as far as it was built. */
  private pointer(depth: number): string | undefined {
    if (depth < 1) return undefined;
    const last = Math.min(depth, this.live);
    let pointer = '';
    for (let d = 2; d <= last; d++) {
      const frame = this.frames[d]!;
      pointer = pointerChild(pointer, frame.name);
      if (frame.listed) pointer = pointerChild(pointer, frame.nth);
      if (d < last && frame.plan.unwrap) pointer = pointerChild(pointer, frame.plan.unwrap);
    }
    return pointer;
  }

  private raise(fault: Fault): never {
    const { line, column } = this.position(fault.at);
    const where = fault.pointer === undefined ? '' : ` at ${fault.pointer || '/'}`;
    throw new XmlDecodeError(`${fault.message}${where}`, line, column, fault.pointer);
  }

  /** A well-formedness error: reported at once. */
  private malformed(message: string, at: number): never {
    this.raise(new Fault(`malformed XML: ${message}`, at, this.pointer(this.names.length)));
  }

  private badCharacter(at: number): never {
    const cp = this.src.codePointAt(at)!;
    this.malformed(`U+${cp.toString(16).toUpperCase().padStart(4, '0')} is not a character XML 1.0 allows`, at);
  }

  /** A fault of content; well-formedness errors anywhere in the document still come first. */
  private fault(message: string, at: number, depth: number): void {
    this.semantic ??= new Fault(message, at, this.pointer(depth));
  }

  // --- the document --------------------------------------------------------------------------

  read(rootName: string, rootShape: Shape): unknown {
    const src = this.src;
    if (src.charCodeAt(0) === 0xfeff) this.pos = 1;
    if (src.startsWith('<?xml', this.pos) && isSpace(src.charCodeAt(this.pos + 5))) {
      XML_DECLARATION.lastIndex = this.pos;
      const declaration = XML_DECLARATION.exec(src);
      if (!declaration) this.malformed('the XML declaration is not `<?xml version="1.x" encoding="..." standalone="..."?>`', this.pos);
      const encoding = declaration[1] ?? declaration[2];
      if (encoding !== undefined && !/^utf-?8$/i.test(encoding)) this.malformed(`the document is read as UTF-8, but declares encoding "${encoding}"`, this.pos);
      this.pos = XML_DECLARATION.lastIndex;
    }
    this.misc(true);
    if (this.pos < src.length && src.charCodeAt(this.pos) !== 0x3c) this.malformed('text before the root element', this.pos);
    if (this.pos >= src.length) this.raise(new Fault(`the document must have one root element <${rootName}>, found none`, this.pos, undefined));
    const value = this.element(rootName, rootShape);
    this.misc(false);
    if (this.pos < src.length) {
      if (src.charCodeAt(this.pos) === 0x3c) this.malformed('a second root element; a document has exactly one', this.pos);
      this.malformed('text after the root element', this.pos);
    }
    if (this.badChar < src.length) this.badCharacter(this.badChar);
    if (this.semantic) this.raise(this.semantic);
    return value;
  }

  /** Comments, processing instructions and white space around the root element. */
  private misc(prolog: boolean): void {
    const src = this.src;
    for (;;) {
      let c = src.charCodeAt(this.pos);
      while (isSpace(c)) c = src.charCodeAt(++this.pos);
      if (c !== 0x3c) return;
      if (src.startsWith('<!--', this.pos)) this.comment();
      else if (src.startsWith('<?', this.pos)) this.instruction();
      else if (src.startsWith('<!', this.pos)) {
        // No DTDs at all: no entity expansion (billion laughs), no external entities.
        // The message is the one the codec has always given (clients and the mock's corpus match it).
        if (prolog && /^<!DOCTYPE/i.test(src.slice(this.pos, this.pos + 9))) throw new XmlDecodeError('DOCTYPE declarations are not accepted');
        this.malformed(`"${src.slice(this.pos, this.pos + 9)}" is not allowed ${prolog ? 'before' : 'after'} the root element`, this.pos);
      } else return;
    }
  }

  private comment(): void {
    const start = this.pos + 4;
    const end = this.src.indexOf('-->', start);
    if (end === -1) this.malformed('a comment is not closed with -->', this.pos);
    const dashes = this.src.indexOf('--', start);
    if (dashes < end || (end > start && this.src.charCodeAt(end - 1) === 0x2d)) this.malformed('"--" inside a comment', dashes < end ? dashes : end - 1);
    if (this.badChar < end) this.badCharacter(this.badChar);
    this.pos = end + 3;
  }

  private instruction(): void {
    const start = this.pos;
    const target = this.name(start + 2);
    if (/^xml$/i.test(target)) this.malformed('the XML declaration is allowed only at the very start of the document', start);
    const after = start + 2 + target.length;
    const end = this.src.indexOf('?>', after);
    if (end === -1) this.malformed('a processing instruction is not closed with ?>', start);
    if (end !== after && !isSpace(this.src.charCodeAt(after))) this.malformed(`a processing instruction's target "${target}" must be followed by white space`, after);
    if (this.badChar < end) this.badCharacter(this.badChar);
    this.pos = end + 2;
  }

  /**
   * The name of a child element at `at`, found without slicing when it is the one expected:
   * each plan remembers the order its fields came in last time, and elements repeat. Most
   * documents list the same fields in the same order for every profile.
   */
  protected expectedName(at: number): string {
    const depth = this.names.length;
    const parent = this.frames[depth];
    if (depth === 0 || this.live !== depth || parent === undefined) return this.name(at);
    const order = parent.plan.order;
    const guess = order[parent.cursor];
    if (guess !== undefined && this.nameAt(guess, at)) {
      this.guessedPlan = parent.plan.orderPlans[parent.cursor++];
      return guess;
    }
    const last = parent.count === 0 ? undefined : parent.keys[parent.count - 1];
    if (last !== undefined && this.nameAt(last, at)) return last;
    const name = this.name(at);
    if (parent.cursor < 256) {
      parent.plan.orderPlans[parent.cursor] = this.childPlan(parent.plan, name);
      order[parent.cursor++] = name;
    }
    return name;
  }

  private nameAt(name: string, at: number): boolean {
    const c = this.src.charCodeAt(at + name.length);
    return c < 128 && !NAME_CHAR[c] && matchesAt(this.src, name, at);
  }

  /** An XML Name starting at `at`. */
  protected name(at: number): string {
    const src = this.src;
    let i = at;
    let c = src.charCodeAt(i);
    if (c < 128 && NAME_START[c]) {
      c = src.charCodeAt(++i);
      while (c < 128 && NAME_CHAR[c]) c = src.charCodeAt(++i);
      if (!(c >= 128)) return src.slice(at, i);
    }
    NAME.lastIndex = at;
    const match = NAME.exec(src);
    if (!match) {
      if (at >= src.length) this.malformed('the document ends inside markup', at);
      this.malformed(`"${String.fromCodePoint(src.codePointAt(at)!)}" cannot start an element or attribute name`, at);
    }
    return match[0];
  }

  // --- elements ------------------------------------------------------------------------------

  /**
   * Reads the element at `pos` with everything inside it, iteratively (nesting depth costs no
   * stack), and returns its value. The root's value is its fields.
   */
  private element(rootName: string, rootShape: Shape): unknown {
    const src = this.src;
    const names = this.names;
    const base = names.length;
    let building = true;
    for (;;) {
      // Text up to the next markup.
      const lt = src.indexOf('<', this.pos);
      if (lt === -1) this.malformed(`<${names[names.length - 1]}> is not closed`, src.length);
      if (lt > this.pos) this.text(this.pos, lt, building);
      this.pos = lt;
      const next = src.charCodeAt(lt + 1);
      let value: unknown;
      if (next === 0x2f) {
        // </name>
        if (names.length === base) this.malformed('a closing tag with no element open', lt);
        const name = names[names.length - 1]!;
        let i = lt + 2 + name.length;
        const c = src.charCodeAt(i);
        if (!matchesAt(src, name, lt + 2) || (c < 128 && NAME_CHAR[c]) || c >= 128) {
          const end = src.indexOf('>', lt);
          this.malformed(`<${name}> is closed by </${src.slice(lt + 2, end === -1 ? lt + 42 : Math.min(end, lt + 42))}>`, lt);
        }
        while (isSpace(src.charCodeAt(i))) i++;
        if (src.charCodeAt(i) !== 0x3e) this.malformed(`the closing tag of <${name}> is not closed with >`, i);
        this.pos = i + 1;
        value = this.close(building);
      } else if (next === 0x21) {
        if (src.startsWith('<!--', lt)) this.comment();
        else if (src.startsWith('<![CDATA[', lt)) this.cdata(building);
        else if (/^<!DOCTYPE/i.test(src.slice(lt, lt + 9))) this.malformed('a DOCTYPE declaration inside an element', lt);
        else this.malformed(`"${src.slice(lt, lt + 9)}" is not markup XML knows`, lt);
        continue;
      } else if (next === 0x3f) {
        this.instruction();
        continue;
      } else {
        building = this.open(lt, building, rootName, rootShape);
        if (!this.selfClosed) continue;
        value = this.close(building);
      }
      if (names.length === base) return value;
    }
  }

  /** An opening tag at `lt`; returns whether values are still being built. */
  private open(lt: number, building: boolean, rootName: string, rootShape: Shape): boolean {
    const src = this.src;
    const name = building ? this.expectedName(lt + 1) : this.name(lt + 1);
    let i = lt + 1 + name.length;
    let arrayMark = false;
    let stringMark = false;
    // The names seen, to refuse a repeated one: a list while short, then a hash set (a tag
    // with 90,000 attributes made the list's search quadratic).
    let attributes: string[] | undefined;
    let attributeStarts: number[] | undefined;
    let attributeSet: NameSet | undefined;
    for (;;) {
      const c = src.charCodeAt(i);
      if (c === 0x3e) {
        i++;
        break;
      }
      if (c === 0x2f && src.charCodeAt(i + 1) === 0x3e) {
        i += 2;
        this.names.push(name);
        building = this.push(name, lt, building, arrayMark, stringMark, rootName, rootShape);
        this.pos = i;
        // An empty element is its own closing tag; the caller closes it.
        this.selfClosed = true;
        return building;
      }
      if (!isSpace(c)) {
        if (i >= src.length) this.malformed(`<${name}> is not closed with >`, i);
        this.malformed(`unexpected "${String.fromCodePoint(src.codePointAt(i)!)}" in the tag of <${name}>`, i);
      }
      while (isSpace(src.charCodeAt(i))) i++;
      const next = src.charCodeAt(i);
      if (next === 0x3e || (next === 0x2f && src.charCodeAt(i + 1) === 0x3e)) continue;
      const attribute = this.name(i);
      const attributeAt = i;
      i += attribute.length;
      while (isSpace(src.charCodeAt(i))) i++;
      if (src.charCodeAt(i) !== 0x3d) this.malformed(`the attribute ${attribute} of <${name}> has no value`, i);
      i++;
      while (isSpace(src.charCodeAt(i))) i++;
      const quote = src.charCodeAt(i);
      if (quote !== 0x22 && quote !== 0x27) this.malformed(`the value of the attribute ${attribute} of <${name}> is not quoted`, i);
      const end = src.indexOf(quote === 0x22 ? '"' : "'", i + 1);
      if (end === -1) this.malformed(`the value of the attribute ${attribute} of <${name}> is not closed`, i);
      if (this.nextFrom(this.lt, i + 1) < end) this.malformed(`"<" in the value of the attribute ${attribute} of <${name}>`, this.lt.at);
      if (this.badChar < end) this.badCharacter(this.badChar);
      if (attributeSet === undefined) {
        if (attributes?.includes(attribute)) this.malformed(`the attribute ${attribute} appears twice in <${name}>`, i);
        (attributes ??= []).push(attribute);
        (attributeStarts ??= []).push(attributeAt);
        if (attributes.length > 8) {
          attributeSet = new NameSet(src);
          for (let k = 0; k < attributes.length; k++) attributeSet.add(attributeStarts[k]!, attributes[k]!.length);
        }
      } else if (!attributeSet.add(attributeAt, attribute.length)) this.malformed(`the attribute ${attribute} appears twice in <${name}>`, i);
      const value = this.attributeValue(i + 1, end);
      if (attribute === 'array') arrayMark = value === 'true';
      else if (attribute === 'string') stringMark = value === 'true';
      i = end + 1;
      const after = src.charCodeAt(i);
      if (!isSpace(after) && after !== 0x3e && !(after === 0x2f && src.charCodeAt(i + 1) === 0x3e)) this.malformed(`attributes of <${name}> must be separated by white space`, i);
    }
    this.names.push(name);
    this.pos = i;
    return this.push(name, lt, building, arrayMark, stringMark, rootName, rootShape);
  }

  private selfClosed = false;

  /** Starts a frame for an element just opened; returns whether values are still being built. */
  private push(name: string, at: number, building: boolean, arrayMark: boolean, stringMark: boolean, rootName: string, rootShape: Shape): boolean {
    const guessed = this.guessedPlan;
    this.guessedPlan = undefined;
    const depth = this.names.length;
    if (!building) return false;
    if (depth > MAX_DEPTH) {
      this.fault(`elements are nested deeper than ${MAX_DEPTH} levels`, at, depth - 1);
      return false;
    }
    const frames = this.frames;
    const frame = this.frameAt(depth);
    frame.name = name;
    frame.text = '';
    frame.parts = undefined;
    frame.rawStart = -1;
    frame.mixed = false;
    frame.stringMark = stringMark;
    frame.cursor = 0;
    // The group arrays keep their storage from element to element; `count` says how much is in use.
    frame.count = 0;
    frame.index = undefined;
    this.live = depth;
    if (depth === 1) {
      if (name !== rootName) {
        this.fault(`the document must have one root element <${rootName}>, found <${name}>`, at, 0);
        return false;
      }
      frame.plan = this.planOf(rootShape);
      frame.listed = false;
      return true;
    }
    const parent = frames[depth - 1]!;
    const plan = guessed ?? this.childPlan(parent.plan, name);
    const shape = plan.shape;
    let group = this.groupOf(parent, name);
    if (group === -1) {
      group = parent.count++;
      parent.keys[group] = name;
      parent.firsts[group] = undefined;
      parent.rests[group] = undefined;
      parent.starts[group] = at;
      let flags = 0;
      if (arrayMark) flags |= MARKED | ATTRIBUTE_MARK;
      else if (plan.alwaysArray || this.itemDepth === depth) flags |= MARKED;
      else if (plan.item !== shape) flags |= this.itemsAt?.has(at) ? MARKED : SPECULATIVE;
      parent.flags[group] = flags;
      if (parent.index) parent.index.set(name, group);
      else if (parent.count > 12 && fast.groupIndex) parent.index = new Map(parent.keys.slice(0, parent.count).map((key, i) => [key, i]));
      frame.nth = 0;
      frame.listed = (flags & MARKED) !== 0;
      frame.plan = flags & MARKED ? this.planOf(plan.item) : plan;
    } else {
      const rest = parent.rests[group];
      frame.nth = rest ? rest.length + 1 : 1;
      frame.listed = true;
      frame.plan = this.planOf(plan.item);
    }
    frame.group = group;
    return true;
  }

  /** The frame for an element at `depth`, reused from the last element there (reusedFrames). */
  protected frameAt(depth: number): Frame {
    let frame = this.frames[depth];
    if (!frame) this.frames[depth] = frame = newFrame();
    return frame;
  }

  /** Plans, cached on their shapes (cachedPlans). */
  protected planOf(shape: Shape): Plan {
    return planOf(shape);
  }

  protected childPlan(plan: Plan, name: string): Plan {
    return childPlan(plan, name);
  }

  private groupOf(frame: Frame, name: string): number {
    if (frame.index) return frame.index.get(name) ?? -1;
    const keys = frame.keys;
    for (let i = 0; i < frame.count; i++) if (keys[i] === name) return i;
    return -1;
  }

  /** Ends the innermost element and returns its value (undefined when not building). */
  private close(building: boolean): unknown {
    const depth = this.names.length;
    this.selfClosed = false;
    const value = this.finish(building, depth);
    this.names.pop();
    if (this.live >= depth) this.live = depth - 1;
    return value;
  }

  private finish(building: boolean, depth: number): unknown {
    if (!building || depth > MAX_DEPTH) return undefined;
    const frame = this.frames[depth]!;
    const plan = frame.plan;
    let value: unknown;
    if (frame.count === 0) {
      const text = this.textOf(frame);
      if (depth === 1) {
        if (text.trim() !== '') this.fault(`<${frame.name}> holds text instead of fields`, this.pos, 0);
        return {};
      }
      if (frame.stringMark || plan.plainText) value = text;
      else if (plan.emptyObject && text.trim() === '') value = plan.unwrap ? wrap(plan.unwrap, {}) : {};
      else value = convertText(text, plan.numeric, plan.boolean);
      if (frame.nth === 0 && this.frames[depth - 1]!.flags[frame.group]! & ATTRIBUTE_MARK && text === '' && !frame.stringMark) this.frames[depth - 1]!.flags[frame.group]! |= EMPTY_MARK;
    } else {
      if (frame.mixed || (frame.rawStart >= 0 ? !this.blank(frame.rawStart, frame.rawEnd) : this.textOf(frame).trim() !== '')) {
        this.fault('an element mixes text with child elements', this.pos, depth);
        return undefined;
      }
      const object: Record<string, unknown> = {};
      const { keys, firsts, rests, flags } = frame;
      for (let g = 0; g < frame.count; g++) {
        const rest = rests[g];
        const first = firsts[g];
        let field: unknown;
        if (rest === undefined) field = flags[g]! & MARKED ? (flags[g]! & EMPTY_MARK ? [] : [first]) : first;
        else {
          rest.unshift(first);
          field = rest;
        }
        const key = keys[g]!;
        if (key === '__proto__') Object.defineProperty(object, key, { value: field, enumerable: true, writable: true, configurable: true });
        else object[key] = field;
      }
      value = depth > 1 && plan.unwrap ? wrap(plan.unwrap, object) : object;
    }
    if (depth === 1) return value;
    const parent = this.frames[depth - 1]!;
    const group = frame.group;
    if (frame.nth === 0) parent.firsts[group] = value;
    else {
      let rest = parent.rests[group];
      if (rest === undefined) {
        parent.rests[group] = rest = [];
        if (parent.flags[group]! & SPECULATIVE) parent.firsts[group] = this.again(parent.starts[group]!, depth);
      }
      rest.push(value);
    }
    return value;
  }

  /**
   * A field's first element was read as a single value of a shape its array items do not
   * share, and a second element made the field an array: reads the first element again, as
   * an item. Rare (a field that is "a string or a list of strings", sent as a list). The
   * element was read once already, so it is well formed and its faults are recorded.
   */
  protected again(start: number, depth: number): unknown {
    // The document cut where this reader stands (a slice shares the characters): the sub-reader's
    // searches for what text rarely holds ("&", "]]>") stop there instead of running to the
    // document's end, which for a field in each of 10,000 profiles was quadratic.
    const sub = new (this.constructor as typeof Reader)(this.src.slice(0, this.pos), Math.min(this.badChar, this.pos));
    const parent = this.frames[depth - 1]!;
    sub.frames.push(...this.frames.slice(0, depth - 1), { ...newFrame(), name: parent.name, plan: parent.plan, listed: parent.listed, nth: parent.nth });
    sub.names.push(...this.names.slice(0, depth - 1));
    sub.live = depth - 1;
    sub.itemDepth = depth;
    sub.pos = start;
    return sub.element('', FREE);
  }

  // --- character data ------------------------------------------------------------------------

  /** Character data between `start` and `end` (no markup in it) inside the innermost element. */
  private text(start: number, end: number, building: boolean): void {
    if (this.nextFrom(this.cdEnd, start) < end) this.malformed('"]]>" in text', this.cdEnd.at);
    if (this.badChar < end) this.badCharacter(this.badChar);
    const amp = this.nextFrom(this.amp, start) < end;
    if (!building || this.names.length > MAX_DEPTH) {
      if (amp) this.references(start, end, false);
      return;
    }
    const frame = this.frames[this.names.length]!;
    if (!amp && this.uncopied(frame, start, end)) return;
    this.append(frame, amp ? this.references(start, end, false) : this.lines(this.src.slice(start, end)));
  }

  /** Takes text without references where it lies, if it can (lazyText); says whether it did. */
  protected uncopied(frame: Frame, start: number, end: number): boolean {
    if (frame.count !== 0) {
      // Between child elements only blank text may be; it is checked where it lies, not copied.
      if (!frame.mixed && !this.blank(start, end)) frame.mixed = true;
      return true;
    }
    if (frame.text !== '' || frame.rawStart >= 0 || this.nextFrom(this.cr, start) < end) return false;
    // Kept as a range until the element ends: the text of an element that turns out to hold
    // elements is never copied.
    frame.rawStart = start;
    frame.rawEnd = end;
    return true;
  }

  /** The text read so far in an element, as a string. */
  private textOf(frame: Frame): string {
    if (frame.rawStart >= 0) {
      frame.text = this.src.slice(frame.rawStart, frame.rawEnd);
      frame.rawStart = -1;
    }
    if (frame.parts !== undefined) {
      frame.text = frame.parts.join('');
      frame.parts = undefined;
    }
    return frame.text;
  }

  /** Is the text between `start` and `end` blank (by String.prototype.trim's idea of white space)? */
  private blank(start: number, end: number): boolean {
    const src = this.src;
    for (let i = start; i < end; i++) {
      const c = src.charCodeAt(i);
      if (c === 0x20 || (c >= 0x09 && c <= 0x0d)) continue;
      if (c < 128) return false;
      return src.slice(i, end).trim() === '';
    }
    return true;
  }

  private append(frame: Frame, text: string): void {
    if (frame.count === 0) {
      if (frame.rawStart >= 0) this.textOf(frame);
      if (frame.parts !== undefined) frame.parts.push(text);
      else if (frame.text === '') frame.text = text;
      else frame.parts = [frame.text, text];
    } else if (!frame.mixed && text.trim() !== '') frame.mixed = true;
  }

  private cdata(building: boolean): void {
    const start = this.pos + 9;
    const end = this.src.indexOf(']]>', start);
    if (end === -1) this.malformed('a CDATA section is not closed with ]]>', this.pos);
    if (this.badChar < end) this.badCharacter(this.badChar);
    this.pos = end + 3;
    if (!building || this.names.length > MAX_DEPTH) return;
    this.append(this.frames[this.names.length]!, this.lines(this.src.slice(start, end)));
  }

  /** XML's end-of-line handling: CRLF and lone CR read as LF. */
  private lines(text: string): string {
    return text.includes('\r') ? text.replace(/\r\n?/g, '\n') : text;
  }

  private attributeValue(start: number, end: number): string {
    if (this.nextFrom(this.amp, start) < end) return this.references(start, end, true);
    // Attribute-value normalisation: literal white space reads as a space.
    return this.src.slice(start, end).replace(/\r\n|[\r\n\t]/g, ' ');
  }

  /** A reference as written, for a message; never from the token, which must not be echoed. */
  private shown(reference: string): string {
    return this.pointer(this.names.length) === '/token' ? 'a reference' : reference;
  }

  /** Text between `start` and `end` with its references replaced; refuses any other entity. */
  private references(start: number, end: number, attribute: boolean): string {
    const src = this.src;
    // Pieces joined once: a string grown by `+=` per reference is a rope as long as the text.
    const out: string[] = [];
    let from = start;
    const literal = (text: string) => (attribute ? text.replace(/\r\n|[\r\n\t]/g, ' ') : this.lines(text));
    for (let amp = src.indexOf('&', start); amp !== -1 && amp < end; amp = src.indexOf('&', from)) {
      if (amp > from) out.push(literal(src.slice(from, amp)));
      const semicolon = src.indexOf(';', amp);
      if (semicolon === -1 || semicolon > end) this.malformed('"&" that starts no reference; write it as &amp;', amp);
      const body = src.slice(amp + 1, semicolon);
      if (body.charCodeAt(0) === 0x23) {
        const hex = body.charCodeAt(1) === 0x78;
        const digits = body.slice(hex ? 2 : 1);
        // Any number of digits (leading zeros are well formed); beyond U+10FFFF, however
        // written, parseInt's value is just not a character.
        const cp = (hex ? /^[0-9A-Fa-f]+$/ : /^[0-9]+$/).test(digits) ? parseInt(digits, hex ? 16 : 10) : NaN;
        if (Number.isNaN(cp)) this.malformed(`${this.shown(`"&${body.slice(0, 40)};"`)} is not a character reference`, amp);
        if (!isXmlChar(cp)) this.malformed(`${this.shown(`&${body.slice(0, 40)};`)} refers to a character XML 1.0 does not allow`, amp);
        out.push(String.fromCodePoint(cp));
      } else {
        const replacement = PREDEFINED[body];
        if (replacement === undefined || !Object.hasOwn(PREDEFINED, body)) {
          this.malformed(`${this.shown(`&${body.slice(0, 40)};`)} is not one of XML's predefined entities (&lt; &gt; &amp; &apos; &quot;), and no DTD may declare it`, amp);
        }
        out.push(replacement);
      }
      from = semicolon + 1;
    }
    if (end > from) out.push(literal(src.slice(from, end)));
    return out.join('');
  }

  // The next occurrence of what plain text rarely holds, found once and reused while reading on.
  protected nextFrom(search: Search, from: number): number {
    return nextOccurrence(this.src, search, from);
  }
}

// V8 keeps the hidden classes ("maps") of Reader objects alive only through live Readers. A
// full garbage collection while no document is being read drops them, and with them all the
// decoder's optimised code, which checks for them ("weak objects" in --trace-deopt-verbose):
// the next document then runs in the interpreter while the compiler threads optimise it all
// again. On a 10,000-profile document that was 40 ms of background CPU and a fifth more on
// the main thread, after every full collection (bench/xml.bench.mjs forces one per round; a
// server sees them between requests). One empty Reader, kept for good, keeps the maps.
let idle: Reader | undefined;

/** Decodes a whole document whose root element must be `rootName`, by the shape of the body. */
export function decodeDocument(xml: string, rootName: string, shape: Shape): unknown {
  if (fast.idleReader) idle ??= new Reader('');
  else idle = undefined;
  if (Reading === Reader) return new Reader(xml).read(rootName, shape);
  // Not Reader: a test turned a fast path off (withoutFastPath).
  const itemsAt = new Set<number>();
  for (;;) {
    try {
      return new Reading(xml, undefined, itemsAt).read(rootName, shape);
    } catch (error) {
      if (!(error instanceof Reread)) throw error;
      itemsAt.add(error.at);
    }
  }
}

// --- the plain ways, for tests ---------------------------------------------------------------

/** The Reader of each fast path taken per element, with that path replaced by the plain way. */
const WITHOUT: Partial<Record<FastPath, typeof Reader>> = {
  guessNames: class extends Reader {
    protected override expectedName(at: number): string {
      return this.name(at);
    }
  },
  lazyText: class extends Reader {
    protected override uncopied(): boolean {
      return false;
    }
  },
  cachedSearches: class extends Reader {
    protected override nextFrom(search: Search, from: number): number {
      const i = this.src.indexOf(search.needle, from);
      search.at = i === -1 ? this.src.length : i;
      return search.at;
    }
  },
  // The whole document is read again, the element now marked as an array's first item.
  rereadSubReader: class extends Reader {
    protected override again(start: number): unknown {
      throw new Reread(start);
    }
  },
  cachedPlans: class extends Reader {
    protected override planOf(shape: Shape): Plan {
      return newPlan(shape);
    }
    protected override childPlan(plan: Plan, name: string): Plan {
      return newPlan(fieldShape(plan.fields, name));
    }
  },
  reusedFrames: class extends Reader {
    protected override frameAt(depth: number): Frame {
      return (this.frames[depth] = newFrame());
    }
  },
};
let Reading: typeof Reader = Reader;

/** Runs `run` with the fast path `path` turned off: for test/xml/decode.fast-paths.test.ts only. */
export function withoutFastPath<T>(path: FastPath, run: () => T): T {
  const flags = { ...fast };
  const previous = Reading;
  try {
    if (path in fast) fast[path as keyof typeof fast] = false;
    Reading = WITHOUT[path] ?? Reader;
    return run();
  } finally {
    Object.assign(fast, flags);
    // The reader before, not Reader: inside another withoutFastPath, that one's path stays off.
    Reading = previous;
  }
}

/** The name of the reader decodeDocument uses (`Reader`, or the fast path turned off): for tests only. */
export const readerInUse = (): string => Reading.name;
