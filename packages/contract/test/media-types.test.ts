import { describe, expect, it } from 'vitest';
import { isJsonObject } from '../src/document.js';
import { formatOfMediaType, MEDIA_TYPES } from '../src/media-types.js';

describe('formatOfMediaType', () => {
  it.each([
    ['application/json', 'json'],
    ['Application/JSON; charset=utf-8', 'json'],
    ['application/problem+json', 'json'],
    ['application/xml', 'xml'],
    ['text/xml; charset=UTF-8', 'xml'],
    ['application/soap+xml', 'xml'],
    [' application/xml ', 'xml'],
  ] as const)('%s is %s', (contentType, format) => expect(formatOfMediaType(contentType)).toBe(format));

  it.each([undefined, null, '', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xmlish', 'text/html; note=xml', 'application/jsonp'])(
    '%s is neither',
    (contentType) => expect(formatOfMediaType(contentType)).toBeUndefined(),
  );

  it('reads back the media type it sends', () => {
    for (const [format, mediaType] of Object.entries(MEDIA_TYPES)) expect(formatOfMediaType(mediaType)).toBe(format);
  });
});

describe('isJsonObject', () => {
  it('is true only for objects that are not arrays', () => {
    expect([{}, { a: 1 }, Object.create(null)].map(isJsonObject)).toEqual([true, true, true]);
    expect([null, [], 'x', 1, true, undefined].map(isJsonObject)).toEqual([false, false, false, false, false, false]);
  });
});
