// An oracle for "does a JSON number reach the wire with its value intact" (src/numbers.ts),
// built independently: exact rationals in BigInt, no decimal normalising of its own.

/** A JSON number token's exact value: n × 10^e. */
function exact(token: string): { n: bigint; e: bigint } {
  const m = /^(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/.exec(token);
  if (!m) throw new Error(`not a JSON number: ${token}`);
  const [, sign, whole, fraction = '', exponent = '0'] = m;
  return { n: BigInt(`${sign}${whole}${fraction}`), e: BigInt(exponent) - BigInt(fraction.length) };
}

/** a − b's sign, exactly (the exponents of the cases generated stay small enough for BigInt powers). */
function compare(a: { n: bigint; e: bigint }, b: { n: bigint; e: bigint }): number {
  if (a.n === 0n || b.n === 0n) return Number((a.n > 0n ? 1n : a.n < 0n ? -1n : 0n) - (b.n > 0n ? 1n : b.n < 0n ? -1n : 0n)) || 0;
  const low = a.e < b.e ? a.e : b.e;
  const x = a.n * 10n ** (a.e - low);
  const y = b.n * 10n ** (b.e - low);
  return x < y ? -1 : x > y ? 1 : 0;
}

const abs = (v: { n: bigint; e: bigint }) => ({ n: v.n < 0n ? -v.n : v.n, e: v.e });

/**
 * What is sent for a token (JSON.stringify(JSON.parse(token))), and whether the rule accepts
 * it: the same exact value, or below 2^53 in magnitude a nonzero nearest double.
 */
export function oracle(token: string): { sent: string; accepted: boolean } {
  const sent = JSON.stringify(JSON.parse(token));
  if (sent === 'null') return { sent, accepted: false };
  const written = exact(token);
  if (written.n === 0n) return { sent, accepted: true };
  const wire = exact(sent);
  if (wire.n === 0n) return { sent, accepted: false };
  if (compare(written, wire) === 0) return { sent, accepted: true };
  return { sent, accepted: compare(abs(written), { n: 2n ** 53n, e: 0n }) < 0 };
}

/** The spellings the issue named and the edges of the rule. */
export const EDGE_NUMBERS = [
  '1e400', '-1e400', '1e999', '1E+400', '1e-400', '-1e-400', '0.' + '0'.repeat(400) + '1', '0e999999', '-0', '-0.0', '0.000',
  '9007199254740993', '9007199254740993.0', '9007199254740993e0', '90071992547409930e-1', '0.9007199254740993e16', '-9007199254740993',
  '9007199254740992', '9007199254740994', '9007199254740991', '9007199254740991.5', '9007199254740992.5', '9007199254740993.5', '9007199254740991.9',
  '12345678901234567.5', '12345678901234567890123', '1e20', '1e21', '1e300', '1180591620717411303424', '1.7976931348623157e308',
  '1.7976931348623158e308', '1.7976931348623159e308', '5e-324', '3e-324', '2.4703282292062328e-324', '2.4703282292062327e-324',
  '0.1', '0.1000000000000000055511151231257827', '1.0', '1e2', '100e-2', '-1.50', '3.141592653589793238462643383279',
];

/** A random JSON number spelling: signs, fractions with trailing zeros, exponents with signs and leading zeros, small and huge. */
export function randomNumber(next: () => number): string {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  const digits = (length: number, lead = true) => Array.from({ length }, (_, i) => (i === 0 && lead ? 1 + Math.floor(next() * 9) : Math.floor(next() * 10))).join('');
  const whole = pick(['0', digits(1 + Math.floor(next() * 3)), digits(15 + Math.floor(next() * 4)), pick(['9007199254740993', '9007199254740992', '18014398509481985', '9007199254740991']), digits(20 + Math.floor(next() * 10))]);
  const fraction = next() < 0.5 ? '' : `.${digits(1 + Math.floor(next() * 25), false)}${next() < 0.3 ? '000' : ''}`;
  const exponentValue = pick([0, 1, 2, 5, 15, 16, 17, 20, 22, 290, 307, 308, 309, 320, 323, 324, 325, 330, 400, 1000]);
  const exponent = next() < 0.5 ? '' : `${pick(['e', 'E'])}${pick(['', '+', '-'])}${next() < 0.2 ? '00' : ''}${exponentValue}`;
  return `${next() < 0.3 ? '-' : ''}${whole}${fraction}${exponent}`;
}
