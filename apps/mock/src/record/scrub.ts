import { createRedactor, document, MIN_PIECE } from '@altcraft-api/contract';

/**
 * What a recording keeps of profile values: `placeholders` (the default) replaces each with a
 * value of the same JSON type and written form; `kept` (`--record-values`, for a team's own test
 * data) keeps them. The token is removed in both.
 */
export type ValueMode = 'placeholders' | 'kept';

/** What a removed token becomes, wherever it was. */
export const REDACTED = '[redacted]';

/**
 * Request fields whose values choose the platform's behaviour and identify no one: kept, so the
 * report can tell what a batch asked for (matching mode, format...) and replay can tell batches
 * apart. Every other value of a request is a profile's value.
 */
const CONTROL_FIELDS = new Set(['format', 'task_id', 'workflow_id', 'matching', 'field_name', 'resource_id', 'skip_triggers', 'skip_invalid_subscriptions', 'detect_geo', 'channel', 'status', 'priority', 'provider', 'mimetype']);

/** Whether a request's field (or query parameter) chooses behaviour rather than names someone: its value is kept. */
export const isControlField = (key: string | undefined) => key !== undefined && CONTROL_FIELDS.has(key);

let contractNames: Set<string> | undefined;
/** Every property name the contract's schemas declare: an answer's own schema, never a profile's value. */
function contractFieldNames(): Set<string> {
  if (contractNames) return contractNames;
  contractNames = new Set();
  const seen = new Set<unknown>();
  const stack: unknown[] = [document];
  while (stack.length > 0) {
    const node = stack.pop();
    if (node === null || typeof node !== 'object' || seen.has(node)) continue;
    seen.add(node);
    const properties = (node as Record<string, unknown>).properties;
    if (properties !== null && typeof properties === 'object' && !Array.isArray(properties)) for (const name of Object.keys(properties)) contractNames.add(name);
    stack.push(...Object.values(node));
  }
  return contractNames;
}

/** Answer fields kept as they are (the report reads error codes); the texts lose any profile value. */
const ANSWER_CODES = new Set(['error']);
const ANSWER_TEXTS = new Set(['error_text', 'error_debug', 'message', 'description']);

/**
 * A value of the same written form: upper-case letters become X, other letters x, digits 1,
 * the rest (punctuation, spaces, @, +) stays; a date keeps its letters, `true` and `false` stay. An email stays an email, a date a date of the
 * same precision, a phone a phone, base64 base64, so the report still sees the form the
 * platform got. It is idempotent: a placeholder is its own placeholder, which replay's
 * matching relies on.
 */
export function placeholderText(text: string): string {
  // XML writes booleans as text: kept, as JSON's booleans are.
  if (text === 'true' || text === 'false') return text;
  // A date or time keeps its letters (the T and Z of RFC 3339): they are its form, not its value.
  if (/^\d{4}-\d\d/.test(text)) return text.replace(/\p{N}/gu, '1');
  // Three passes over classes that do not overlap, none with a callback: a 10,000-profile batch is 10^5 values.
  return text.replace(/(?!\p{Lu})[\p{L}\p{M}]/gu, 'x').replace(/\p{Lu}/gu, 'X').replace(/\p{N}/gu, '1');
}

/**
 * A number of the same written form. Repeated until it is its own placeholder: one pass is not
 * (1e21 became 1e11, written 100000000000; 1e-7 became 0.1), and replay compares a live
 * request's placeholders with those of its recording, placeholders of placeholders.
 */
export function placeholderNumber(value: number): number {
  let shaped = value;
  for (let pass = 0; pass < 8; pass++) {
    const next = Number(String(shaped).replace(/\d/g, '1'));
    if (!Number.isFinite(next)) return 1;
    if (next === shaped) return shaped;
    shaped = next;
  }
  return 1;
}

/** Whether a field or element (`a:token` too) is named token. */
const isTokenName = (name: string | undefined) => name !== undefined && /^(?:[^:]*:)?token$/i.test(name);

