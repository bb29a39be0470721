/** One number format for every count the command prints: 50,000. */
export const grouped = (n: number) => Math.round(n).toLocaleString('en-US');

/** `1 request`, `2 requests`, `50,000 lines`, `1 retry`, `3 retries`. */
export function plural(n: number, singular: string, many = `${singular}s`): string {
  return `${grouped(n)} ${n === 1 ? singular : many}`;
}

/** Bytes in decimal units, as file sizes are usually shown: 812 bytes, 6.3 MB. */
export function size(bytes: number): string {
  if (bytes < 1_000) return plural(bytes, 'byte');
  const [unit, scale] = bytes < 1e6 ? ['kB', 1e3] : bytes < 1e9 ? ['MB', 1e6] : ['GB', 1e9];
  return `${(bytes / scale).toFixed(1)} ${unit}`;
}

const REASONS: Record<string, string> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EISDIR: 'is a directory',
  ENOTDIR: 'a part of the path is not a directory',
  ENOSPC: 'no space left on the device',
  EFBIG: 'file too large',
  EROFS: 'read-only file system',
  EMFILE: 'too many open files',
  ELOOP: 'too many symbolic links',
  ENAMETOOLONG: 'file name too long',
};

/** Why a file operation failed, in words a person can act on: `no such file or directory (ENOENT)`. */
export function fileReason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code && REASONS[code]) return `${REASONS[code]} (${code})`;
  return code ?? (error as Error).message;
}

/**
 * Damerau-Levenshtein distance (adjacent transpositions count once), for "did you mean": a
 * typo'd option is usually one or two keystrokes away.
 */
export function editDistance(a: string, b: string): number {
  const rows = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(rows[i - 1]![j]! + 1, rows[i]![j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, rows[i - 2]![j - 2]! + 1);
      rows[i]![j] = best;
    }
  }
  return rows[a.length]![b.length]!;
}

/**
 * The candidate a typo most likely meant: the only one it starts (an abbreviation), else the
 * closest within 2 edits (1 for words of 4 letters or fewer, where 2 edits make another word).
 */
export function closest(typed: string, candidates: readonly string[]): string | undefined {
  const lower = typed.toLowerCase();
  const prefixed = candidates.filter((candidate) => lower.length >= 3 && candidate.startsWith(lower));
  if (prefixed.length === 1) return prefixed[0];
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const distance = editDistance(lower, candidate);
    const limit = Math.min(candidate.length, lower.length) <= 4 ? 1 : 2;
    if (distance <= limit && (!best || distance < best.distance)) best = { candidate, distance };
  }
  return best?.candidate;
}
