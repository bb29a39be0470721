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
