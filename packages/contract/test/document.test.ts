// The bundled contract as this process loaded it: the text (what Prism gets a copy of) and the
// parsed document are the bundle's, and the small helpers everything else builds on.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { document, documentText, isJsonObject, pointerChild, resolveSchemaRef } from '../src/document.js';

/** RFC 6901's reading of one reference token, the other way round from pointerChild. */
const tokenOf = (pointer: string) => pointer.slice(pointer.lastIndexOf('/') + 1).replaceAll('~1', '/').replaceAll('~0', '~');

describe('document', () => {
  it('is the bundle on disk, text and parsed', () => {
    expect(documentText).toBe(readFileSync(new URL('../dist/openapi.json', import.meta.url), 'utf8'));
    expect(document).toEqual(JSON.parse(documentText));
    expect(document.openapi).toMatch(/^3\.1\./);
  });

  it('resolves a local component $ref, and refuses another file or a missing name', () => {
    const [name, schema] = Object.entries(document.components.schemas)[0]!;
    expect(resolveSchemaRef(`#/components/schemas/${name}`)).toBe(schema);
    expect(() => resolveSchemaRef('other.yaml#/components/schemas/X')).toThrow(/unsupported \$ref/);
    expect(() => resolveSchemaRef('#/components/schemas/NoSuchSchema')).toThrow(/unresolved \$ref/);
  });
});

describe('isJsonObject', () => {
  it('is true for objects only: not null, arrays or scalars', () => {
    expect([{}, { a: 1 }, Object.create(null)].map((value) => isJsonObject(value))).toEqual([true, true, true]);
    expect([null, [], 'x', 1, true, undefined].map((value) => isJsonObject(value))).toEqual([false, false, false, false, false, false]);
  });
});

describe('pointerChild', () => {
  it('escapes ~ and / so the token reads back as it was (RFC 6901)', () => {
    for (const token of ['a', 'a/b', 'm~n', '~1', '/~0/', '', 'поле', 0, 10_000]) {
      const pointer = pointerChild('/data', token);
      expect(pointer.startsWith('/data/')).toBe(true);
      expect(pointer.slice('/data/'.length).includes('/')).toBe(false);
      expect(tokenOf(pointer)).toBe(String(token));
    }
    expect(pointerChild('', 'a/b~c')).toBe('/a~1b~0c');
  });
});
