// Shared by the client (texts a server sent back) and the mock (recorded traffic, proxy log
// lines): the mock cannot depend on the client, whose tests run against the mock.
// Redaction of the token from text a server sent back (error texts, debug texts, per-item
// error texts, a Location, a reason phrase, a request id). A server may echo the token cut
// short, re-cased or escaped, so matching only the exact token is not enough.

/** Shortest piece of the token that is redacted wherever it appears. */
export const MIN_PIECE = 8;
const MARK = '[redacted]';

// A case fold that keeps every character's length, so positions found in the folded text are
// positions in the original. It goes character by character: folding the whole text would
// shift every position after one character whose lower case is longer (İ), and falling back
// to ASCII then let an upper-case non-ASCII token through. Such a character is kept as is.
// Upper then lower case joins the forms a lower case alone keeps apart (ς and σ, ſ and s,
// the Kelvin sign and k), whatever context-dependent rule a server's lower case followed.
const foldedChars = new Map<string, string>();
function foldChar(char: string): string {
  let folded = foldedChars.get(char);
  if (folded === undefined) {
    const round = char.toUpperCase().toLowerCase();
    const lower = char.toLowerCase();
    folded = round.length === char.length ? round : lower.length === char.length ? lower : char;
    // Bounded: a server's text may hold any number of distinct characters.
    if (foldedChars.size < 4096) foldedChars.set(char, folded);
  }
  return folded;
}

const NON_ASCII = /[^\0-\x7f]/;

function fold(text: string): string {
  // An ASCII text (most bodies) in one native call: no ASCII letter's case mapping leaves ASCII.
  if (!NON_ASCII.test(text)) return text.toLowerCase();
  // Else ASCII in runs, the rest one code point at a time (a lone surrogate is one too, and
  // folds to itself).
  return text.replace(/[A-Z]+/g, (run) => run.toLowerCase()).replace(/[^\0-\x7f]/gu, foldChar);
}

