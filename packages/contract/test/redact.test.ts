// The token echoed as bytes (review4 #3): hex, and base64 or base64url of any text that holds
// it. Node's own Buffer encoders are the oracle; the redactor encodes by hand (it runs in browsers).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRedactor } from '../src/redact.js';

const T = '0123456789abcdef0123456789abcdef';

describe('createRedactor, on a token echoed as bytes', () => {
  it.each([
    ['base64 of the token', Buffer.from(T).toString('base64')],
    ['base64 of token=T', Buffer.from(`token=${T}`).toString('base64')],
    ['base64url of a JSON body', Buffer.from(JSON.stringify({ token: T })).toString('base64url')],
    ['hex of the token', Buffer.from(T).toString('hex')],
    ['upper-case hex', Buffer.from(T).toString('hex').toUpperCase()],
  ])('removes %s', (_name, form) => {
    const out = createRedactor(T)(`error_debug: got ${form} here`);
    expect(out).toContain('[redacted]');
    expect(out).not.toContain(form);
  });

  it('leaves no 8 characters written from the token alone, whatever text holds it (Buffer as the oracle)', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.string({ unit: 'grapheme', minLength: 8, maxLength: 40 }), fc.constantFrom<BufferEncoding>('base64', 'base64url', 'hex'), (before, after, token, encoding) => {
        fc.pre(!/\p{Cs}/u.test(token));
        const written = Buffer.from(`${before}${token}${after}`).toString(encoding);
        const from = Buffer.byteLength(before);
        const to = from + Buffer.byteLength(token);
        // The characters whose bits all come from the token's bytes.
        const [first, last] = encoding === 'hex' ? [2 * from, 2 * to - 1] : [Math.ceil((8 * from) / 6), Math.floor((8 * to - 6) / 6)];
        const pure = written.slice(first, last + 1);
        const out = createRedactor(token)(written);
        for (let at = 0; at + 8 <= pure.length; at++) expect(out).not.toContain(pure.slice(at, at + 8));
      }),
      { numRuns: 300 },
    );
  });

  it('leaves a text that holds no piece of the token as it was', () => {
    const text = `upload ${Buffer.from('someone else entirely, 2026').toString('base64')} done ${Buffer.from('other').toString('hex')}`;
    expect(createRedactor(T)(text)).toBe(text);
  });
});
