import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { SaxesParser } from 'saxes';
import { describe, expect, it } from 'vitest';
import { requestXml } from '@altcraft-api/contract';
import { mapJson, mapXml, placeholderNumber, placeholderText, Scrubber, tokensOf } from '../../src/record/scrub.js';

const EXAMPLES = fileURLToPath(new URL('../../../../spec/examples/requests/', import.meta.url));

/** The (element path, text) leaves of a document, by saxes (an independent, strict parser); sorted. */
function leaves(xml: string): string[] {
  const out: string[] = [];
  const path: string[] = [];
  let text = '';
  const parser = new SaxesParser();
  parser.on('opentag', (tag) => {
    path.push(tag.name);
    text = '';
  });
  parser.on('text', (t) => (text += t));
  parser.on('cdata', (t) => (text += t));
  parser.on('closetag', () => {
    if (text.trim() !== '') out.push(`${path.join('/')}=${text.trim()}`);
    text = '';
    path.pop();
  });
  parser.write(xml).close();
  return out.sort();
}

const scrubJson = (value: unknown) => {
  const scrubber = new Scrubber([], 'placeholders');
  return mapJson(value, scrubber.requestValue.bind(scrubber), (key) => key);
};
const scrubXml = (xml: string) => {
  const scrubber = new Scrubber([], 'placeholders');
  return mapXml(xml, (key, value) => String(scrubber.requestValue(key, value)), (name) => name);
};

describe('placeholders', () => {
  it('keep the written form of a value and are their own placeholders', () => {
    const cases: [string, string][] = [
      ['Alice.Smith+tag@Example.com', 'Xxxxx.Xxxxx+xxx@Xxxxxxx.xxx'],
      ['+7 (999) 123-45-67', '+1 (111) 111-11-11'],
      ['2001-12-31T00:00+03:00', '1111-11-11T11:11+11:11'],
      ['Анна-Мария', 'Xxxx-Xxxxx'],
      ['true', 'true'],
      ['203.0.113.7', '111.1.111.1'],
      ['', ''],
    ];
    for (const [value, placeholder] of cases) {
      expect(placeholderText(value)).toBe(placeholder);
      expect(placeholderText(placeholder)).toBe(placeholder);
    }
    expect([0, 42, -7, 3.25, 1e21].map(placeholderNumber)).toEqual([1, 11, -1, 1.11, 1e11]);
  });

  it('keep every key, array length and JSON type, and the control fields as they were', () => {
    for (const file of readdirSync(EXAMPLES).filter((name) => name.endsWith('.json'))) {
      const value = JSON.parse(readFileSync(EXAMPLES + file, 'utf8'));
      const scrubbed = scrubJson(value);
      const shape = (v: unknown): unknown => (Array.isArray(v) ? v.map(shape) : v !== null && typeof v === 'object' ? Object.fromEntries(Object.entries(v).map(([k, c]) => [k, shape(c)])) : typeof v);
      expect(shape(scrubbed), file).toEqual(shape(value));
      expect(scrubJson(scrubbed), file).toEqual(scrubbed);
      for (const control of ['matching', 'workflow_id', 'format', 'field_name']) expect((scrubbed as Record<string, unknown>)[control], file).toEqual(value[control]);
    }
  });

  it('give an XML request the same values as its JSON twin, read by saxes', () => {
    const pairs = readdirSync(EXAMPLES).filter((name) => name.endsWith('.xml'));
    expect(pairs.length).toBeGreaterThan(5);
    for (const file of pairs) {
      const json = JSON.parse(readFileSync(EXAMPLES + file.replace(/\.xml$/, '.json'), 'utf8'));
      const fromXml = leaves(scrubXml(readFileSync(EXAMPLES + file, 'utf8')));
      const fromJson = leaves(requestXml.encode(scrubJson(json) as Record<string, unknown>));
      // The XML twins leave out `format` and the token, which are the JSON's alone.
      const comparable = (list: string[]) => list.filter((leaf) => !/^xml\/(format|token)=/.test(leaf));
      expect(comparable(fromXml), file).toEqual(comparable(fromJson));
    }
  });
});

describe('the scrubber', () => {
  it('finds the token in the Authorization header, the query and the body, JSON or XML', () => {
    expect(tokensOf('Bearer head-token', '/x?a=1&token=query%2Btoken', '{"token" : "body\\"token"}').sort()).toEqual(['body"token', 'head-token', 'query+token']);
    expect(tokensOf(undefined, '/x', '<xml><token>xml&amp;token</token></xml>')).toEqual(['xml&token']);
  });

  it('leaves the texts alone for a token shorter than 8 characters, and still removes the token field', () => {
    const scrubber = new Scrubber(tokensOf('Bearer t', '/', ''), 'kept');
    expect(scrubber.text('request.body.t: the t of "twelve"')).toBe('request.body.t: the t of "twelve"');
    expect(scrubber.requestValue('token', 't')).toBe('[redacted]');
  });

  it('removes a profile value from a text by its words, in any case and escaped, and leaves the rest', () => {
    const scrubber = new Scrubber(['secret-token-123456'], 'placeholders');
    scrubber.learnRequest({ token: 'secret-token-123456', matching: 'email', data: [{ data: { email: 'zoe.quux@example.org', phone: 79991234567 } }] });
    expect(scrubber.text('invalid email ZOE.QUUX@example.org (phone 79991234567), token secret-token-123456')).toBe('invalid email XXX.XXXX@xxxxxxx.xxx (phone 11111111111), token [redacted]');
    expect(scrubber.text('who=zoe.quux%40example.org')).toBe('who=xxx.xxxx@xxxxxxx.xxx');
    // A control value (matching's `email`) is no profile value: the word stays.
    expect(scrubber.text('matching email failed')).toBe('matching email failed');
  });
});
