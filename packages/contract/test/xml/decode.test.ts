import { describe, expect, it } from 'vitest';
import { XmlDecodeError, requestXml, responseXml } from '../../src/xml.js';

const wrap = (fields: string) => `<xml><workflow_id>12</workflow_id>${fields}</xml>`;
const decodeData = (profileXml: string) => (requestXml.decode(wrap(`<data>${profileXml}</data>`)) as { data: { data: unknown }[] }).data[0]!.data;

describe('decoding', () => {
  it('converts text by the field type the schema gives', () => {
    expect(requestXml.decode(wrap('<skip_triggers>true</skip_triggers><data><email>a@example.com</email></data>'))).toEqual({
      workflow_id: 12,
      skip_triggers: true,
      data: [{ data: { email: 'a@example.com' } }],
    });
  });

  it('keeps typed string fields as strings, even when they look like numbers', () => {
    expect(decodeData('<phones>79001234567</phones><_fname>007</_fname>')).toEqual({ phones: '79001234567', _fname: '007' });
  });

  it('turns numeric and boolean text of free-form fields into numbers and booleans', () => {
    expect(decodeData('<score>42</score><ratio>0.5</ratio><vip>false</vip><code>00067</code>')).toEqual({ score: 42, ratio: 0.5, vip: false, code: 67 });
  });

  it('keeps text as a string with string="true"', () => {
    expect(decodeData('<code string="true">00067</code><flag string="true">true</flag>')).toEqual({ code: '00067', flag: 'true' });
  });

  it('makes repeated elements an array, and one element with array="true" too', () => {
    expect(decodeData('<tags>a</tags><tags>b</tags><one array="true">x</one><none array="true"/>')).toEqual({ tags: ['a', 'b'], one: ['x'], none: [] });
  });

  it('makes a single element of an always-array field an array without the attribute', () => {
    expect(decodeData('<subscriptions><resource_id>1</resource_id><cats>news</cats></subscriptions>')).toEqual({
      subscriptions: [{ resource_id: 1, cats: ['news'] }],
    });
  });

  it('decodes the standard entities and CDATA', () => {
    expect(decodeData('<note>Tom &amp; Jerry &lt;3 &#169;</note><raw><![CDATA[<b>bold</b>]]></raw>')).toEqual({ note: 'Tom & Jerry <3 ©', raw: '<b>bold</b>' });
  });

  it('keeps an integer a double cannot hold as text instead of rounding it', () => {
    expect(decodeData('<big>12345678901234567890</big>')).toEqual({ big: '12345678901234567890' });
  });

  it('decodes an error response', () => {
    expect(responseXml('importAndStartBatch', 400).decode('<xml><error>400</error><error_text>Invalid request</error_text></xml>')).toEqual({
      error: 400,
      error_text: 'Invalid request',
    });
  });
});

describe('decoding rejects', () => {
  const rejects = (xml: string, message: RegExp) => {
    expect(() => requestXml.decode(xml)).toThrow(XmlDecodeError);
    expect(() => requestXml.decode(xml)).toThrow(message);
  };

  it('malformed XML, with its line and column', () => {
    try {
      requestXml.decode('<xml>\n<workflow_id>12</workflow_id>\n<data><email>a</data>\n</xml>');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(XmlDecodeError);
      expect((error as XmlDecodeError).line).toBe(3);
    }
  });

  it('an entity-expansion bomb (no DTD is accepted at all)', () => {
    const bomb = '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]><xml><token>&lol2;</token></xml>';
    rejects(bomb, /DOCTYPE/);
  });

  it('an external entity', () => rejects('<!DOCTYPE xml [<!ENTITY x SYSTEM "file:///etc/passwd">]><xml><token>&x;</token></xml>', /DOCTYPE/));
  it('a root other than <xml>', () => rejects('<request><workflow_id>1</workflow_id></request>', /root element <xml>/));
  it('two roots', () => rejects('<xml></xml><xml></xml>', /malformed|root/));
  it('an empty document', () => rejects('', /malformed|root/));
  it('text where fields belong', () => rejects('<xml>hello</xml>', /holds text/));
  it('mixed content', () => rejects(wrap('<data>hi<email>a@example.com</email></data>'), /mixes text/));
  it('nesting deeper than 64 levels', () => rejects(wrap(`<data>${'<a>'.repeat(70)}1${'</a>'.repeat(70)}</data>`), /deeper than 64/));
  it('nesting 100,000 levels deep, without exhausting the stack', () => rejects(`<xml>${'<a>'.repeat(100_000)}${'</a>'.repeat(100_000)}</xml>`, /nested/));
});
