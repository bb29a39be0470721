// Redaction of the token from text a server sent back (error texts, debug texts, per-item
// error texts, a Location, a reason phrase, a request id). A server may echo the token cut
// short, re-cased or escaped, so matching only the exact token is not enough.

/** Shortest piece of the token that is redacted wherever it appears. */
export const MIN_PIECE = 8;
const MARK = '[redacted]';

// One case fold that keeps every string's length (so positions found in the folded text are
// positions in the original): ASCII letters only when a full fold would change the length.
function fold(text: string): string {
  const lower = text.toLowerCase();
  return lower.length === text.length ? lower : text.replace(/[A-Z]+/g, (run) => run.toLowerCase());
}

/**
 * A function that replaces, in any text, every run of characters covered by a piece of the
 * token: the whole token or any MIN_PIECE-character substring of it, in any letter case, as
 * written or as JSON or URL encoding writes it. Overlapping pieces make one `[redacted]`.
 */
export function createRedactor(token: string): (text: string) => string {
  const forms = new Set([token, JSON.stringify(token).slice(1, -1), encodeURIComponent(token)].map(fold));
  const pieces = new Set<string>();
  for (const form of forms) {
    if (form.length <= MIN_PIECE) pieces.add(form);
    else for (let i = 0; i + MIN_PIECE <= form.length; i++) pieces.add(form.slice(i, i + MIN_PIECE));
  }
  pieces.delete('');
  return (text) => {
    if (text === '') return text;
    const folded = fold(text);
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
      out += text.slice(from, start) + MARK;
      from = end;
    }
    return out + text.slice(from);
  };
}
