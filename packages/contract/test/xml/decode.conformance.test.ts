// Issue 15, item 16: exactly well-formed XML 1.0, its five predefined entities and character
// references to characters XML allows; everything else refused with where it is.
import { describe, expect, it } from 'vitest';
import { XmlDecodeError, requestXml } from '../../src/xml.js';

const wrap = (fields: string) => `<xml><workflow_id>12</workflow_id>${fields}</xml>`;
const note = (text: string) => wrap(`<data><note>${text}</note></data>`);
const decodedNote = (xml: string) => (requestXml.decode(xml) as { data: { data: { note: unknown } }[] }).data[0]!.data.note;

function refusal(xml: string): XmlDecodeError {
  try {
    requestXml.decode(xml);
  } catch (error) {
    expect(error).toBeInstanceOf(XmlDecodeError);
    return error as XmlDecodeError;
  }
  return expect.unreachable('decoded what it must refuse');
}

describe('accepts well-formed XML that only looks dangerous', () => {
  it('a DOCTYPE inside CDATA is text', () => expect(decodedNote(note('<![CDATA[<!DOCTYPE x [<!ENTITY a "b">]>]]>'))).toBe('<!DOCTYPE x [<!ENTITY a "b">]>'));
  it('a DOCTYPE inside a comment is a comment', () => expect(decodedNote(note('a<!-- <!DOCTYPE x> -->b'))).toBe('ab'));
  it('a DOCTYPE in a comment before the root', () => expect(requestXml.decode('<!-- <!DOCTYPE xml> --><xml><workflow_id>1</workflow_id></xml>')).toEqual({ workflow_id: 1 }));
  it('the five predefined entities and character references', () =>
    expect(decodedNote(note('&lt;&gt;&amp;&apos;&quot; &#169;&#xA9;&#x1F600; &#9;&#10;'))).toBe(`<>&'" ©©😀 \t\n`));
  it('a declaration, comments, processing instructions and white space around the root', () =>
    expect(requestXml.decode('\uFEFF<?xml version="1.0" encoding="utf-8" standalone="yes"?>\r\n<!-- a -->\n<?app do?>\n<xml><workflow_id>1</workflow_id></xml>\n<!-- b -->\n')).toEqual({ workflow_id: 1 }));
  it('an empty comment', () => expect(decodedNote(note('a<!---->b'))).toBe('ab'));
  it('CRLF and CR read as LF; &#13; keeps a CR', () => expect(decodedNote(note('a\r\nb\rc&#13;d'))).toBe('a\nb\nc\rd'));
  it('non-ASCII element names', () => expect((requestXml.decode(wrap('<data><имя>Алиса</имя></data>')) as { data: { data: object }[] }).data[0]!.data).toEqual({ имя: 'Алиса' }));
  it('an element named __proto__ is an own field, as in JSON', () => {
    const data = (requestXml.decode(wrap('<data><__proto__><a>1</a></__proto__></data>')) as { data: { data: object }[] }).data[0]!.data;
    expect(Object.getPrototypeOf(data)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(data, '__proto__')?.value).toEqual({ a: 1 });
  });
});

