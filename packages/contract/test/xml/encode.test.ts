import { describe, expect, it } from 'vitest';
import { XmlEncodeError, requestXml } from '../../src/xml.js';

describe('encoding', () => {
  it('writes the seed-style XML: root <xml>, repeated <data>, typed text', () => {
    const xml = requestXml.encode({ workflow_id: 12, matching: 'custom', field_name: 'CRM_ID', data: [{ data: { CRM_ID: '00066', phones: '+79000000000' } }] });
    expect(xml).toContain('<xml>');
    expect(xml).toContain('<CRM_ID string="true">00066</CRM_ID>');
    expect(xml).toContain('<phones>+79000000000</phones>');
    expect(xml.match(/<data>/g)).toHaveLength(1);
  });

  it('marks one-element and empty free-form arrays', () => {
    const xml = requestXml.encode({ workflow_id: 1, data: [{ data: { tags: ['vip'], none: [] } }] });
    expect(xml).toContain('<tags array="true">vip</tags>');
    expect(xml).toContain('<none array="true"/>');
  });

  it('keeps a lone empty string apart from the empty array', () => {
    const body = { workflow_id: 1, data: [{ data: { one: [''], none: [] } }] };
    expect(requestXml.decode(requestXml.encode(body))).toEqual(body);
  });

  it('escapes markup in text', () => {
    const body = { workflow_id: 1, data: [{ data: { note: '<b> & "q"' } }] };
    expect(requestXml.decode(requestXml.encode(body))).toEqual(body);
  });

  it.each([
    ['null', { workflow_id: 1, data: [{ data: { gone: null } }] }, '/data/0/data/gone'],
    ['an operator name', { workflow_id: 1, custom_request: { email: { $in: ['a@example.com'] } }, data: [{ data: {} }] }, '/custom_request/email/$in'],
    ['a name with a space', { workflow_id: 1, data: [{ data: { 'first name': 'A' } }] }, '/data/0/data/first name'],
    ['a control character', { workflow_id: 1, data: [{ data: { note: 'bell\u0007' } }] }, '/data/0/data/note'],
    ['nested arrays', { workflow_id: 1, data: [{ data: { grid: [[1, 2]] } }] }, '/data/0/data/grid/0'],
    ['a field beside an item’s data', { workflow_id: 1, data: [{ data: {}, extra: 1 }] }, '/data/0/extra'],
  ])('refuses %s, naming where', (_name, body, pointer) => {
    try {
      requestXml.encode(body);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(XmlEncodeError);
      expect((error as XmlEncodeError).pointer).toBe(pointer);
    }
  });
});
