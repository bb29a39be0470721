// The spec's descriptions are wrapped at about 100 columns, as Markdown allows: a line break inside
// a paragraph is a space. Redoc's search drops those line breaks when it indexes the text, so
// "the\nbackground" was found as "thebackground" and "scenario\n`workflow_id`" as
// "scenarioworkflow_id". The docs page gets each paragraph on one line: the same Markdown.

/** A line that starts a block of its own (a list item, heading, quote, table row, HTML, fence). */
const BLOCK_START = /^\s*(?:[-*+]\s|\d+[.)]\s|#{1,6}\s|>|\||<|```|~~~)/;
const FENCE = /^\s*(?:```|~~~)/;
/** A line nothing is joined to: a heading, a table row, or one ending in an explicit line break. */
const CLOSED = /^\s*(?:#|\|)|(?: {2,}|\\)$/;
const INDENTED = /^(?: {4}|\t)/;

/** `markdown` with every soft line break inside a paragraph or list item made a space. */
export function unwrapSoftBreaks(markdown: string): string {
  const out: string[] = [];
  let fenced = false;
  let code = false; // an indented code block: a 4-space line after a blank one, until a blank line
  let previousBlank = true;
  for (const line of markdown.split('\n')) {
    const blank = line.trim() === '';
    if (FENCE.test(line)) fenced = !fenced;
    else if (!fenced) code = INDENTED.test(line) && (code || previousBlank) ? true : blank ? code : false;
    const last = out[out.length - 1];
    const joins = !fenced && !code && !blank && !previousBlank && last !== undefined && !FENCE.test(last) && !FENCE.test(line) && !CLOSED.test(last) && !BLOCK_START.test(line);
    if (joins) out[out.length - 1] = `${last.trimEnd()} ${line.trim()}`;
    else out.push(line);
    previousBlank = blank;
  }
  return out.join('\n');
}

/** Keys whose strings are data (example values, defaults) or code, never prose to unwrap. */
const DATA_KEYS = new Set(['example', 'examples', 'value', 'default', 'const', 'enum', 'x-codeSamples']);

/** Every `description` of a document (an object tree), unwrapped in place. */
export function unwrapDescriptions(node: unknown): void {
  if (Array.isArray(node)) {
    node.forEach(unwrapDescriptions);
    return;
  }
  if (typeof node !== 'object' || node === null) return;
  const object = node as Record<string, unknown>;
  for (const [key, value] of Object.entries(object)) {
    if (key === 'description' && typeof value === 'string') object[key] = unwrapSoftBreaks(value);
    else if (!DATA_KEYS.has(key)) unwrapDescriptions(value);
  }
}
