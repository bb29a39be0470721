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

/** The two tiers of the contract: what the platform refuses, and what it is only advised against. */
export type Tier = 'contract' | 'advice';

const TIER_WORDS: Record<Tier, string> = {
  contract: '**contract**: beyond it the request is refused',
  advice: '**advice**: recommended; beyond it is a warning, not a refusal',
};

/** The schema keyword each limit is the value of, where one is: its tier is that keyword's. */
const KEYWORD_OF: Record<string, string> = { maxProfiles: 'maxItems' };

function holds(node: unknown, keyword: string, value: unknown, inAdvice: boolean, found: Set<Tier>): void {
  if (Array.isArray(node)) node.forEach((item) => holds(item, keyword, value, inAdvice, found));
  if (typeof node !== 'object' || node === null || Array.isArray(node)) return;
  for (const [key, child] of Object.entries(node)) {
    if (key === keyword && child === value) found.add(inAdvice ? 'advice' : 'contract');
    else if (!['example', 'examples', 'x-altcraft-limits'].includes(key)) holds(child, keyword, value, inAdvice || key === 'x-altcraft-advice', found);
  }
}

/**
 * Each limit's tier, read from the document: a limit the schemas state (`maxItems`) is the
 * contract's, one only an `x-altcraft-advice` entry states is advice. The body size has no schema
 * keyword: the platform's reader refuses a larger body (DECISIONS 9), a contract limit.
 */
export function limitTiers(document: unknown, limits: Record<string, unknown>): Record<string, Tier> {
  const tiers: Record<string, Tier> = {};
  if ('maxBodyBytes' in limits) tiers.maxBodyBytes = 'contract';
  for (const [key, keyword] of Object.entries(KEYWORD_OF)) {
    if (!(key in limits)) continue;
    const found = new Set<Tier>();
    holds(document, keyword, limits[key], false, found);
    if (found.has('contract')) tiers[key] = 'contract';
    else if (found.has('advice')) tiers[key] = 'advice';
  }
  return tiers;
}

/** A Markdown list of the limits, each with its tier where known, or '' when there are none. */
export function limitsMarkdown(limits: unknown, tiers: Record<string, Tier> = {}): string {
  if (limits === undefined) return '';
  if (typeof limits !== 'object' || limits === null || Array.isArray(limits)) throw new Error('x-altcraft-limits is not an object');
  const entries = Object.entries(limits as Record<string, unknown>);
  if (entries.length === 0) return '';
  const known = Object.keys(KNOWN).filter((key) => key in limits);
  const others = entries.map(([key]) => key).filter((key) => !(key in KNOWN));
  const lines = [...known, ...others].map((key) => {
    const value = (limits as Record<string, unknown>)[key];
    const show = KNOWN[key];
    const tier = tiers[key] ? ` — ${TIER_WORDS[tiers[key]]}` : '';
    if (show && typeof value === 'number') return `- ${show(value)}${tier}`;
    return `- ${inWords(key)}: ${typeof value === 'number' ? number.format(value) : JSON.stringify(value)}${tier}`;
  });
  return ['**Limits of this operation** (machine-readable in `x-altcraft-limits`):', '', ...lines].join('\n');
}
