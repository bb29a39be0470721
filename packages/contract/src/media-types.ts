// The one rule, shared by the mock, the client and the tools, for which encoding a body or an
// answer is in: two tools that disagree on "is this XML" would read the same answer two ways.

/** The two encodings of every body of this API. */
export type BodyFormat = 'json' | 'xml';

/** The media type each encoding is sent with. */
export const MEDIA_TYPES: Readonly<Record<BodyFormat, string>> = { json: 'application/json', xml: 'application/xml' };

/**
 * The encoding a `Content-Type` names, parameters and case ignored: `application/json` and any
 * `+json` type are JSON; `application/xml`, `text/xml` and any `+xml` type are XML; anything
 * else (or nothing) is neither.
 */
export function formatOfMediaType(contentType: string | null | undefined): BodyFormat | undefined {
  const mediaType = contentType?.split(';', 1)[0]!.trim().toLowerCase() ?? '';
  if (mediaType === 'application/json' || /^application\/[\w.+-]+\+json$/.test(mediaType)) return 'json';
  if (mediaType === 'application/xml' || mediaType === 'text/xml' || /^(application|text)\/[\w.+-]+\+xml$/.test(mediaType)) return 'xml';
  return undefined;
}
