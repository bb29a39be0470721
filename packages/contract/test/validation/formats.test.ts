// The validators' format checks must accept exactly the strings ajv-formats' "full" formats
// accept (the contract's advice was written against them): a differential test on values that
// hold, values that almost hold, and random ones.
import { fullFormats } from 'ajv-formats/dist/formats.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FORMAT_NAMES, formatChecks, isDate } from '../../src/validation/formats.js';
import { STRINGS } from '../support/validation-corpus.js';

function reference(name: string): (value: never) => boolean {
  const format = fullFormats[name as keyof typeof fullFormats] as unknown;
  const def = format instanceof RegExp || typeof format === 'function' ? format : (format as { validate: unknown }).validate;
  if (def instanceof RegExp) return (value) => def.test(value);
  return def as (value: never) => boolean;
}

const pad = (n: number, width: number) => String(n).padStart(width, '0');

/** Every date shape around the edges: years that are (not) leap, months and days just in and out of range. */
function dateCorpus(): string[] {
  const dates: string[] = [];
  for (const year of [0, 4, 100, 400, 1900, 1996, 2000, 2001, 2004, 2023, 2024, 2100, 9999]) {
    for (let month = 0; month <= 13; month++) {
      for (const day of [0, 1, 9, 10, 28, 29, 30, 31, 32, 39, 99]) dates.push(`${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`);
    }
  }
  const twists = ['2000-01-01\n', ' 2000-01-01', '2000-01-01 ', '2000/01/01', '2000-1-01', '2000-01-1', '20000-01-01', '200-01-01', '2000-01-01T00:00:00Z', '٢٠٠٠-٠١-٠١', '２０００-01-01', '2000-0a-01', '2000-01-0a', 'a000-01-01', '2000--1-01', '2000-01--1', '+200-01-01', '-200-01-01', '2000-01-01\u0000', '2000‐01‐01', ''];
  return [...dates, ...twists];
}

describe('format checks (differential against ajv-formats full mode)', () => {
  it.each([...FORMAT_NAMES])('%s agrees on the corpus', (name) => {
    const ours = formatChecks[name];
    const theirs = reference(name);
    const values: unknown[] = ours.type === 'number' ? [0, 1, -1, 1.5, 2 ** 31 - 1, 2 ** 31, -(2 ** 31), -(2 ** 31) - 1, 2 ** 53, 2 ** 60, 1e308, -0] : [...STRINGS, ...dateCorpus()];
    for (const value of values) expect(ours.test(value as never), `${name} ${JSON.stringify(value)}`).toBe(theirs(value as never));
  });

  it('date agrees on random strings over the characters that matter', () => {
    const theirs = reference('date');
    const chars = fc.constantFrom(...'0123456789-12-:T \n'.split(''), '٣', '０', 'a');
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: chars, minLength: 8, maxLength: 12 }), fc.string({ maxLength: 12 })), (value) => {
        expect(isDate(value)).toBe(theirs(value as never));
      }),
      { numRuns: 20_000 },
    );
  });

  it('date agrees on every YYYY-MM-DD shape with digits (a sample of years 0000-9999, months and days 00-99)', () => {
    const theirs = reference('date');
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 9999 }), fc.integer({ min: 0, max: 99 }), fc.integer({ min: 0, max: 99 }), (year, month, day) => {
        const value = `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`;
        expect(isDate(value)).toBe(theirs(value as never));
      }),
      { numRuns: 20_000 },
    );
  });
});
