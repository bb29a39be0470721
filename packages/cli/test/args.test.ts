import { describe, expect, it } from 'vitest';
import { UsageError, isMatchingMode, parseCommandLine } from '../src/args.js';

const base = ['--base-url', 'https://example.com/api/v1.1', '--workflow', '12'];
const options = (...args: string[]) => {
  const parsed = parseCommandLine([...base, ...args]);
  if (!('options' in parsed)) throw new Error('no options');
  return parsed.options;
};

describe('parseCommandLine', () => {
  it('--poll-interval under 10 ms is a usage error (the client refuses it: a status request spin)', () => {
    for (const ms of ['1', '9']) expect(() => options('--task', '--poll-interval', ms, 'a.csv')).toThrow(new UsageError(`--poll-interval must be an integer from 10 to 600,000, got "${ms}"`));
    expect(options('--task', '--poll-interval', '10', 'a.csv').pollIntervalMs).toBe(10);
  });

  it('narrows --matching to the contract modes, a custom mode with its field', () => {
    expect(options('--matching', 'custom', '--field-name', 'CRM_ID', 'a.csv').matching).toEqual({ matching: 'custom', field_name: 'CRM_ID' });
    expect(options('--matching', 'phone', 'a.csv').matching).toEqual({ matching: 'phone' });
    expect(options('a.csv').matching).toEqual({});
    expect(isMatchingMode('email_phone_sub')).toBe(true);
    expect(isMatchingMode('emails')).toBe(false);
    expect(() => options('--matching', 'emails', 'a.csv')).toThrow(UsageError);
  });

  it.each(['example.com/api/v1.1', 'example.com', 'ftp://example.com/api', '//example.com/api', 'http//example.com'])('refuses the base URL %s', (url) => {
    expect(() => parseCommandLine(['--base-url', url, '--workflow', '12', 'a.csv'])).toThrow(/--base-url must be an http or https URL with its scheme/);
  });

  it('takes --strict and --retry-ambiguous', () => {
    expect(options('--strict', '--retry-ambiguous', 'a.ndjson')).toMatchObject({ strict: true, retryAmbiguous: true, inputFormat: 'ndjson' });
  });
});
