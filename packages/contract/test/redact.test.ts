// createRedactor: several tokens at once, and the token echoed as bytes.
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

// One redactor after the other let a piece of the second token through once the first had cut
// into it ("body-token-1234" after "query-token-XYZ" cut "y-token-").
describe('createRedactor with several tokens', () => {
  it('covers the pieces of every token at once, where applying one redactor after the other does not', () => {
    const tokens = ['query-token-XYZ789', 'body-token-123456'];
    const text = 'mine: body-token-123456, theirs: QUERY-TOKEN-xyz789';
    expect(createRedactor(tokens)(text)).toBe('mine: [redacted], theirs: [redacted]');
    // The two one after the other leave most of the second token in place.
    expect(tokens.map((t) => createRedactor(t)).reduce((out, redact) => redact(out), text)).toContain('123456');
  });

  it('one token in a list redacts as the token alone', () => {
    const texts = ['a Sup3r-S3cret/Tok b', 'S3CRET/TOK', encodeURIComponent('Sup3r-S3cret/Tok'), 'nothing'];
    expect(texts.map(createRedactor(['Sup3r-S3cret/Tok']))).toEqual(texts.map(createRedactor('Sup3r-S3cret/Tok')));
  });
});
