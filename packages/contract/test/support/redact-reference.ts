// The redactor's search as it was written first, kept as the reference for the fast one: the
// text folded by the definition, each piece searched with indexOf over the whole text, the runs
// sorted and merged.
import { redactionPieces } from '../../src/redact.js';

/**
 * The case fold by its definition, one code point at a time: upper then lower case where that
 * keeps the length, else lower case where that does, else the character as it is.
 */
function referenceFold(text: string): string {
  let out = '';
  for (const char of text) {
    const [round, lower] = [char.toUpperCase().toLowerCase(), char.toLowerCase()];
    out += round.length === char.length ? round : lower.length === char.length ? lower : char;
  }
  return out;
}

export function referenceRedactor(token: string | readonly string[]): (text: string) => string {
  const pieces = redactionPieces(token);
  return (text) => {
    if (text === '') return text;
    const folded = referenceFold(text);
    const covered: [number, number][] = [];
    for (const piece of pieces) {
      for (let at = folded.indexOf(piece); at >= 0; at = folded.indexOf(piece, at + 1)) covered.push([at, at + piece.length]);
    }
    if (covered.length === 0) return text;
    covered.sort((a, b) => a[0] - b[0]);
    let out = '';
    let from = 0;
    for (let i = 0; i < covered.length; ) {
      let [start, end] = covered[i]!;
      for (i++; i < covered.length && covered[i]![0] <= end; i++) end = Math.max(end, covered[i]![1]);
      out += text.slice(from, start) + '[redacted]';
      from = end;
    }
    return out + text.slice(from);
  };
}
