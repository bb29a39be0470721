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

describe('the tier of each limit', () => {
  it('reads it from the contract: the profile count is advice, the body size a refusal', async () => {
    const { document, operations } = await import('@altcraft-api/contract');
    const { limitTiers } = await import('../src/limits.js');
    const { limits } = operations.importAndStartBatch;
    expect(limitTiers(document, limits)).toEqual({ maxProfiles: 'advice', maxBodyBytes: 'contract' });
  });

  it('calls a limit the schemas state a contract limit, and one only advice states advice', async () => {
    const { limitTiers } = await import('../src/limits.js');
    const advised = { components: { schemas: { Items: { type: 'array', 'x-altcraft-advice': [{ message: 'many', schema: { maxItems: 500 } }] } } } };
    const stated = { components: { schemas: { Items: { type: 'array', maxItems: 500 } } } };
    expect(limitTiers(advised, { maxProfiles: 500 })).toEqual({ maxProfiles: 'advice' });
    expect(limitTiers(stated, { maxProfiles: 500 })).toEqual({ maxProfiles: 'contract' });
    expect(limitTiers({}, { maxProfiles: 500 })).toEqual({});
  });

  it('labels each limit with its tier in the list', () => {
    expect(limitsMarkdown({ maxProfiles: 10_000, maxBodyBytes: 10_485_760 }, { maxProfiles: 'advice', maxBodyBytes: 'contract' }).split('\n').slice(2)).toEqual([
      '- Profiles per request: at most 10,000 — **advice**: recommended; beyond it is a warning, not a refusal',
      '- Request body: at most 10,485,760 bytes (10 MiB) — **contract**: beyond it the request is refused',
    ]);
  });
});
