// The two XML errors say where the fault is in their message, and keep the place as fields.
import { describe, expect, it } from 'vitest';
import { XmlDecodeError, XmlEncodeError } from '../../src/xml/errors.js';

describe('XmlDecodeError', () => {
  it('names the line and column in its message when it has them, and keeps them and the pointer as fields', () => {
    const error = new XmlDecodeError('unclosed tag', 3, 14, '/data/0/data/email');
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('XmlDecodeError');
    expect(error.message).toBe('unclosed tag (line 3, column 14)');
    expect(error).toMatchObject({ line: 3, column: 14, pointer: '/data/0/data/email' });
  });

  it('is the message alone without a place', () => {
    expect(new XmlDecodeError('the body is empty').message).toBe('the body is empty');
  });
});

describe('XmlEncodeError', () => {
  it('leads with the pointer of the value, or / for the whole body', () => {
    expect(new XmlEncodeError('has no XML form', '/data/0/data/x').message).toBe('/data/0/data/x: has no XML form');
    expect(new XmlEncodeError('is not an object', '').message).toBe('/: is not an object');
    expect(new XmlEncodeError('x', '/a').name).toBe('XmlEncodeError');
  });
});
