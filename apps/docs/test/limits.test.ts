import { describe, expect, it } from 'vitest';
import { limitsMarkdown } from '../src/limits.js';

describe('limitsMarkdown', () => {
  it('states the known limits in words, with thousands separators and MiB', () => {
    expect(limitsMarkdown({ maxBodyBytes: 10_485_760, maxProfiles: 10_000 })).toBe(
      [
        '**Limits of this operation** (machine-readable in `x-altcraft-limits`):',
        '',
        '- Profiles per request: at most 10,000',
        '- Request body: at most 10,485,760 bytes (10 MiB)',
      ].join('\n'),
    );
  });

  it('shows a limit it does not know by its name in words, never as raw JSON of the whole object', () => {
    const text = limitsMarkdown({ maxProfiles: 500, maxFieldsPerProfile: 2_000, note: 'per panel' });
    expect(text).toContain('- Profiles per request: at most 500');
    expect(text).toContain('- Max fields per profile: 2,000');
    expect(text).toContain('- Note: "per panel"');
    expect(text).not.toContain('{');
  });

  it('says nothing without limits, and refuses a malformed extension', () => {
    expect(limitsMarkdown(undefined)).toBe('');
    expect(limitsMarkdown({})).toBe('');
    expect(() => limitsMarkdown([1])).toThrow(/not an object/);
  });
});
