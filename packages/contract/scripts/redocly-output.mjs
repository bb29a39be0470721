// Redocly CLI 2 opens every run on Node 20 with a 12-line box about Node 20's end of life, on
// stderr; `pnpm build` runs it twice, so each build printed the box twice around two useful lines.
// A person at a terminal sees it once per build; a build that is not interactive (turbo, CI) does
// not repeat it at all. Everything else Redocly says is passed on as it is.

/** The box and the blank lines around it. */
const NOTICE = /(?:^[ \t]*\n)*^[ \t]*╔[^\n]*\n(?:^[ \t]*║[^\n]*\n)+^[ \t]*╚[^\n]*(?:\n[ \t]*(?=\n))*\n?/m;

/** Redocly's stderr split into its Node notice (if any) and the rest. */
export function splitNotice(stderr) {
  const match = NOTICE.exec(stderr);
  return match ? { notice: match[0], rest: stderr.slice(0, match.index) + stderr.slice(match.index + match[0].length) } : { notice: undefined, rest: stderr };
}

/** A writer for the stderr of the Redocly runs of one build: the notice once on a terminal, never elsewhere. */
export function redoclyStderr(stream = process.stderr) {
  let shown = false;
  return (stderr) => {
    const { notice, rest } = splitNotice(stderr);
    if (notice !== undefined && stream.isTTY === true && !shown) {
      shown = true;
      stream.write(notice.trimStart());
    }
    if (rest) stream.write(rest);
  };
}
