/**
 * `x-altcraft-limits` as a reader sees it. Redoc's `showExtensions` prints the extension as raw
 * JSON (`{"maxProfiles":10000,...}`); the docs page states each limit in words instead, from the
 * same machine-readable values, so the text cannot drift from them.
 */
const number = new Intl.NumberFormat('en-US');

function bytes(value: number): string {
  const mebibytes = value / 1024 ** 2;
  return Number.isInteger(mebibytes) ? `${number.format(value)} bytes (${mebibytes} MiB)` : `${number.format(value)} bytes`;
}

/** Known keys, in the order they are shown; any other key is shown with its name in words. */
const KNOWN: Record<string, (value: number) => string> = {
  maxProfiles: (value) => `Profiles per request: at most ${number.format(value)}`,
  maxBodyBytes: (value) => `Request body: at most ${bytes(value)}`,
};

function inWords(key: string): string {
  const words = key.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** A Markdown list of the limits, or '' when there are none. */
export function limitsMarkdown(limits: unknown): string {
  if (limits === undefined) return '';
  if (typeof limits !== 'object' || limits === null || Array.isArray(limits)) throw new Error('x-altcraft-limits is not an object');
  const entries = Object.entries(limits as Record<string, unknown>);
  if (entries.length === 0) return '';
  const known = Object.keys(KNOWN).filter((key) => key in limits);
  const others = entries.map(([key]) => key).filter((key) => !(key in KNOWN));
  const lines = [...known, ...others].map((key) => {
    const value = (limits as Record<string, unknown>)[key];
    const show = KNOWN[key];
    if (show && typeof value === 'number') return `- ${show(value)}`;
    return `- ${inWords(key)}: ${typeof value === 'number' ? number.format(value) : JSON.stringify(value)}`;
  });
  return ['**Limits of this operation** (machine-readable in `x-altcraft-limits`):', '', ...lines].join('\n');
}
