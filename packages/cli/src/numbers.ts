// A JSON number is read as a double and sent as JSON.stringify writes that double. Where that
// changes the number, the line is refused (a CSV cell stays text): see `numberChange` for the
// rule, which --help and the README state.

/** 2^53: below it every integer is a double, so only a fraction's digits can be rounded. */
const TWO_53 = 2 ** 53;

/** A decimal's exact value: `0.digits × 10^exponent`, digits without leading or trailing zeros (none: zero). */
interface Decimal {
  negative: boolean;
  digits: string;
  exponent: number;
}

const NUMBER_PARTS = /^(-?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?)(\d+))?$/;

/** The exact value of a JSON number token (linear in its length: no arithmetic on its digits). */
function decimalOf(token: string): Decimal {
  const [, sign = '', whole = '', fraction = '', expSign = '', expDigits = '0'] = NUMBER_PARTS.exec(token) ?? [];
  const mantissa = whole + fraction;
  let start = 0;
  while (start < mantissa.length && mantissa.charCodeAt(start) === 0x30) start++;
  let end = mantissa.length;
  while (end > start && mantissa.charCodeAt(end - 1) === 0x30) end--;
  // An exponent of more than 15 digits is imprecise here, but it only ever meets small ones.
  const exponent = (expSign === '-' ? -1 : 1) * Number(expDigits) + whole.length - start;
  return { negative: sign === '-', digits: mantissa.slice(start, end), exponent };
}

/** Compares two magnitudes (signs left out). */
function compareMagnitude(a: Decimal, b: Decimal): number {
  if (a.digits === '' || b.digits === '') return (a.digits === '' ? 0 : 1) - (b.digits === '' ? 0 : 1);
  if (a.exponent !== b.exponent) return a.exponent < b.exponent ? -1 : 1;
  return a.digits < b.digits ? -1 : a.digits > b.digits ? 1 : 0;
}

const sameValue = (a: Decimal, b: Decimal) => a.digits === b.digits && (a.digits === '' || (a.negative === b.negative && a.exponent === b.exponent));

const TWO_53_DECIMAL = decimalOf(String(TWO_53));

/**
 * Why a JSON number token (JSON.parse accepted it) would not reach the wire as written, or
 * undefined when it does. Sent is JSON.stringify(JSON.parse(token)), and it must have exactly
 * the value written (1.0 as 1, 1e2 as 100, -0 as 0 are the same values), with one allowance:
 * below 2^53 in magnitude, digits past a double's precision are rounded to the nearest double,
 * as every JSON reader rounds them (0.1000000000000000055 is sent as 0.1); every integer there
 * is kept. Refused: beyond ±1.8e308 (sent as null), a nonzero number that becomes 0 (1e-400),
 * and from 2^53 up, any number sent with another value (9007199254740993, 9007199254740993.0,
 * 9.007199254740993e15 are sent as 9007199254740992).
 */
export function numberChange(token: string): string | undefined {
  const double = Number(token);
  if (double !== 0 && Math.abs(double) < TWO_53) return undefined;
  if (!Number.isFinite(double)) return 'is beyond the range of a double (±1.8e308) and would be sent as null';
  const written = decimalOf(token);
  if (double === 0) return written.digits === '' ? undefined : 'is too small for a double (below 5e-324) and would be sent as 0';
  const sent = JSON.stringify(double);
  if (sameValue(written, decimalOf(sent))) return undefined;
  // |double| is 2^53 exactly: the number written may still be below it, a fraction rounded up.
  if (compareMagnitude(written, TWO_53_DECIMAL) < 0) return undefined;
  return `is beyond 2^53 and would be sent as ${sent}`;
}

const ZEROS = '0'.repeat(300);

/** Whether a parsed value holds a number that `numberChange` may refuse (cheap: a walk, the text only searched for zeros). */
export function mayHoldChangedNumber(value: unknown, text: string): boolean {
  let zeroSuspect: boolean | undefined;
  // A loop, not recursion: a line may nest deeper than the stack.
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const item = pending.pop();
    if (typeof item === 'number') {
      // A zero is suspect only if the text could spell an underflow: a negative exponent, or
      // hundreds of zeros after the point (any other spelling of a tiny number has one of them).
      if (item === 0) {
        if ((zeroSuspect ??= text.includes('e-') || text.includes('E-') || text.includes(ZEROS))) return true;
      } else if (!(Math.abs(item) < TWO_53)) return true;
    } else if (typeof item === 'object' && item !== null) {
      if (Array.isArray(item)) for (let i = 0; i < item.length; i++) pending.push(item[i]);
      else for (const key in item) pending.push((item as Record<string, unknown>)[key]);
    }
  }
  return false;
}

export interface ChangedNumber {
  token: string;
  /** JSON pointer to it in the line's value. */
  pointer: string;
  reason: string;
}

const escapePointer = (key: string) => key.replace(/~/g, '~0').replace(/\//g, '~1');

/** One open container while scanning: an object's current key (its text's bounds), or an array's index. */
interface Frame {
  object: boolean;
  index: number;
  keyStart: number;
  keyEnd: number;
}

const NUMBER_TAIL = /[-+.eE0-9]*/y;

/**
 * The first number of a JSON text (that JSON.parse accepted) that would not reach the wire as
 * written (numberChange), with where it is. One pass, whatever the nesting; the pointer is only
 * built for the number found.
 */
export function findChangedNumber(text: string): ChangedNumber | undefined {
  const stack: Frame[] = [];
  let keyNext = false;
  for (let i = 0; i < text.length; ) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      const start = i + 1;
      for (i = start; ; i++) {
        i = text.indexOf('"', i);
        let backslashes = 0;
        while (text.charCodeAt(i - 1 - backslashes) === 0x5c) backslashes++;
        if (backslashes % 2 === 0) break;
      }
      if (keyNext) {
        const frame = stack[stack.length - 1]!;
        frame.keyStart = start;
        frame.keyEnd = i;
        keyNext = false;
      }
      i++;
    } else if (c === 0x7b || c === 0x5b) {
      stack.push({ object: c === 0x7b, index: 0, keyStart: 0, keyEnd: 0 });
      keyNext = c === 0x7b;
      i++;
    } else if (c === 0x7d || c === 0x5d) {
      stack.pop();
      i++;
    } else if (c === 0x2c) {
      const frame = stack[stack.length - 1]!;
      if (frame.object) keyNext = true;
      else frame.index++;
      i++;
    } else if (c === 0x2d || (c >= 0x30 && c <= 0x39)) {
      NUMBER_TAIL.lastIndex = i + 1;
      NUMBER_TAIL.test(text);
      const token = text.slice(i, NUMBER_TAIL.lastIndex);
      i = NUMBER_TAIL.lastIndex;
      const reason = numberChange(token);
      if (reason !== undefined) return { token, pointer: pointerOf(text, stack), reason };
    } else i++;
  }
  return undefined;
}

function pointerOf(text: string, stack: Frame[]): string {
  return stack
    .map((frame) => `/${frame.object ? escapePointer(JSON.parse(`"${text.slice(frame.keyStart, frame.keyEnd)}"`) as string) : frame.index}`)
    .join('');
}

/** A token as a message shows it: a huge one shortened, with its length. */
export function shownToken(token: string): string {
  return token.length <= 40 ? token : `${token.slice(0, 24)}…${token.slice(-8)} (${token.length} characters)`;
}
