// The redactor's one-pass search (rolling hashes) against the reference search (indexOf per
// piece): the same text out for seeded texts built to hold pieces of the token in every form,
// case and overlap; and time in proportion to the text, also on texts built to hit the hashes.
import { describe, expect, it } from 'vitest';
import { createRedactor, redactionPieces } from '../src/redact.js';
import { referenceRedactor } from './support/redact-reference.js';
import { seeded } from './support/random.js';

const TOKENS = ['0123456789abcdef0123456789abcdef', 'Qz81mXp', 'tok+/=% &?#"<>\'en-42', 'Токен-секрет-2026', 'emoji😀token😀value', 'İstanbulKELVIN\u212aſσς'];

function randomText(random: () => number, token: string): string {
  const pieces = [...redactionPieces(token)];
  const noise = 'aA0 -_/+=%&<>"\'\\;:.,\n\tйЖ😀İı\u212aſ';
  let text = '';
  const parts = 1 + Math.floor(random() * 12);
  for (let p = 0; p < parts; p++) {
    const roll = random();
    if (roll < 0.35) {
      // A piece, cut short or long, in another case sometimes.
      const piece = pieces[Math.floor(random() * pieces.length)]!;
      const cut = piece.slice(Math.floor(random() * 3), piece.length - Math.floor(random() * 3));
      text += random() < 0.3 ? cut.toUpperCase() : cut;
    } else if (roll < 0.5) {
      text += token.slice(Math.floor(random() * token.length));
    } else {
      for (let i = Math.floor(random() * 20); i > 0; i--) text += noise[Math.floor(random() * noise.length)];
    }
  }
  return text;
}

describe('the redactor\'s search', () => {
  it('gives the reference search\'s text for 20,000 seeded texts over six tokens and both at once', () => {
    const random = seeded(7);
    const tokens: (string | string[])[] = [...TOKENS, [TOKENS[0]!, TOKENS[3]!]];
    for (const token of tokens) {
      const [fast, reference] = [createRedactor(token), referenceRedactor(token)];
      const one = Array.isArray(token) ? token.join('') : token;
      for (let i = 0; i < 20_000 / tokens.length; i++) {
        const text = randomText(random, one);
        expect(fast(text), JSON.stringify(text)).toBe(reference(text));
      }
    }
  });

  it('merges runs that touch or overlap into one mark, as the reference does', () => {
    const token = '0123456789abcdef';
    const redact = createRedactor(token);
    expect(redact(`x${token}${token}y`)).toBe('x[redacted]y');
    expect(redact(`x01234567 89abcdefy`)).toBe('x[redacted] [redacted]y');
    expect(redact('no piece here')).toBe('no piece here');
  });
});

/** CPU milliseconds per MB, best of a few rounds (CPU time: a longer run waits for a core more often). */
function perMb(redact: (text: string) => string, text: string): number {
  let best = Infinity;
  for (let round = 0; round < 3; round++) {
    const start = process.cpuUsage();
    redact(text);
    const { user, system } = process.cpuUsage(start);
    best = Math.min(best, (user + system) / 1000);
  }
  return best / (text.length / (1 << 20));
}

describe('the redactor\'s time', () => {
  const token = '0123456789abcdef0123456789abcdef';
  const families: Record<string, (chars: number) => string> = {
    // Every position a piece: the runs merge into one.
    'the token over and over': (chars) => token.repeat(Math.ceil(chars / token.length)),
    // Pieces with their last character changed: the bitmap says maybe, the comparison no.
    'near misses': (chars) => [...redactionPieces(token)].map((piece) => `${piece.slice(0, -1)}~`).join('').repeat(Math.ceil(chars / 400)).slice(0, chars),
    'text without a piece': (chars) => 'the quick brown fox jumps over the lazy dog; '.repeat(Math.ceil(chars / 45)),
  };
  for (const [family, make] of Object.entries(families)) {
    it(`stays level per MB from 4 to 10 MB: ${family}`, () => {
      const redact = createRedactor(token);
      const seen: string[] = [];
      // A quadratic path makes the ratio 2.5; a neighbour's burst can land on one size.
      for (let attempt = 0; attempt < 4; attempt++) {
        const [at1, at4, at10] = [1, 4, 10].map((mb) => perMb(redact, make(mb << 20)));
        seen.push(`${at1!.toFixed(1)} / ${at4!.toFixed(1)} / ${at10!.toFixed(1)} ms per MB at 1 / 4 / 10 MB`);
        if (at10! / at4! < 2) return;
      }
      expect.fail(`${family}: ${seen.join('; ')}`);
    }, 300_000);
  }
});