describe('refuses what is not well-formed XML 1.0, with where', () => {
  it.each([
    ['&#0;', /&#0; refers to a character XML 1\.0 does not allow/],
    ['&#x1;', /&#x1; refers to a character XML 1\.0 does not allow/],
    ['&#xD800;', /&#xD800; refers to a character XML 1\.0 does not allow/],
    ['&#x110000;', /&#x110000; refers to a character XML 1\.0 does not allow/],
    ['&#xFFFE;', /does not allow/],
    ['&x;', /&x; is not one of XML's predefined entities/],
    ['&nbsp;', /&nbsp; is not one of XML's predefined entities/],
    ['&copy;', /&copy; is not one of XML's predefined entities/],
    ['&#;', /is not a character reference/],
    ['&#x;', /is not a character reference/],
    ['&#12a;', /is not a character reference/],
    ['Tom & Jerry', /"&" that starts no reference/],
    ['bell \u0007', /U\+0007 is not a character XML 1\.0 allows/],
    ['nul \u0000', /U\+0000 is not a character XML 1\.0 allows/],
    ['half \uD800 pair', /U\+D800 is not a character/],
    ['\uFFFF', /U\+FFFF is not a character/],
    ['a ]]> b', /"\]\]>" in text/],
  ])('%j in text, naming the field and the place', (text, message) => {
    const error = refusal(note(text));
    expect(error.message).toMatch(/^malformed XML: /);
    expect(error.message).toMatch(message);
    expect(error.pointer).toBe('/data/0/data/note');
    expect(error.message).toContain('at /data/0/data/note');
    expect(error.line).toBe(1);
    expect(error.column).toBeGreaterThan(40);
  });

  it.each([
    ['a DOCTYPE', '<!DOCTYPE xml><xml><workflow_id>1</workflow_id></xml>', /^DOCTYPE declarations are not accepted/],
    ['a DOCTYPE after the declaration', '<?xml version="1.0"?>\n<!DOCTYPE xml [<!ENTITY a "b">]><xml/>', /^DOCTYPE declarations are not accepted/],
    ['a DOCTYPE inside an element', wrap('<!DOCTYPE xml>'), /^malformed XML: a DOCTYPE declaration inside an element/],
    ['"--" in a comment', wrap('<!-- a -- b -->'), /"--" inside a comment/],
    ['a comment ending in "--->"', wrap('<!-- a --->'), /"--" inside a comment/],
    ['an undeclared entity between child elements', wrap('<data><email>a</email>&nbsp;</data>'), /&nbsp; is not one of XML's predefined entities/],
    ['a repeated attribute', wrap('<data array="true" array="true"/>'), /appears twice/],
    ['an unquoted attribute', wrap('<data array=true/>'), /not quoted/],
    ['"<" in an attribute', wrap('<data note="<"/>'), /"<" in the value/],
    ['an undeclared entity in an attribute', wrap('<data note="&nbsp;"/>'), /predefined entities/],
    ['attributes without white space between', wrap('<data a="1"b="2"/>'), /separated by white space/],
    ['a mismatched closing tag', wrap('<data><email>a</data></email>'), /<email> is closed by <\/data>/],
    ['a closing tag that only starts like the open one', wrap('<data><a>1</ab></data>'), /<a> is closed by <\/ab>/],
    ['an XML declaration after the start', ' <?xml version="1.0"?><xml/>', /XML declaration is allowed only at the very start/],
    ['an XML declaration with another version', '<?xml version="2.0"?><xml/>', /XML declaration is not/],
    ['another encoding declared', '<?xml version="1.0" encoding="windows-1251"?><xml/>', /read as UTF-8/],
    ['two roots', '<xml/><xml/>', /second root element/],
    ['text after the root', '<xml/>x', /text after the root/],
    ['text before the root', 'x<xml/>', /text before the root/],
    ['a name starting with a digit', wrap('<1a/>'), /cannot start an element or attribute name/],
    ['an unclosed comment', wrap('<!-- a'), /comment is not closed/],
    ['an unclosed CDATA section', wrap('<![CDATA[ a'), /CDATA section is not closed/],
    ['an unclosed element', '<xml><workflow_id>1</workflow_id>', /<xml> is not closed/],
    ['markup XML does not know', wrap('<!ELEMENT a ANY>'), /is not markup XML knows/],
    ['a processing instruction named xml inside', wrap('<?xml version="1.0"?>'), /declaration is allowed only at the very start/],
  ])('%s', (_name, xml, message) => expect(refusal(xml).message).toMatch(message));

  it('a reference in the token is refused without echoing it', () => {
    for (const token of ['abc&secret1;', 'abc&#x1secret;', 'abc&#1;']) {
      const error = refusal(`<xml><token>${token}</token><workflow_id>1</workflow_id></xml>`);
      expect(error.message).toMatch(/^malformed XML: a reference /);
      expect(error.message).not.toContain(token.slice(4, -1));
      expect(error.pointer).toBe('/token');
    }
  });
  it('a well-formedness error is reported before a wrong root', () => expect(refusal('<request><a>&nbsp;</a></request>').message).toMatch(/^malformed XML/));
  it('a control character in a comment is still refused', () => expect(refusal(wrap('<!-- \u0001 -->')).message).toMatch(/U\+0001/));
});