const hex4 = (char: string) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`;
const xmlText = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * The ways a server may write the token back: as a JSON string (and as serialisers that escape
 * every non-ASCII character or the slash write it), URL-encoded (component, whole URI, form
 * with `+` for space), and escaped for XML or HTML (named or numeric quotes). A token that
 * reads the same in all of them makes one form.
 */
function encodings(token: string): string[] {
  const json = JSON.stringify(token).slice(1, -1);
  const jsonAscii = json.replace(/[\u007f-\uffff]/g, hex4);
  const forms = [token, json, jsonAscii, json.replace(/\//g, '\\/'), jsonAscii.replace(/\//g, '\\/')];
  forms.push(xmlText(token), xmlText(token).replace(/"/g, '&quot;').replace(/'/g, '&apos;'), xmlText(token).replace(/"/g, '&#34;').replace(/'/g, '&#39;'));
  // URL encoders throw on a lone surrogate, so no server writes such a token in these forms.
  for (const encode of [encodeURIComponent, encodeURI, (text: string) => new URLSearchParams([['', text]]).toString().slice(1)]) {
    try {
      forms.push(encode(token));
    } catch {
      // Not encodable: a server cannot echo it in this form either.
    }
  }
  forms.push(...binaryForms(token));
  return forms;
}

/**
 * The token as a server that echoes bytes writes it: hex, and base64 or base64url of any text
 * that holds it (`token=T`, a JSON body). Base64 writes three bytes as four characters, so the
 * token's characters depend on where it starts; for each of the three starts the characters that
 * depend on its neighbours are dropped, and what stays is found inside any such text.
 */
function binaryForms(token: string): string[] {
  // A lone surrogate has no UTF-8 bytes: no server writes such a token as bytes.
  if (/\p{Cs}/u.test(token)) return [];
  const bytes = new TextEncoder().encode(token);
  const forms = [[...bytes].map((byte) => byte.toString(16).padStart(2, '0')).join('')];
  for (let shift = 0; shift < 3; shift++) {
    const shifted = new Uint8Array(shift + bytes.length);
    shifted.set(bytes, shift);
    const whole = base64(shifted);
    // A character that mixes a neighbour's bits: the first ones after a shifted start, the last one unless the end is aligned.
    const core = whole.slice(Math.ceil((shift * 4) / 3), shifted.length % 3 === 0 ? whole.length : whole.length - 1);
    forms.push(core, core.replace(/\+/g, '-').replace(/\//g, '_'));
  }
  return forms;
}

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
/** Base64 without padding; by hand, as neither Buffer (browsers) nor btoa (binary strings) serves both runtimes. */
function base64(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    const chars = Math.min(4, Math.ceil(((bytes.length - i) * 4) / 3));
    for (let c = 0; c < chars; c++) out += BASE64[(n >> (18 - 6 * c)) & 63];
  }
  return out;
}

/**
 * Where the pieces of one length occur in a text, in one pass: a rolling hash of each window,
 * a bitmap of the pieces' hashes, and a string comparison only where the bitmap says maybe.
 * Searching each piece with indexOf cost a pass per piece (a token makes some 500 of them):
 * the mock's journal spent 190 ms redacting one 6 MB body.
 */
class PieceSearch {
  private readonly base = (Math.floor(Math.random() * 0x3fffffff) << 1) | 1;
  /** base^(length-1), to take the character leaving the window out of the hash. */
  private readonly top: number;
  private readonly bitmap = new Uint8Array(1 << 16);

  constructor(
    readonly length: number,
    private readonly pieces: ReadonlySet<string>,
  ) {
    let top = 1;
    for (let i = 1; i < length; i++) top = Math.imul(top, this.base);
    this.top = top;
    for (const piece of pieces) this.bitmap[this.hashOf(piece) >>> 16] = 1;
  }

  private hashOf(text: string): number {
    let hash = 0;
    for (let i = 0; i < text.length; i++) hash = (Math.imul(hash, this.base) + text.charCodeAt(i)) | 0;
    return hash;
  }

  /** Calls `found(start, end)` for each occurrence, in order of start. */
  scan(text: string, found: (start: number, end: number) => void): void {
    const { length, base, top, bitmap, pieces } = this;
    let hash = 0;
    for (let i = 0; i < text.length; i++) {
      if (i >= length) hash = (hash - Math.imul(text.charCodeAt(i - length), top)) | 0;
      hash = (Math.imul(hash, base) + text.charCodeAt(i)) | 0;
      if (i + 1 >= length && bitmap[hash >>> 16] === 1 && pieces.has(text.slice(i + 1 - length, i + 1))) found(i + 1 - length, i + 1);
    }
  }
}

/**
 * What createRedactor looks for, case-folded: every form of the token (`encodings`), whole when
 * at most MIN_PIECE long, else each of its MIN_PIECE-character substrings. Several tokens at
 * once: redacted one after the other, a piece the first cut out could leave the rest of the
 * second too short to be found. Exported for the tests' reference search, not by the package.
 */
export function redactionPieces(token: string | readonly string[]): Set<string> {
  const forms = new Set((typeof token === 'string' ? [token] : token).flatMap(encodings).map(fold));
  const pieces = new Set<string>();
  for (const form of forms) {
    if (form.length <= MIN_PIECE) pieces.add(form);
    else for (let i = 0; i + MIN_PIECE <= form.length; i++) pieces.add(form.slice(i, i + MIN_PIECE));
  }
  pieces.delete('');
  return pieces;
}

/**
 * A function that replaces, in any text, every run of characters covered by a piece of the
 * token: the whole token or any MIN_PIECE-character substring of it, in any letter case, as
 * written or in any of its `encodings`. Overlapping or touching pieces make one `[redacted]`.
 * Given several tokens, pieces of any of them. Linear in the text.
 */
export function createRedactor(token: string | readonly string[]): (text: string) => string {
  const byLength = new Map<number, Set<string>>();
  for (const piece of redactionPieces(token)) (byLength.get(piece.length) ?? byLength.set(piece.length, new Set()).get(piece.length)!).add(piece);
  const searches = [...byLength].map(([length, pieces]) => new PieceSearch(length, pieces));
  return (text) => {
    if (text === '') return text;
    const folded = fold(text);
    // +1 where a piece starts, -1 where it ends: a run of positive sums is one covered run. Made
    // at the first piece found, so a text without any costs no memory. A byte a character is
    // enough: pieces are at most MIN_PIECE long, one per length starts at a position, so at most
    // 8 + 7 + ... + 1 = 36 cover one character.
    let depth: Int8Array | undefined;
    const mark = (start: number, end: number) => {
      depth ??= new Int8Array(folded.length + 1);
      depth[start]! += 1;
      depth[end]! -= 1;
    };
    for (const search of searches) search.scan(folded, mark);
    if (depth === undefined) return text;
    return replaceCovered(text, depth);
  };
}

/** The text with each run covered by `depth` (touching runs make one) replaced by the mark. */
function replaceCovered(text: string, depth: Int8Array): string {
  let out = '';
  let from = 0;
  let open = 0;
  let start = 0;
  for (let i = 0; i <= text.length; i++) {
    const was = open;
    open += depth[i]!;
    if (was === 0 && open > 0) start = i;
    else if (was > 0 && open === 0) {
      out += text.slice(from, start) + MARK;
      from = i;
    }
  }
  return out + text.slice(from);
}