/** An Authorization value's secrets: a Bearer or Token value, a Basic pair decoded and its password. */
function authorizationSecrets(authorization: string, into: Set<string>): void {
  const [, scheme, value] = /^\s*(Bearer|Basic|Token)\s+(\S+)\s*$/i.exec(authorization) ?? [];
  if (value === undefined) return void into.add(authorization.trim());
  into.add(value);
  if (scheme!.toLowerCase() !== 'basic') return;
  const pair = Buffer.from(value, 'base64').toString('utf8');
  into.add(pair);
  if (pair.includes(':')) into.add(pair.slice(pair.indexOf(':') + 1));
}

/** The `token` values of a JSON body: every key that parses to `token`, however written (`\u0074oken`), a list's items too. */
function jsonTokens(body: string, into: Set<string>): void {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    // A broken body: its `"token":"..."` pairs as written are the best guess.
    for (const match of body.matchAll(/"token"\s*:\s*("(?:[^"\\]|\\.)*"|-?\d[\d.eE+-]*)/g)) {
      try {
        into.add(String(JSON.parse(match[1]!)));
      } catch {
        into.add(match[1]!.replace(/^"|"$/g, ''));
      }
    }
    return;
  }
  // Iterative: a body nested deeper than the stack is still searched.
  const stack: [unknown, boolean][] = [[value, false]];
  while (stack.length > 0) {
    const [node, underToken] = stack.pop()!;
    if (underToken && (typeof node === 'string' || typeof node === 'number')) into.add(String(node));
    if (node === null || typeof node !== 'object') continue;
    // `{"token": ["T"]}`: a list under a token key is a list of tokens.
    for (const [key, item] of Object.entries(node)) stack.push([item, isTokenName(key) || (underToken && Array.isArray(node))]);
  }
}

/** `token=T` pairs of a query, a form body or a header (`&`, `;` separated; `token[]=T` too). */
function pairTokens(text: string, into: Set<string>): void {
  // Split by hand: URLSearchParams reads `;` as part of a value, and some servers split there.
  for (const pair of text.split(/[&;]/)) {
    const at = pair.indexOf('=');
    if (at < 0 || !isTokenName(safeDecode(pair.slice(0, at)).trim().replace(/\[[^\]]*\]$/, ''))) continue;
    into.add(safeDecode(pair.slice(at + 1)).trim());
  }
}

/**
 * The tokens of an XML or multipart body beyond what the cut reads piece by piece: an element's
 * whole text (split by comments or CDATA sections), an attribute glued to the one before it
 * (`a="1"token="T"`), a multipart part named token.
 */
