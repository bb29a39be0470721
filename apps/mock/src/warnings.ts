import type { Violation } from '@altcraft-api/contract';

/** How many warnings the header lists, and how long each text in it may be. */
export const HEADER_WARNINGS = 10;
const HEADER_TEXT_CHARS = 200;

export const clip = (text: string) => (text.length > HEADER_TEXT_CHARS ? `${text.slice(0, HEADER_TEXT_CHARS)}...` : text);

/**
 * JSON in ASCII only, for every header value built from data: Node refuses characters beyond
 * Latin-1 in a header and sends Latin-1 ones as UTF-8, which readers take for Latin-1 (café
 * arrives as cafÃ©). The rest goes as \u escapes, so JSON.parse gives back the exact text.
 */
export const asciiJson = (value: unknown) => JSON.stringify(value).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

/**
 * The headers that carry an accepted body's warnings: the first ten, each text clipped so a
 * field name of megabytes cannot make a header no client reads, and the total count.
 */
export function warningHeaders(warnings: Violation[], count: number): Record<string, string> {
  if (count === 0) return {};
  const first = warnings.slice(0, HEADER_WARNINGS).map((w) => ({ pointer: clip(w.pointer), message: clip(w.message) }));
  return { 'X-Altcraft-Mock-Warnings': asciiJson(first), 'X-Altcraft-Mock-Warning-Count': String(count) };
}
