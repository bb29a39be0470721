import { describe, expect, it } from 'vitest';
import { findChangedNumber, mayHoldChangedNumber, numberChange, shownToken } from '../src/numbers.js';
import { EDGE_NUMBERS, oracle, randomNumber } from './support/numbers.js';
import { seeded } from './support/random.js';

const SEED = 20261207;
const generated = (() => {
  const next = seeded(SEED);
  return [...EDGE_NUMBERS, ...Array.from({ length: 4000 }, () => randomNumber(next))];
})();

describe('numberChange against an exact BigInt oracle', () => {
  it(`refuses exactly the spellings whose value would change on the wire (${generated.length} spellings, seed ${SEED})`, () => {
    const disagree = generated.filter((token) => (numberChange(token) === undefined) !== oracle(token).accepted);
    expect(disagree).toEqual([]);
    // Both outcomes are well represented: the generator is not trivially one-sided.
    const refused = generated.filter((token) => numberChange(token) !== undefined).length;
    expect(refused).toBeGreaterThan(generated.length / 10);
    expect(refused).toBeLessThan((generated.length * 9) / 10);
  });

  it.each([
    ['1e400', 'would be sent as null'],
    ['-1e400', 'would be sent as null'],
    ['1e-400', 'would be sent as 0'],
    ['9007199254740993.0', 'would be sent as 9007199254740992'],
    ['9007199254740993e0', 'would be sent as 9007199254740992'],
    ['12345678901234567.5', 'would be sent as 12345678901234568'],
  ])('%s %s', (token, reason) => {
    expect(numberChange(token)).toContain(reason);
  });

  it.each(['0.1', '1.0', '1e2', '-0', '0e999999', '9007199254740992', '9007199254740994', '1e300', '1.7976931348623157e308', '5e-324', '0.1000000000000000055511151231257827'])('sends %s unchanged or as the same double', (token) => {
    expect(numberChange(token)).toBeUndefined();
  });
});

describe('findChangedNumber', () => {
  it('finds the first changed number of a text with its pointer, past strings, escapes and odd keys', () => {
    const text = '{"s":"1e400 \\" [1e400]","a~b/c":[0,{"x":1e-5,"\\"k":[1,2,9007199254740993.0]}],"z":1e400}';
    expect(findChangedNumber(text)).toEqual({ token: '9007199254740993.0', pointer: '/a~0b~1c/1/"k/2', reason: 'is beyond 2^53 and would be sent as 9007199254740992' });
    expect(findChangedNumber('{"a":[1,2,3],"b":{"c":0.5, "d" : [ -1e999 ] }}')).toMatchObject({ token: '-1e999', pointer: '/b/d/0' });
    expect(findChangedNumber('{"a":"9007199254740993","b":1e300}')).toBeUndefined();
  });

  it('agrees with numberChange on every number of a generated line, pointer included', () => {
    const line = `{"list":[${generated.map((token) => `{"v":${token}}`).join(',')}]}`;
    const first = generated.findIndex((token) => numberChange(token) !== undefined);
    expect(findChangedNumber(line)).toMatchObject({ token: generated[first], pointer: `/list/${first}/v` });
    for (const [i, token] of generated.entries()) {
      expect(findChangedNumber(`{"v":${token}}`)?.pointer, token).toBe(oracle(token).accepted ? undefined : '/v');
    }
  });

  it('is looked for whenever a parsed value may hold one (the cheap gate never lets a changed number through)', () => {
    for (const token of generated) {
      const text = `{"v":${token}}`;
      if (!oracle(token).accepted) expect(mayHoldChangedNumber(JSON.parse(text), text), token).toBe(true);
    }
    expect(mayHoldChangedNumber({ a: [1, 0.5, 0, -3] }, '{"a":[1,0.5,0,-3]}')).toBe(false);
  });

  it('finds a changed number nested deeper than the stack, and decodes escaped keys for its pointer', () => {
    const depth = 200_000;
    const deep = `{"a":${'['.repeat(depth)}1e400${']'.repeat(depth)}}`;
    expect(mayHoldChangedNumber(JSON.parse(deep), deep)).toBe(true);
    const found = findChangedNumber(deep)!;
    expect(found.token).toBe('1e400');
    expect(found.pointer).toBe(`/a${'/0'.repeat(depth)}`);
    expect(findChangedNumber('{"\\u002f\\\\":{"~":[1e-999]}}')).toMatchObject({ pointer: '/~1\\/~0/0' });
  });

  it('shortens a huge token in messages', () => {
    expect(shownToken(`1${'0'.repeat(1000)}`)).toMatch(/^10{23}…0{8} \(1001 characters\)$/);
  });
});