function bodyTokens(body: string, into: Set<string>): void {
  for (const match of body.matchAll(/(?:^|[^\w.:-])(?:[\w.-]+:)?token\s*=\s*(?:"([^"]*)"|'([^']*)')/gi)) into.add(unescapeXml(match[1] ?? match[2] ?? '').trim());
  if (/content-disposition/i.test(body)) for (const match of body.matchAll(/name="?(?:[^":\r\n]*:)?token"?[^\r\n]*\r?\n(?:[^\r\n]+\r?\n)*\r?\n([^\r\n]*)/gi)) into.add(match[1]!.trim());
  const open: { name: string; text: string }[] = [];
  for (const { cdata, close, name, selfClosing, plain } of xmlPieces(body)) {
    if (cdata !== undefined || plain !== undefined) {
      const top = open.at(-1);
      if (top) top.text += cdata ?? unescapeXml(plain!);
    } else if (name !== undefined && close) {
      const element = open.pop();
      if (element && isTokenName(element.name)) into.add(element.text.trim());
    } else if (name !== undefined && !selfClosing) open.push({ name, text: '' });
  }
}

/**
 * The token pieces an exchange carried: the Authorization and Proxy-Authorization headers (a
 * Basic password decoded too), any header named like a token (X-Api-Token) or carrying
 * `token=` (a Cookie), the URL query (`&` or `;` separated), and the body's `token`: JSON, XML
 * (CDATA, comments between its pieces and a namespace prefix too), form-encoded or multipart.
 */
export function tokensOf(authorization: string | undefined, url: string | undefined, body: string, headers: Record<string, string | string[] | undefined> = {}): string[] {
  const tokens = new Set<string>();
  if (authorization !== undefined) authorizationSecrets(authorization, tokens);
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    for (const one of [value].flat()) {
      if (/token/i.test(name)) tokens.add(one.trim());
      if (/^proxy-authorization$/i.test(name)) authorizationSecrets(one, tokens);
      if (/token/i.test(one)) pairTokens(one, tokens);
    }
  }
  const search = (url ?? '').includes('?') ? (url ?? '').slice((url ?? '').indexOf('?') + 1).split('#')[0]! : '';
  pairTokens(search, tokens);
  pairTokens(body, tokens);
  jsonTokens(body, tokens);
  if (/token/i.test(body)) {
    mapXml(body, (key, value) => (isTokenName(key) && tokens.add(value.trim()), value), (name) => name);
    bodyTokens(body, tokens);
  }
  tokens.delete('');
  return [...tokens];
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
export function unescapeXml(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#\d+|amp|lt|gt|quot|apos);/g, (whole, name: string) => {
    if (name[0] !== '#') return ENTITIES[name]!;
    const code = name[1] === 'x' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
    return code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  });
}
export const escapeXml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * A text with its URL, JSON, XML and source-code escapes (`\xNN`, `\u{NN}`) undone, as far as
 * they read, percent-escapes up to three times (`%2530` is `0` escaped twice): where an echo
 * hides a value.
 */
