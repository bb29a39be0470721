// The hash set behind the duplicate-attribute check, and the check itself past the eight names
// it keeps in a list: a repeated name is refused wherever it sits, as saxes refuses it.
import { SaxesParser } from 'saxes';
import { describe, expect, it } from 'vitest';
import { requestXml } from '../../src/xml.js';
import { NameSet } from '../../src/xml/name-set.js';
import { seeded } from '../support/random.js';

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
    // The set's hash (FNV-1a, 32 bits), to find a collision: by the birthday bound, among some 100,000 names.
    const fnv = (name: string) => {
      let hash = 0x811c9dc5;
      for (let k = 0; k < name.length; k++) hash = Math.imul(hash ^ name.charCodeAt(k), 0x01000193);
      return hash;
    };
    const seen = new Map<number, string>();
    let pair: [string, string] | undefined;
    for (let i = 0; !pair && i < 2_000_000; i++) {
      const name = `n${i.toString(36).padStart(6, '0')}`;
      const other = seen.get(fnv(name));
      if (other !== undefined) pair = [other, name];
      else seen.set(fnv(name), name);
    }
    expect(pair).toBeDefined();
    const [a, b] = pair!;
    const set = new NameSet(a + b + a);
    expect(set.add(0, a.length)).toBe(true);
    expect(set.add(a.length, b.length)).toBe(true);
    expect(set.add(2 * a.length, a.length)).toBe(false);
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
