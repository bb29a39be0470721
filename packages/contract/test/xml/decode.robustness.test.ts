// Issue 15, item 15 (the codec's part): whatever text reaches the decoder, it decodes or throws
// XmlDecodeError, never anything else (the encoder's half is encode.robustness.test.ts).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { XmlDecodeError, requestXml } from '../../src/xml.js';

describe('the decoder throws nothing but XmlDecodeError', () => {
  const pieces = fc.constantFrom('<xml>', '</xml>', '<data>', '</data>', '<a>', '</a>', '<a/>', '<a array="true"/>', '&amp;', '&nbsp;', '&#0;', '&#x1F600;', '<![CDATA[', ']]>', '<!--', '-->', '<?pi x?>', '<!DOCTYPE xml>', 'text', ' ', '\r\n', '\u0001', '\uD800', '"', "'", '=', '<__proto__>', '</__proto__>');
  it('for documents made of XML-ish pieces', () => {
    fc.assert(
      fc.property(fc.array(pieces, { maxLength: 24 }), (parts) => {
        try {
          requestXml.decode(parts.join(''));
        } catch (error) {
          expect(error).toBeInstanceOf(XmlDecodeError);
        }
      }),
      { numRuns: 3000 },
    );
  });
});