function unescapeAll(text: string): string {
  let out = unescapeXml(text)
    .replace(/\\u([0-9a-fA-F]{4})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)))
    .replace(/\\u\{([0-9a-fA-F]{1,6})\}/g, (whole, hex: string) => (parseInt(hex, 16) <= 0x10ffff ? String.fromCodePoint(parseInt(hex, 16)) : whole))
    .replace(/\\x([0-9a-fA-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  for (let round = 0; round < 3; round++) {
    const next = out.replace(/(?:%[0-9a-fA-F]{2})+/g, (run) => {
      try {
        return decodeURIComponent(run);
      } catch {
        return run;
      }
    });
    if (next === out) break;
    out = next;
  }
  return out;
}

const WORD = /[\p{L}\p{M}\p{N}]+/gu;

/**
 * Removes the token and the profile values of one exchange from whatever the recording keeps.
 * Profile values are known by their words (runs of letters and digits, two or more long): a
 * text the upstream wrote is kept, but each word that is a word of a value the request carried
 * becomes its placeholder, so `invalid email alice@example.com` stays readable and names no one.
 */
export class Scrubber {
  private readonly redactors: ((text: string) => string)[];
  /** Tokens too short to search texts for: removed where a whole value is one. */
  private readonly shortTokens: Set<string>;
  private readonly words = new Set<string>();

  constructor(
    tokens: string[],
    readonly mode: ValueMode,
  ) {
    // A token shorter than the client's MIN_PIECE (the platform's are 24 characters and more) is
    // removed where it is a token (body, query, Authorization) but not searched for in texts: the
    // client's redaction would take each of its occurrences, and a test token `t` every `t` of
    // every field name and log line.
    this.redactors = tokens.filter((token) => token.length >= MIN_PIECE).map(createRedactor);
    this.shortTokens = new Set(tokens.filter((token) => token.length < MIN_PIECE));
  }

  /**
   * The token removed, in any of the forms the client's redaction knows, and in the forms it
   * does not once the text's escapes are undone (`\u0051`, `&#81;`, `%51` for every character):
   * then the text is kept with its escapes undone.
   */
  token(text: string): string {
    if (this.shortTokens.has(text.trim())) return REDACTED;
    if (this.redactors.length === 0) return text;
    let out = text;
    for (const redact of this.redactors) out = redact(out);
    const plain = unescapeAll(out);
    if (plain === out) return out;
    let decoded = plain;
    for (const redact of this.redactors) decoded = redact(decoded);
    return decoded === plain ? out : decoded;
  }

  /** Remembers a profile value, so texts that echo it lose it. */
  learn(value: string | number): void {
    // A phone is echoed normalised (+7 912 345-67-89 as 79123456789): its digits are a word too.
    const digits = String(value).replace(/\D/g, '');
    if (digits.length >= 2) this.words.add(digits);
    // A word the contract names a field with (`data`, `email`) names no one, and scrubbing it made the upstream's `Invalid data` unreadable.
    for (const word of String(value).match(WORD) ?? []) if (word.length >= 2 && !contractFieldNames().has(word.toLowerCase())) this.words.add(word.toLowerCase());
  }

  /** A text the upstream (or the proxy) wrote, safe to keep. */
  text(text: string): string {
    const clean = this.token(text);
    if (this.mode === 'kept' || this.words.size === 0) return clean;
    const plain = unescapeAll(clean);
    const scrubbed = plain.replace(WORD, (word) => (this.words.has(word.toLowerCase()) ? placeholderText(word) : word));
    // The escapes are undone only where a value was found; the rest of the text stays as written.
    return scrubbed === plain ? clean : scrubbed;
  }

  /**
   * A key of the answer: a field name of the contract is kept as it is (`data`, `error`, `status`
   * stay whatever words a profile value holds: the answer keeps its schema); any other key may
   * echo a value (a result keyed by email) and is scrubbed as a text is.
   */
  answerKey(key: string): string {
    return contractFieldNames().has(key) ? key : this.text(key);
  }

  /** One of the request's values: a control field's is kept, a profile's becomes a placeholder. */
  requestValue(key: string | undefined, value: unknown): unknown {
    if (isTokenName(key) && (typeof value === 'string' || typeof value === 'number')) return REDACTED;
    if (typeof value === 'string') {
      if (this.mode === 'kept' || (key !== undefined && CONTROL_FIELDS.has(key))) return this.token(value);
      return placeholderText(value);
    }
    if (typeof value === 'number' && this.mode === 'placeholders' && !(key !== undefined && CONTROL_FIELDS.has(key))) return placeholderNumber(value);
    return value;
  }

  /** One of the answer's values: codes kept, texts scrubbed, the rest placeholders. */
  answerValue(key: string | undefined, value: unknown): unknown {
    // A code is kept as it came (the report and replay read it), whatever profile value shares its words.
    // A control field too (`task_id`, `status`): a replayed client asks for the task the recorded answer named.
    if (key !== undefined && (ANSWER_CODES.has(key) || CONTROL_FIELDS.has(key))) return typeof value === 'string' ? this.token(value) : value;
    if (typeof value === 'string') {
      if (key !== undefined && ANSWER_TEXTS.has(key)) return this.text(value);
      return this.mode === 'kept' ? this.token(value) : placeholderText(value);
    }
    if (typeof value === 'number' && this.mode === 'placeholders') return placeholderNumber(value);
    return value;
  }

  /** Learns every profile value of a request (parsed JSON), so later texts can be scrubbed. */
  learnRequest(value: unknown, key?: string): void {
    if (Array.isArray(value)) for (const item of value) this.learnRequest(item, key);
    else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) this.learnRequest(v, k);
    else if ((typeof value === 'string' || typeof value === 'number') && !(key !== undefined && CONTROL_FIELDS.has(key)) && !isTokenName(key)) this.learn(value);
  }
}

type Leaf = (key: string | undefined, value: unknown) => unknown;

/** A JSON value with every leaf passed through `leaf` and every key through `keyOf`. */
export function mapJson(value: unknown, leaf: Leaf, keyOf: (key: string) => string, key?: string): unknown {
  if (Array.isArray(value)) return value.map((item) => mapJson(item, leaf, keyOf, key));
  if (value !== null && typeof value === 'object') {
    // Defined, not assigned: `out['__proto__'] = v` set the prototype and the key was lost.
    const out: Record<string, unknown> = {};
    // The next number to try per placeholder: counting up from 2 for each key made 4,000 emails 8 million tries (review4 #7).
    const next = new Map<string, number>();
    for (const [k, v] of Object.entries(value)) {
      // Two keys of one placeholder (two emails) stay two keys: the later ones are numbered.
      const base = keyOf(k);
      let name = base;
      for (let n = next.get(base) ?? 2; Object.hasOwn(out, name); n++) {
        name = `${base}~${n}`;
        next.set(base, n + 1);
      }
      Object.defineProperty(out, name, { value: mapJson(v, leaf, keyOf, k), enumerable: true, writable: true, configurable: true });
    }
    return out;
  }
  return leaf(key, value);
}

// One XML piece at a time: CDATA, comment, processing instruction or declaration, a tag (its
// name and attributes), text, or a stray `<`. Not a parser: a body that is not well-formed is
// still cut into these pieces, and every text in it is scrubbed. Cut by hand, not by one regex:
// the regex scanned to the end of the text for each of 5 million unclosed `<!` or `<a` (a
// 10 MB body took minutes). A tag's parts exclude `<`, so each try stops at the next `<`. The
// attributes are read one at a time: one regex repeating a group overflowed the stack on a tag
// of ~100,000 attributes (review4 #1).
const TAG_OPEN = /<(\/?)([^\s/<>]+)/y;
const TAG_ATTRIBUTE = /\s+[^\s=/<>]+\s*=\s*(?:"[^"<]*"|'[^'<]*')/y;
const TAG_END = /\s*(\/?)>/y;
const XML_ATTRIBUTE = /([^\s=/>]+)(\s*=\s*)(?:"([^"]*)"|'([^']*)')/g;

