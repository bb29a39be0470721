// A second opinion on VALUES, not only on well-formedness: saxes (a strict, conformance-tested
// XML parser) reads each generated document, and its events are mapped to the JSON model by
// the codec's rules for free-form fields (this file's own code, not the reader's): repeated
// elements make an array, `array="true"` on a field's first element makes one (empty when that
// element is empty), text converts unless `string="true"`, blank text between child elements
// is dropped and other text beside them is a fault. The reader must produce the same object,
// refuse what saxes refuses, and fault where the mapping does. The documents are built from
// what a reader can get wrong: references (leading zeros, astral, surrogate-range ones that
// must be refused), CDATA, comments, processing instructions, line ends, white space.
import { describe, expect, it } from 'vitest';
import { XmlDecodeError, requestXml } from '../../src/xml.js';
import { seeded } from '../support/random.js';
import { MIXED, REFUSED, documentOf, expected } from './documents.js';

function actual(xml: string): unknown {
  try {
    return requestXml.decode(xml);
  } catch (error) {
    expect(error).toBeInstanceOf(XmlDecodeError);
    const { message } = error as XmlDecodeError;
    if (message.startsWith('malformed XML')) return REFUSED;
    if (message.startsWith('an element mixes text')) return MIXED;
    throw error;
  }
}

describe('decoded values agree with saxes', () => {
  it('character references with leading zeros read as the character', () => {
    expect(requestXml.decode('<xml><token>&#x000000041;&#0000000066;</token></xml>')).toEqual({ token: 'AB' });
    expect(expected('<xml><token>&#x000000041;</token></xml>')).toEqual({ token: 'A' });
  });

  it('references to surrogates are refused however they are written, as saxes refuses them', () => {
    for (const reference of ['&#xD800;', '&#x0000DBFF;', '&#56320;', '&#0000057343;']) {
      const xml = `<xml><f>${reference}</f></xml>`;
      expect(expected(xml)).toBe(REFUSED);
      expect(actual(xml)).toBe(REFUSED);
    }
  });

  it('every generated document decodes to what saxes reads in it', () => {
    const random = seeded(0x5a4e5);
    const kinds = { value: 0, refused: 0, mixed: 0 };
    for (let i = 0; i < 3000; i++) {
      const xml = documentOf(random);
      const want = expected(xml);
      const got = actual(xml);
      if (want === REFUSED) kinds.refused++;
      else if (want === MIXED) kinds.mixed++;
      else kinds.value++;
      expect(got, xml).toEqual(want);
    }
    // The generator must reach each outcome often enough to mean something.
    expect(kinds.value).toBeGreaterThan(1500);
    expect(kinds.refused).toBeGreaterThan(200);
    expect(kinds.mixed).toBeGreaterThan(50);
  });
});
