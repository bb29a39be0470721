// An NDJSON line is usually written the way JSON.stringify writes: then the line itself is the
// profile's serialisation, and the bytes read are the bytes sent. Serialising the parsed profile
// again and encoding the result measured about 5x the cost of this check plus copying the line.

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** The escapes JSON.stringify writes after a backslash: \" \\ \b \f \n \r \t (never \/, and \u only for what the text could not hold raw). */
const WRITTEN_ESCAPES = new Set([QUOTE, BACKSLASH, 0x62, 0x66, 0x6e, 0x72, 0x74]);

/** A key made of digits only: an object lists such keys first, whatever order the text has. */
function digitsOnly(text: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return false;
  }
  return end > start;
}

/** How many keys the objects of a parsed JSON value hold in all (not recursive: a line may nest deeper than the stack). */
export function countKeys(value: unknown): number {
  let keys = 0;
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const item = pending.pop();
    if (typeof item !== 'object' || item === null) continue;
    if (Array.isArray(item)) {
      for (let i = 0; i < item.length; i++) pending.push(item[i]);
      continue;
    }
    for (const key in item) {
      keys++;
      pending.push((item as Record<string, unknown>)[key]);
    }
  }
  return keys;
}

/**
 * Whether `JSON.stringify(JSON.parse(text)) === text`, for a text that JSON.parse accepted and
 * whose parsed value holds `keys` keys in all (countKeys), without serialising anything: no
 * space between tokens, only the escapes JSON.stringify writes, numbers written as JavaScript
 * writes them, no digits-only key (those are reordered), and as many keys in the text as in the
 * value (a key written twice is kept once). When unsure it answers false: the profile is then
 * serialised as usual.
 */
export function isCanonicalJson(text: string, keys: number): boolean {
  // One entry per open container: true for an object.
  const open: boolean[] = [];
  let keyNext = false;
  let seen = 0;
  const length = text.length;
  let backslash = text.indexOf('\\');
  for (let i = 0; i < length; ) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      const start = ++i;
      // The string's end found by the native search, character by character only past a
      // backslash (most lines have none: `backslash` is then -1 throughout).
      for (;;) {
        const quote = text.indexOf('"', i);
        if (quote === -1) return false;
        if (backslash !== -1 && backslash < quote) {
          if (!WRITTEN_ESCAPES.has(text.charCodeAt(backslash + 1))) return false;
          i = backslash + 2;
          backslash = text.indexOf('\\', i);
          continue;
        }
        i = quote;
        break;
      }
      if (keyNext) {
        if (digitsOnly(text, start, i)) return false;
        seen++;
        keyNext = false;
      }
      i++;
    } else if (c === 0x7b) {
      open.push(true);
      keyNext = true;
      i++;
    } else if (c === 0x5b) {
      open.push(false);
      i++;
    } else if (c === 0x7d || c === 0x5d) {
      open.pop();
      keyNext = false;
      i++;
    } else if (c === 0x2c) {
      keyNext = open[open.length - 1] === true;
      i++;
    } else if (c === 0x3a) {
      i++;
    } else if (c === 0x74 || c === 0x6e) {
      // true, null
      i += 4;
    } else if (c === 0x66) {
      // false
      i += 5;
    } else if (c === 0x2d || (c >= 0x30 && c <= 0x39)) {
      const start = i;
      let plain = true;
      for (i++; i < length; i++) {
        const d = text.charCodeAt(i);
        if (d >= 0x30 && d <= 0x39) continue;
        if (d === 0x2e || d === 0x65 || d === 0x45 || d === 0x2b || d === 0x2d) plain = false;
        else break;
      }
      const digits = i - start - (c === 0x2d ? 1 : 0);
      // A short integer is written back as it is, but -0 (written 0).
      if (plain && digits <= 15) {
        if (c === 0x2d && digits === 1 && text.charCodeAt(start + 1) === 0x30) return false;
        continue;
      }
      const token = text.slice(start, i);
      if (String(Number(token)) !== token) return false;
    } else return false;
  }
  return seen === keys;
}
