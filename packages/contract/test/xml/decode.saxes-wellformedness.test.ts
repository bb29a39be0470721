// A second opinion on well-formedness: saxes (a strict, conformance-tested XML parser) must
// agree with the codec's reader on every generated document about whether it is well formed.
// The reader refuses more on purpose, and those cases are left out: any DOCTYPE (saxes reads
// DTDs), and encodings other than UTF-8 (the body is already UTF-8 text).
import fc from 'fast-check';
import { SaxesParser } from 'saxes';
import { describe, expect, it } from 'vitest';
import { XmlDecodeError, requestXml } from '../../src/xml.js';

function saxesAccepts(xml: string): boolean {
  const parser = new SaxesParser();
  try {
    parser.write(xml).close();
    return true;
  } catch {
    return false;
  }
}

/** Is the document well formed, by the codec? Faults of content (a wrong root, mixed text) are not about form. */
function readerAccepts(xml: string): boolean {
  try {
    requestXml.decode(xml);
    return true;
  } catch (error) {
    expect(error).toBeInstanceOf(XmlDecodeError);
    const { message } = error as XmlDecodeError;
    return !message.startsWith('malformed XML') && !message.startsWith('DOCTYPE') && !message.includes('found none');
  }
}

// Mostly pieces that keep a document well formed, some that break it.
const good = fc.constantFrom(
  '<a></a>', '<a/>', '<b c="1">x</b>', '<b c=\'&amp;\' d="&#x41;"/>', '<a array="true"/>', '<é/>', '<_:x-1.y/>',
  '&amp;', '&lt;', '&gt;', '&apos;', '&quot;', '&#9;', '&#x1F600;', '<![CDATA[<a>&nbsp;]]>', '<!-- c -->', '<?pi x?>', '<?xml-stylesheet x?>',
  'text', ' ', '\n', '\r\n', '\t', '\uD83D\uDE00', '"', "'", '=', '>', ']]',
);
const bad = fc.constantFrom(
  '<a>', '</a>', '&nbsp;', '&x;', '&#0;', '&#xD800;', '&#x110000;', '&#;', '&', '<![CDATA[', ']]>', '<!--', '-->', '<!-- a--b -->', '<?xml version="1.0"?>',
  '\u0001', '\uDE00', '\uFFFE', '<', '/>', '</', '<1/>', '<a b="<"/>', '<a b="1" b="2"/>',
);
const pieces = fc.oneof({ weight: 12, arbitrary: good }, { weight: 1, arbitrary: bad });
const around = fc.oneof({ weight: 12, arbitrary: fc.constantFrom(' ', '\r\n', '<!-- c -->', '<?pi x?>') }, { weight: 1, arbitrary: pieces });

describe('the reader agrees with saxes on well-formedness', () => {
  it('for documents made of XML-ish pieces around one root', () => {
    const verdicts = { accepted: 0, refused: 0 };
    fc.assert(
      fc.property(fc.array(pieces, { maxLength: 12 }), fc.array(around, { maxLength: 3 }), fc.array(around, { maxLength: 3 }), (inside, before, after) => {
        const xml = `${before.join('')}<xml>${inside.join('')}</xml>${after.join('')}`;
        const accepted = saxesAccepts(xml);
        expect(readerAccepts(xml), xml).toBe(accepted);
        verdicts[accepted ? 'accepted' : 'refused']++;
      }),
      { numRuns: 5000 },
    );
    // Both verdicts are exercised, not just one.
    expect(verdicts.accepted).toBeGreaterThan(1000);
    expect(verdicts.refused).toBeGreaterThan(1000);
  });

  it('for an encoded document with every escape', () => {
    const xml = requestXml.encode({ workflow_id: 1, data: Array.from({ length: 200 }, (_, i) => ({ data: { email: `a${i}@example.com`, note: `<&>'"\t\n😀` } })) });
    expect(saxesAccepts(xml)).toBe(true);
    expect(readerAccepts(xml)).toBe(true);
  });
});
