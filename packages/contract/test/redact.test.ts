// createRedactor with several tokens: one redactor after the other let a piece of the second
// through once the first had cut into it ("body-token-1234" after "query-token-XYZ" cut "y-token-").
import { describe, expect, it } from 'vitest';
import { createRedactor } from '../src/redact.js';

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
