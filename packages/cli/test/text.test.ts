import { describe, expect, it } from 'vitest';
import { fileReason, plural, size } from '../src/text.js';

describe('numbers and plurals', () => {
  it.each([
    [0, 'requests'],
    [1, 'request'],
    [2, 'requests'],
    [50_000, 'requests'],
  ])('%i %s', (n, word) => {
    expect(plural(n, 'request')).toBe(`${n.toLocaleString('en-US')} ${word}`);
  });

  it('irregular plurals and grouping', () => {
    expect(plural(1, 'retry', 'retries')).toBe('1 retry');
    expect(plural(1234, 'retry', 'retries')).toBe('1,234 retries');
  });

  it('sizes', () => {
    expect(size(1)).toBe('1 byte');
    expect(size(999)).toBe('999 bytes');
    expect(size(6_300_000)).toBe('6.3 MB');
    expect(size(12_345)).toBe('12.3 kB');
  });

  it('file errors in words, with the code', () => {
    expect(fileReason(Object.assign(new Error('x'), { code: 'EACCES' }))).toBe('permission denied (EACCES)');
    expect(fileReason(Object.assign(new Error('x'), { code: 'EWEIRD' }))).toBe('EWEIRD');
    expect(fileReason(new Error('plain'))).toBe('plain');
  });
});