/** One piece: its text, and for CDATA its content, for a tag its parts, for text the text. */
interface XmlPiece {
  whole: string;
  cdata?: string;
  close?: string;
  name?: string;
  attributes?: string;
  selfClosing?: string;
  plain?: string;
}

/**
 * The pieces of `text` in order. Where a terminator (`]]>`, `-->`, `>`) is looked for, the
 * last answer is reused while it still lies ahead: a text with no terminator is searched once,
 * not once per opener, which keeps the whole cut linear.
 */
export function* xmlPieces(text: string): Generator<XmlPiece> {
  const found = new Map<string, { from: number; at: number }>();
  const find = (terminator: string, from: number) => {
    const last = found.get(terminator);
    if (last && last.from <= from && (last.at === -1 || last.at >= from)) return last.at;
    const at = text.indexOf(terminator, from);
    found.set(terminator, { from, at });
    return at;
  };
  let i = 0;
  while (i < text.length) {
    if (text[i] !== '<') {
      const next = text.indexOf('<', i);
      const end = next === -1 ? text.length : next;
      yield { whole: text.slice(i, end), plain: text.slice(i, end) };
      i = end;
      continue;
    }
    let end = -1;
    if (text.startsWith('<![CDATA[', i) && (end = find(']]>', i + 9)) >= 0) {
      yield { whole: text.slice(i, end + 3), cdata: text.slice(i + 9, end) };
      i = end + 3;
      continue;
    }
    if (text.startsWith('<!--', i) && (end = find('-->', i + 4)) >= 0) {
      yield { whole: text.slice(i, end + 3) };
      i = end + 3;
      continue;
    }
    if ((text[i + 1] === '?' || text[i + 1] === '!') && (end = declarationEnd(text, i, find)) >= 0) {
      yield { whole: text.slice(i, end + 1) };
      i = end + 1;
      continue;
    }
    const tag = readTag(text, i);
    if (tag) {
      yield tag;
      i += tag.whole.length;
      continue;
    }
    yield { whole: '<' };
    i++;
  }
}

