// The hash set behind the duplicate-attribute check, and the check itself past the eight names
// it keeps in a list: a repeated name is refused wherever it sits, as saxes refuses it.
import { SaxesParser } from 'saxes';
import { describe, expect, it } from 'vitest';
import { requestXml } from '../../src/xml.js';
import { NameSet } from '../../src/xml/name-set.js';
import { seeded } from '../support/random.js';
import { fnvColliding } from './pathological.js';

const saxesAccepts = (xml: string) => {
  try {
    new SaxesParser().write(xml).close();
    return true;
  } catch {
    return false;
  }
};

describe('NameSet', () => {
  it('agrees with a Set on 200,000 names, repeats and near-repeats among them', () => {
    const random = seeded(7);
    const names = Array.from({ length: 200_000 }, () => ['a', 'é', '😀', 'ns:x', ''].at(Math.floor(random() * 5))! + Math.floor(random() * 150_000).toString(36));
    const src = names.join('');
    const set = new NameSet(src);
    const oracle = new Set<string>();
    let at = 0;
    for (const name of names) {
      expect(set.add(at, name.length)).toBe(!oracle.has(name));
      oracle.add(name);
      at += name.length;
    }
  });

  it('tells apart two names of one length whose hashes collide', () => {
    // With the base fixed, a birthday search among some 10,000 names of one length finds two
    // of random letters with one hash (the hash is mod a prime near 2^26; names counted up in
    // order differ by small polynomials, which seldom vanish).
    const base = 1_000_003;
    const random = seeded(11);
    const names = Array.from({ length: 200_000 }, () => Array.from({ length: 7 }, () => String.fromCharCode(97 + Math.floor(random() * 26))).join(''));
    const probe = new NameSet(names.join(''), base);
    const seen = new Map<number, string>();
    let pair: [string, string] | undefined;
    for (let i = 0; !pair && i < names.length; i++) {
      const hash = probe.hash(7 * i, 7);
      const other = seen.get(hash);
      if (other !== undefined) pair = [other, names[i]!];
      else seen.set(hash, names[i]!);
    }
    expect(pair).toBeDefined();
    const [a, b] = pair!;
    const set = new NameSet(a + b + a, base);
    expect(set.hash(0, a.length)).toBe(set.hash(a.length, b.length));
    expect(set.add(0, a.length)).toBe(true);
    expect(set.add(a.length, b.length)).toBe(true);
    expect(set.add(2 * a.length, a.length)).toBe(false);
    expect(set.add(a.length, b.length)).toBe(false);
  });

  it('draws its base for each set, so a collision found for one set is none for the next', () => {
    // Two names that collide with the base 2: "ac" and "ba" (1·2² + 'a'·2 + 'c' = 1·2² + 'b'·2 + 'a').
    const src = 'acba';
    expect(new NameSet(src, 2).hash(0, 2)).toBe(new NameSet(src, 2).hash(2, 2));
    const collisions = Array.from({ length: 20 }, () => new NameSet(src)).filter((set) => set.hash(0, 2) === set.hash(2, 2));
    expect(collisions.length).toBeLessThanOrEqual(1);
  });

  it('spreads the names built to agree in the low 20 bits of the old FNV-1a hash', () => {
    // Under the old hash these 16,384 names had one value in those bits, so one run of slots.
    const count = 1 << 14;
    const names = Array.from({ length: count }, (_, i) => fnvColliding(i));
    const set = new NameSet(names.join(''));
    const low = new Set<number>();
    for (let i = 0, at = 0; i < count; at += names[i]!.length, i++) {
      expect(set.add(at, names[i]!.length)).toBe(true);
      low.add(set.hash(at, names[i]!.length) & 0xfffff);
    }
    // Random values: some 130 of 16,384 share their low 20 bits with an earlier one.
    expect(low.size).toBeGreaterThan(0.97 * count);
  });
});

describe('a repeated attribute', () => {
  const tag = (names: string[]) => `<xml><f ${names.map((n) => `${n}="v"`).join(' ')}/></xml>`;
  const many = Array.from({ length: 40 }, (_, i) => `a${i}`);

  it.each([
    ['among the first eight', [...many.slice(0, 5), 'a2', ...many.slice(5)]],
    ['after the eighth, repeating one of the first eight', [...many, 'a3']],
    ['after the eighth, repeating a later one', [...many, 'a30']],
    ['the ninth repeating the first', [...many.slice(0, 8), 'a0']],
  ])('%s is refused, as saxes refuses it', (_, names) => {
    const xml = tag(names);
    expect(saxesAccepts(xml)).toBe(false);
    expect(() => requestXml.decode(xml)).toThrow(/malformed XML: the attribute a\d+ appears twice in <f>/);
  });

  it('forty distinct ones, array="true" last among them, are read', () => {
    const xml = `<xml><f ${many.map((n) => `${n}="v"`).join(' ')} array="true">1</f></xml>`;
    expect(saxesAccepts(xml)).toBe(true);
    expect(requestXml.decode(xml)).toEqual({ f: [1] });
  });
});
