import { describe, expect, it } from 'vitest';
import { countKeys, isCanonicalJson } from '../src/canonical.js';

/** The claim checked: whenever the line is taken as canonical, it is exactly what JSON.stringify writes. */
function agrees(text: string): boolean {
  const value: unknown = JSON.parse(text);
  const canonical = isCanonicalJson(text, countKeys(value));
  if (canonical) expect(JSON.stringify(value)).toBe(text);
  return canonical;
}

describe('isCanonicalJson', () => {
  it('takes what JSON.stringify writes', () => {
    for (const value of [
      { email: 'a@example.com', n: 1, x: -12.5, big: 123456789012345, t: true, f: false, z: null, list: [1, 'two', { three: 3 }], empty: {}, none: [] },
      { text: 'quote " backslash \\ newline \n tab \t cr \r bs \b ff \f', unicode: 'Ж 😀 \u2028' },
      { nested: { deeper: { deepest: [[], [{}], [[1e21, 1e-7, 0.1]]] } } },
      { __proto__x: 1, 'key with spaces': 'v', '007': 'digits', '': 'empty key' },
    ]) {
      const text = JSON.stringify(value);
      // Digits-only keys are refused (an object reorders them): only that one is not taken.
      expect(agrees(text)).toBe(!Object.keys(value).includes('007'));
    }
  });

  it('refuses every way a line can differ from what JSON.stringify writes', () => {
    for (const text of [
      '{ "a": 1 }',
      '{"a":1} ',
      '{"a":"\\u0041"}',
      '{"a":"\\/"}',
      '{"a":1.0}',
      '{"a":1e3}',
      '{"a":-0}',
      '{"a":1E+21}',
      '{"a":12345678901234567}',
      '{"a":1,"a":2}',
      '{"b":1,"2":1}',
      '{"a":[1, 2]}',
      '{"a":{"b":1,"b":1}}',
    ]) {
      expect(agrees(text), text).toBe(false);
    }
  });

  it('never takes a line JSON.stringify would write otherwise (random lines)', () => {
    const pick = <T>(list: T[]) => list[Math.floor(Math.random() * list.length)]!;
    const pieces = ['"a"', '"b"', '"\\u00e9"', '"\\""', '"\\/"', '"\\n"', '"é"', '1', '-0', '0', '1.5', '1.50', '1e2', '-3', 'true', 'null', '12345678901234567890'];
    const space = () => (Math.random() < 0.1 ? ' ' : '');
    function value(depth: number): string {
      const r = Math.random();
      if (depth > 3 || r < 0.5) return pick(pieces);
      if (r < 0.75) return `[${Array.from({ length: Math.floor(Math.random() * 3) }, () => space() + value(depth + 1)).join(',')}]`;
      const keys = ['"a"', '"b"', '"1"', '"c"', '"\\u0064"'];
      return `{${Array.from({ length: Math.floor(Math.random() * 4) }, () => `${pick(keys)}:${space()}${value(depth + 1)}`).join(',')}}`;
    }
    let taken = 0;
    for (let i = 0; i < 5_000; i++) if (agrees(`{"p":${value(0)}}`)) taken++;
    // Many are canonical, so the check is not vacuous.
    expect(taken).toBeGreaterThan(500);
  });
});