/**
 * Where the processing instruction or declaration at `from` ends (its `>`), or -1: a processing
 * instruction at `?>`, a DOCTYPE's internal subset at `]>`, both of which may hold a `>`
 * (`<?pi a > b?>`, `<!ENTITY e "<b>">`) that ended the piece early and made the rest text.
 */
function declarationEnd(text: string, from: number, find: (terminator: string, from: number) => number): number {
  const gt = find('>', from + 2);
  if (text[from + 1] === '?') {
    const end = find('?>', from + 2);
    return end >= 0 ? end + 1 : gt;
  }
  const bracket = find('[', from + 2);
  if (bracket < 0 || gt < 0 || bracket > gt) return gt;
  const end = find(']>', bracket);
  return end >= 0 ? end + 1 : gt;
}

/** The tag at `from` (`<a x="1"/>`, `</a>`), or undefined where none is written: no backtracking, no recursion. */
function readTag(text: string, from: number): XmlPiece | undefined {
  TAG_OPEN.lastIndex = from;
  const open = TAG_OPEN.exec(text);
  if (!open) return undefined;
  const start = TAG_OPEN.lastIndex;
  let at = start;
  for (;;) {
    TAG_ATTRIBUTE.lastIndex = at;
    if (!TAG_ATTRIBUTE.test(text)) break;
    at = TAG_ATTRIBUTE.lastIndex;
  }
  TAG_END.lastIndex = at;
  const end = TAG_END.exec(text);
  if (!end) return undefined;
  return { whole: text.slice(from, TAG_END.lastIndex), close: open[1], name: open[2], attributes: text.slice(start, at), selfClosing: end[1] };
}

/** An attribute's value as XML reads it: a written tab or line break is a space (`&#9;` stays a tab). */
const attributeValue = (raw: string) => unescapeXml(raw.replace(/\r\n?/g, '\n').replace(/[\t\n]/g, ' '));

/**
 * An XML body with each text and attribute value passed through `leaf` (with its element's or
 * attribute's name as the key), names through `keyOf`; comments and CDATA become text.
 * `trim` drops whitespace between tags (replay's normal form).
 */
export function mapXml(text: string, leaf: (key: string | undefined, text: string) => string, keyOf: (name: string) => string, trim = false): string {
  const open: string[] = [];
  let out = '';
  for (const { whole, cdata, close, name, attributes, selfClosing, plain } of xmlPieces(text)) {
    if (cdata !== undefined) out += escapeXml(leaf(open.at(-1), cdata));
    else if (plain !== undefined) {
      if (plain.trim() === '') out += trim ? '' : plain;
      else out += escapeXml(leaf(open.at(-1), unescapeXml(trim ? plain.trim() : plain)));
    } else if (name === undefined) out += whole === '<' ? '&lt;' : whole.startsWith('<!--') ? '' : whole.startsWith('<?xml') ? whole : '';
    else if (close) {
      open.pop();
      out += `</${keyOf(name)}>`;
    } else {
      const attrs = (attributes ?? '').replace(XML_ATTRIBUTE, (_, attr: string, eq: string, dq?: string, sq?: string) => ` ${keyOf(attr)}${trim ? '=' : eq}"${escapeXml(leaf(attr, attributeValue(dq ?? sq ?? '')))}"`);
      if (!selfClosing) open.push(name);
      out += `<${keyOf(name)}${trim ? attrs.replace(/^\s+/, ' ') : attrs}${selfClosing ? '/' : ''}>`;
    }
  }
  return out;
}

/** The words of every profile value an XML request carries (control elements and the token aside). */
export function learnXmlRequest(scrubber: Scrubber, text: string): void {
  mapXml(
    text,
    (key, value) => {
      scrubber.learnRequest(value, key);
      return value;
    },
    (name) => name,
  );
}
