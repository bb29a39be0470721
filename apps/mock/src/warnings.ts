import type { Violation } from '@altcraft-api/contract';

/** How many warnings the header lists, and how long each text in it may be. */
export const HEADER_WARNINGS = 10;
const HEADER_TEXT_CHARS = 200;

export const clip = (text: string) => (text.length > HEADER_TEXT_CHARS ? `${text.slice(0, HEADER_TEXT_CHARS)}...` : text);

/** JSON in ASCII only (a header value carries no other byte safely): the rest as \u escapes. */
const asciiJson = (value: unknown) => JSON.stringify(value).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

/**
 * The headers that carry an accepted body's warnings: the first ten, each text clipped so a
 * field name of megabytes cannot make a header no client reads, and the total count.
 */
export function warningHeaders(warnings: Violation[], count: number): Record<string, string> {
  if (count === 0) return {};
  const first = warnings.slice(0, HEADER_WARNINGS).map((w) => ({ pointer: clip(w.pointer), message: clip(w.message) }));
  return { 'X-Altcraft-Mock-Warnings': asciiJson(first), 'X-Altcraft-Mock-Warning-Count': String(count) };
}
