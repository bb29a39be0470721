// Issue 15, item 15 (the codec's part): whatever value the mock or a client may hand the
// encoder, it either writes XML that reads back, or throws XmlEncodeError with a pointer
// (the decoder's half is decode.robustness.test.ts). Never anything else.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { XmlEncodeError, requestXml, responseXml } from '../../src/xml.js';

const envelope = responseXml('importAndStartBatch', 400);

function encodesOrRefuses(encode: () => string): string | undefined {
  try {
    return encode();
  } catch (error) {
    expect(error).toBeInstanceOf(XmlEncodeError);
    expect(typeof (error as XmlEncodeError).pointer).toBe('string');
    return undefined;
  }
}

const anyText = fc.string({ unit: 'binary', maxLength: 16 });
const anyKey = fc.oneof(anyText, fc.constantFrom('__proto__', 'constructor', '$in', 'a b', 'xml', 'data', '0'));
const anyValue = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    anyText,
    fc.double(),
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(anyKey, tie('value'), { maxKeys: 3 }),
  ),
})).value;

describe('the encoder throws nothing but XmlEncodeError', () => {
  it('for an error envelope echoing a field name with a control character', () => {
    const debug = '/data/0/data/a\u0001b: unknown field';
    try {
      envelope.encode({ error: 400, error_text: 'Invalid request', error_debug: debug });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(XmlEncodeError);
      expect((error as XmlEncodeError).pointer).toBe('/error_debug');
    }
  });

  it.each([
    ['a value nested 100,000 levels deep', () => {
      let deep: unknown = 1;
      for (let i = 0; i < 100_000; i++) deep = { a: deep };
      return { workflow_id: 1, data: [{ data: { deep } }] };
    }],
    ['a cycle', () => {
      const cycle: Record<string, unknown> = {};
      cycle.self = cycle;
      return { workflow_id: 1, data: [{ data: cycle }] };
    }],
    ['NaN', () => ({ workflow_id: 1, data: [{ data: { n: Number.NaN } }] })],
    ['Infinity', () => ({ workflow_id: 1, data: [{ data: { n: Number.POSITIVE_INFINITY } }] })],
    ['a BigInt', () => ({ workflow_id: 1, data: [{ data: { n: 1n } }] })],
    ['a lone surrogate', () => ({ workflow_id: 1, data: [{ data: { note: 'a\uD800b' } }] })],
    ['a field name with a control character', () => ({ workflow_id: 1, data: [{ data: { 'a\u0001': 1 } }] })],
    ['an item that is an array', () => ({ workflow_id: 1, data: [[1]] })],
  ])('refuses %s with a pointer', (_name, make) => {
    expect(() => requestXml.encode(make())).toThrow(XmlEncodeError);
  });

  it('writes a CR as a reference, so it reads back as a CR', () => {
    const body = { workflow_id: 1, data: [{ data: { note: 'a\r\nb\rc' } }] };
    expect(requestXml.encode(body)).toContain('a&#13;\nb&#13;c');
    expect(requestXml.decode(requestXml.encode(body))).toEqual(body);
  });

  it('keeps an astral character (a surrogate pair) as it is', () => {
    const body = { workflow_id: 1, data: [{ data: { note: '😀' } }] };
    expect(requestXml.decode(requestXml.encode(body))).toEqual(body);
  });

  it('for any JSON-like value, as a profile or as an envelope: encodes and reads back, or refuses', () => {
    fc.assert(
      fc.property(anyValue, anyText, (value, text) => {
        const xml = encodesOrRefuses(() => requestXml.encode({ workflow_id: 1, data: [{ data: value }] } as never));
        if (xml !== undefined) expect(() => requestXml.decode(xml)).not.toThrow();
        const answer = encodesOrRefuses(() => envelope.encode({ error: 400, error_text: 'Invalid request', error_debug: text }));
        if (answer !== undefined) expect(envelope.decode(answer)).toEqual({ error: 400, error_text: 'Invalid request', ...(text === '' ? { error_debug: '' } : { error_debug: text }) });
        encodesOrRefuses(() => requestXml.fragment('data', value));
      }),
      { numRuns: 1000 },
    );
  });
});
