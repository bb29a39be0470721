// What an XML element's text becomes, given what its field may be: the XML twin of a JSON body
// must carry the values JSON.parse reads from the JSON one, and never a rounded number.
import { describe, expect, it } from 'vitest';
import { alwaysArray, convertText, fieldShape, FREE, shapeOf } from '../../src/xml/shape.js';
import { seeded } from '../support/random.js';

/**
 * The oracle: the number JSON.parse reads from the integer's digits when that double is the
 * integer exactly (BigInt compares them) or is written so by String (as the encoder writes a
 * number), else the text unchanged: never a number the text does not stand for.
 */
function integerOracle(text: string): unknown {
  const digits = text.replace(/^(-?)0+(?=\d)/, '$1');
  const n = JSON.parse(digits) as number;
  return Number.isFinite(n) && (BigInt(n) === BigInt(digits) || String(n) === text) ? n : text;
}

function randomInteger(random: () => number): string {
  const zeros = random() < 0.2 ? '0'.repeat(1 + Math.floor(random() * 3)) : '';
  const sign = random() < 0.3 ? '-' : '';
  // Around 2^53 and 10^21, where the doubles are sparse, and some shorter and longer ones.
  const length = [1, 5, 15, 16, 17, 18, 21, 22, 23, 30, 309, 310][Math.floor(random() * 12)]!;
  let digits = String(1 + Math.floor(random() * 9));
  for (let i = 1; i < length; i++) digits += String(Math.floor(random() * 10));
  // Exactly held integers: a double's own digits, written out in full.
  const kind = random();
  if (kind < 0.3) digits = BigInt(Math.floor(random() * 2 ** 20) * 2 ** (40 + Math.floor(random() * 60))).toString();
  // A double as String writes it (what the encoder sends), below 10^21 where that is all digits.
  else if (kind < 0.5) digits = String(Math.floor(random() * 10 ** (16 + Math.floor(random() * 5))));
  return `${sign}${zeros}${digits}`;
}

describe('convertText', () => {
  it('reads integer text as JSON.parse reads its digits, or keeps the text where the double is another number (5,000 seeded)', () => {
    const random = seeded(21);
    for (let i = 0; i < 5_000; i++) {
      const text = randomInteger(random);
      expect(convertText(text, true, false), text).toStrictEqual(integerOracle(text));
    }
  });

  it('reads 10^21 and up, which String writes with an exponent, when the double holds them exactly', () => {
    expect(convertText('1000000000000000000000', true, false)).toBe(1e21);
    expect(convertText(`-0000${'1' + '0'.repeat(22)}`, true, false)).toBe(-1e22);
    // 10^23 is no double: 5^23 needs more than 53 bits.
    expect(convertText('1' + '0'.repeat(23), true, false)).toBe('1' + '0'.repeat(23));
    expect(convertText('1000000000000000000001', true, false)).toBe('1000000000000000000001');
    expect(convertText('9007199254740993', true, false)).toBe('9007199254740993');
    expect(convertText('9007199254740994', true, false)).toBe(9007199254740994);
    // String's own spelling of a double that is not exactly that integer: the encoder writes it so.
    expect(convertText('-35794082676261830', true, false)).toBe(-35794082676261830);
  });

  it('reads decimals and exponents as numbers when finite, and booleans only where the field allows them', () => {
    expect(convertText(' 1.50 ', true, false)).toBe(1.5);
    expect(convertText('1e400', true, false)).toBe('1e400');
    expect(convertText('-0', true, false)).toBe(-0);
    expect(convertText('true', true, false)).toBe('true');
    expect(convertText('true', false, true)).toBe(true);
    expect(convertText('12', false, true)).toBe('12');
  });
});

describe('shapeOf', () => {
  it('is free for no schema, true and a schema that constrains nothing; empty for false', () => {
    expect(shapeOf(undefined)).toBe(FREE);
    expect(shapeOf(true)).toBe(FREE);
    expect(shapeOf({ description: 'anything' }).free).toBe(true);
    expect(shapeOf(false)).toMatchObject({ free: false, scalars: new Set(), object: undefined, array: undefined });
  });

  it('merges the types of allOf, oneOf and anyOf, and of a property declared twice', () => {
    const shape = shapeOf({ allOf: [{ properties: { a: { type: 'string' } } }, { properties: { a: { type: ['integer', 'null'] } } }], oneOf: [{ type: 'boolean' }, { type: 'array', items: { type: 'number' } }] });
    expect(fieldShape(shape, 'a').scalars).toEqual(new Set(['string', 'integer']));
    expect(shape.scalars).toEqual(new Set(['boolean']));
    expect(shape.array?.scalars).toEqual(new Set(['number']));
    expect(alwaysArray(shape)).toBe(false);
    expect(alwaysArray(shapeOf({ type: 'array', items: { type: 'string' } }))).toBe(true);
  });

  it('takes an enum or const of strings as a string, the unwrap mark, and unknown fields from additionalProperties', () => {
    const shape = shapeOf({ type: 'object', 'x-altcraft-xml-unwrap': 'data', properties: { m: { enum: ['email', 'phone'] } }, additionalProperties: { type: 'integer' } });
    expect(fieldShape(shape, 'm').scalars).toEqual(new Set(['string']));
    expect(shape.object?.unwrap).toBe('data');
    expect(fieldShape(shape, 'other').scalars).toEqual(new Set(['integer']));
  });

  it('ends on a schema that holds itself, and gives one shape per schema object', () => {
    const tree: { type: string; properties: Record<string, unknown> } = { type: 'object', properties: {} };
    tree.properties.child = tree;
    const shape = shapeOf(tree);
    expect(fieldShape(shape, 'child')).toBe(shape);
    expect(shapeOf(tree)).toBe(shape);
  });
});
