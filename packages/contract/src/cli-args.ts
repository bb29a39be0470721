// How every command of this repository (altcraft-import, altcraft-mock, pnpm dev, pnpm probe,
// pnpm spec:diff, pnpm version-packages) refuses a command line it cannot read: one line that
// says what is wrong, with the option that was probably meant, a pointer to --help, a non-zero
// exit. It lives in the contract because every command already depends on it (the bottom of the
// package graph) and it needs nothing but node:util; a package of its own would be one more
// published package to version for forty lines.
import { parseArgs, type ParseArgsConfig } from 'node:util';

/** A problem with the command line; the message says what to change. */
export class UsageError extends Error {}

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
  // Only a name within 2 characters of a candidate's length can be within 2 edits: a longer one
  // (a pasted value, 128 KiB of it) skips every table and costs one pass.
  const longest = Math.max(0, ...candidates.map((candidate) => candidate.length));
  if (typed.length > longest + 2) return undefined;
  const lower = typed.toLowerCase();
  const prefixed = candidates.filter((candidate) => lower.length >= 3 && candidate.startsWith(lower));
  if (prefixed.length === 1) return prefixed[0];
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const limit = Math.min(candidate.length, lower.length) <= 4 ? 1 : 2;
    if (Math.abs(candidate.length - lower.length) > limit) continue;
    const distance = editDistance(lower, candidate);
    if (distance <= limit && (!best || distance < best.distance)) best = { candidate, distance };
  }
  return best?.candidate;
}

/** `; did you mean --concurrency?` when a candidate is close to what was typed, else nothing. */
export function didYouMean(typed: string, candidates: readonly string[], prefix = ''): string {
  const guess = closest(typed, candidates);
  return guess === undefined ? '' : `; did you mean ${prefix}${guess}?`;
}

type Options = NonNullable<ParseArgsConfig['options']>;

/** The options of argv before `--`, as typed (`--concurency`, `-x`), with their value cut off. */
export function typedOptions(argv: readonly string[], options: Options): string[] {
  const typed: string[] = [];
  for (let at = 0; at < argv.length && argv[at] !== '--'; at++) {
    const arg = argv[at]!;
    if (!arg.startsWith('-') || arg === '-') continue;
    const name = arg.split('=')[0]!;
    typed.push(name);
    // The next word is this option's value (`--port -1`), not an option of its own.
    if (!arg.includes('=') && options[name.slice(2)]?.type === 'string') at++;
  }
  return typed;
}

/** Longest option name echoed in a message; a longer one is clipped. */
const SHOWN_MAX = 40;
// What a token option would be called: whatever is glued to it (`-tVALUE`, `--token:VALUE`) may
// be the token itself, so nothing after the prefix is ever echoed.
const TOKEN_LIKE = /^(--token|-t)/i;

/**
 * An option as a message may show it: its name only. Whatever is glued to it (`--api-key:VALUE`,
 * `-kVALUE`, `-tVALUE`) may be the token, so nothing after the first `=` or `:` of a long option,
 * the letter of a short one or a token-like prefix is ever echoed; a long name is clipped.
 */
export function shownOption(typed: string): string {
  const prefix = TOKEN_LIKE.exec(typed)?.[1];
  if (prefix !== undefined) return prefix.length < typed.length ? `${prefix}…` : typed;
  const name = typed.startsWith('--') ? /^--[^=:]*/.exec(typed)![0] : typed.slice(0, 2);
  if (name.length > SHOWN_MAX) return `${name.slice(0, SHOWN_MAX - 1)}…`;
  return name.length < typed.length ? `${name}…` : name;
}

/**
 * Why the first option argv names that `options` does not know is wrong, with the known option
 * it most likely meant (`unknown option --recrd; did you mean --record?`); undefined when all
 * are known. `-port` (one dash, a long name) is matched against the long names.
 */
export function unknownOption(argv: readonly string[], options: Options): string | undefined {
  const names = Object.keys(options);
  const shorts = Object.values(options).flatMap((option) => (option.short ? [`-${option.short}`] : []));
  for (const typed of typedOptions(argv, options)) {
    if (typed.startsWith('--')) {
      const name = typed.slice(2);
      if (!names.includes(name)) return `unknown option ${shownOption(typed)}${didYouMean(name, names, '--')}`;
    } else if (!shorts.includes(typed)) {
      const letters = typed.slice(1);
      const guess = letters.length > 1 ? didYouMean(letters, names, '--') : '';
      // A word within two edits of a known name is a typo (`-port`), not a value: shown whole.
      return `unknown option ${guess ? typed : shownOption(typed)}${guess}`;
    }
  }
  return undefined;
}

/** parseArgs' own refusals (a value missing, a value given to a flag), said in one short line. */
export function parseArgsMessage(error: Error & { code?: string }, valueNames: Record<string, string> = {}): string {
  const name = /'(--?[a-z][a-z0-9-]*)/i.exec(error.message)?.[1];
  const option = name?.replace(/^-+/, '') ?? '';
  if (error.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    if (/argument missing|ambiguous/.test(error.message)) return `${name} needs a value (${name} ${valueNames[option] ?? 'VALUE'})`;
    if (/does not take an argument/.test(error.message)) return `${name} takes no value`;
  }
  // A stray word may be the token typed without its option: its length is all that is said.
  if (error.code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') return unexpectedArgument(/'([^']*)'/.exec(error.message)?.[1] ?? '');
  return error.message.split('\n')[0]!;
}

/** A positional argument no command takes, named by its length only. */
export const unexpectedArgument = (word: string) => `an unexpected argument (${[...word].length} characters)`;

/**
 * node:util's parseArgs (strict), refusing with a UsageError whose message is one line: an
 * unknown option names the closest known one, parseArgs' other messages are shortened.
 */
export function parseOptions<T extends ParseArgsConfig>(config: T, valueNames?: Record<string, string>): ReturnType<typeof parseArgs<T>> {
  const unknown = unknownOption(config.args ?? process.argv.slice(2), config.options ?? {});
  if (unknown) throw new UsageError(unknown);
  try {
    return parseArgs(config);
  } catch (error) {
    throw new UsageError(parseArgsMessage(error as Error & { code?: string }, valueNames));
  }
}

/** The line under a usage error: where the rest is, instead of the whole help. */
export const seeHelp = (command: string) => `${command} --help lists every option`;

/**
 * parseOptions for a command's entry point: on a usage error, writes `COMMAND: message` and the
 * pointer to `COMMAND --help` on stderr and exits with `status` (2 unless the command says
 * otherwise), with no stack trace.
 */
export function parseOptionsOrExit<T extends ParseArgsConfig>(command: string, config: T, status = 2): ReturnType<typeof parseArgs<T>> {
  try {
    return parseOptions(config);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`${command}: ${error.message}\n${seeHelp(command)}\n`);
    process.exit(status);
  }
}
