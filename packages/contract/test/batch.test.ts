import { describe, expect, it } from 'vitest';
import { createBatchEncoder } from '../src/batch.js';
import { validateRequest } from '../src/validate.js';
import { XmlEncodeError, requestXml } from '../src/xml.js';

const fields = { token: 'abcdefghijklmnqrstuvwxyz', workflow_id: 12, matching: 'custom', field_name: 'CRM_ID', content: { promo: 'A & B' } };
const profiles = [
  { email: 'a@example.com', CRM_ID: '00066', phones: ['+79000000000'], tags: ['vip'] },
  { email: 'b@example.com', CRM_ID: '00076', _fname: 'Ünal', score: 3 },
];

describe.each(['json', 'xml'] as const)('createBatchEncoder(%s)', (format) => {
  const encoder = createBatchEncoder(format, fields);
  const decode = (body: string) => (format === 'json' ? JSON.parse(body) : requestXml.decode(body));
  const assemble = (items: string[]) => encoder.head + items.join(encoder.separator) + encoder.tail;

  it('assembles bodies that decode to the fields plus the items, and are valid', () => {
    const body = assemble(profiles.map((profile) => encoder.item(profile)));
    const request = decode(body);
    expect(request).toEqual({ ...fields, data: profiles.map((data) => ({ data })) });
    expect(validateRequest(request).violations).toEqual([]);
  });

  it('items() and body() are the same text as the items one by one', () => {
    expect(encoder.items(profiles)).toBe(profiles.map((profile) => encoder.item(profile)).join(encoder.separator));
    expect(encoder.body(profiles)).toBe(assemble(profiles.map((profile) => encoder.item(profile))));
  });

  it('a body of one item is valid too', () => {
    expect(decode(assemble([encoder.item(profiles[0]!)]))).toEqual({ ...fields, data: [{ data: profiles[0] }] });
  });
});

it('an XML item that cannot be written says where', () => {
  const encoder = createBatchEncoder('xml', fields);
  expect(() => encoder.item({ email: 'a@example.com', gone: null })).toThrow(XmlEncodeError);
});
