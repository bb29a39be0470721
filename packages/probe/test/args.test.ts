import { describe, expect, it } from 'vitest';
import { TOKEN_REFUSED, UsageError, parseCommandLine } from '../src/args.js';

const required = ['--upstream', 'https://example.com', '--workflow', '12'];

describe('parseCommandLine', () => {
  it('refuses --token in both spellings, wherever it stands', () => {
    for (const argv of [['--token', 'x', ...required], [...required, '--token=x'], ['--help', '--token', 'x']]) {
      expect(() => parseCommandLine(argv)).toThrow(new UsageError(TOKEN_REFUSED));
    }
  });

  it('defaults to a confirmation, a table, every question, 120 s', () => {
    expect(parseCommandLine(required)).toEqual({
      options: { upstream: 'https://example.com/', workflowId: 12, yes: false, json: false, only: undefined, fieldName: 'email', fileKey: 'probe-file-key', timeoutMs: 120_000 },
    });
  });

  it('names what is wrong', () => {
    expect(() => parseCommandLine(['--workflow', '12'])).toThrow('--upstream URL is required');
    expect(() => parseCommandLine(['--upstream', 'https://example.com'])).toThrow('--workflow ID is required');
    expect(() => parseCommandLine([...required.slice(0, 3), '1e3'])).toThrow('--workflow must be an integer');
    expect(() => parseCommandLine([...required, '--only', 'nope'])).toThrow('--only: unknown question nope');
    expect(() => parseCommandLine([...required, '--field-name', 'a b'])).toThrow('--field-name must be a field name');
    expect(() => parseCommandLine(['--upstream', 'example.com', '--workflow', '12'])).toThrow('--upstream must be an absolute URL');
  });
});
