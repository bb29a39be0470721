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

function fold(text: string): string {
  // ASCII in runs (the common case, and no ASCII letter's case mapping leaves ASCII); the rest
  // one code point at a time (a lone surrogate is one too, and folds to itself).
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
 * A function that replaces, in any text, every run of characters covered by a piece of the
 * token: the whole token or any MIN_PIECE-character substring of it, in any letter case, as
 * written or in any of its `encodings`. Overlapping pieces make one `[redacted]`. Given several
 * tokens, pieces of any of them.
 */
export function createRedactor(token: string | readonly string[]): (text: string) => string {
  // Several tokens at once: one after the other, a piece the first cut out could leave the rest
  // of the second too short to be found.
  const forms = new Set((typeof token === 'string' ? [token] : token).flatMap(encodings).map(fold));
  const pieces = new Set<string>();
  for (const form of forms) {
    if (form.length <= MIN_PIECE) pieces.add(form);
    else for (let i = 0; i + MIN_PIECE <= form.length; i++) pieces.add(form.slice(i, i + MIN_PIECE));
  }
  pieces.delete('');
  return (text) => {
    if (text === '') return text;
    const folded = fold(text);
    const covered: [number, number][] = [];
    for (const piece of pieces) {
      for (let at = folded.indexOf(piece); at >= 0; at = folded.indexOf(piece, at + 1)) covered.push([at, at + piece.length]);
    }
    if (covered.length === 0) return text;
    covered.sort((a, b) => a[0] - b[0]);
    let out = '';
    let from = 0;
    for (let i = 0; i < covered.length; ) {
      let [start, end] = covered[i]!;
      for (i++; i < covered.length && covered[i]![0] <= end; i++) end = Math.max(end, covered[i]![1]);
      out += text.slice(from, start) + MARK;
      from = end;
    }
    return out + text.slice(from);
  };
}
