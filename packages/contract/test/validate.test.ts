import { describe, expect, it } from 'vitest';
import { MATCHING_MODES, MAX_VIOLATIONS, validateRequest, validateResponse } from '../src/validate.js';
import { requestXml } from '../src/xml.js';

const profile = (data: Record<string, unknown> = {}) => ({ data: { email: 'a@example.com', ...data } });
const base = { token: 'secret-token', workflow_id: 12, data: [profile()] };

interface InvalidCase {
  name: string;
  body: unknown;
  pointer: string;
  message?: RegExp;
}

// One case per way a request can be wrong; each names the place it must be reported at.
const invalid: InvalidCase[] = [
  { name: 'body is an array', body: [base], pointer: '', message: /object/ },
  { name: 'body is a string', body: 'workflow_id=12', pointer: '', message: /object/ },
  { name: 'body is null', body: null, pointer: '', message: /object/ },
  { name: 'workflow_id missing', body: { ...base, workflow_id: undefined }, pointer: '/workflow_id', message: /required/ },
  { name: 'workflow_id as a string', body: { ...base, workflow_id: '12' }, pointer: '/workflow_id', message: /integer/ },
  { name: 'workflow_id a fraction', body: { ...base, workflow_id: 1.5 }, pointer: '/workflow_id', message: /integer/ },
  { name: 'workflow_id zero', body: { ...base, workflow_id: 0 }, pointer: '/workflow_id', message: />= 1/ },
  { name: 'workflow_id beyond 2^53', body: { ...base, workflow_id: 2 ** 60 }, pointer: '/workflow_id', message: /<=/ },
  { name: 'data missing', body: { ...base, data: undefined }, pointer: '/data', message: /required/ },
  { name: 'data not an array', body: { ...base, data: { data: {} } }, pointer: '/data', message: /array/ },
  { name: 'data empty', body: { ...base, data: [] }, pointer: '/data', message: /fewer than 1/ },
  { name: 'item not an object', body: { ...base, data: [profile(), 'a@example.com'] }, pointer: '/data/1', message: /object/ },
  { name: 'item without its data wrapper', body: { ...base, data: [{ email: 'a@example.com' }] }, pointer: '/data/0/data', message: /required/ },
  { name: 'item with a field beside data', body: { ...base, data: [{ ...profile(), content: {} }] }, pointer: '/data/0/content', message: /not a known field/ },
  { name: 'item data an array', body: { ...base, data: [{ data: [] }] }, pointer: '/data/0/data', message: /object/ },
  { name: 'phones a number', body: { ...base, data: [profile({ phones: 79001234567 })] }, pointer: '/data/0/data/phones', message: /string or array/ },
  { name: 'phones with a bad number', body: { ...base, data: [profile({ phones: ['+79001234567', 'call me'] })] }, pointer: '/data/0/data/phones/1', message: /pattern/ },
  { name: '_bdate not a date', body: { ...base, data: [profile({ _bdate: '31.12.2001' })] }, pointer: '/data/0/data/_bdate', message: /date/ },
  { name: '_regip not an IP', body: { ...base, data: [profile({ _regip: '300.1.1.1' })] }, pointer: '/data/0/data/_regip', message: /ipv4|ipv6/ },
  { name: '_sex unknown', body: { ...base, data: [profile({ _sex: 'other' })] }, pointer: '/data/0/data/_sex', message: /male/ },
  { name: 'subscription without resource_id', body: { ...base, data: [profile({ subscriptions: [{ channel: 'email' }] })] }, pointer: '/data/0/data/subscriptions/0/resource_id', message: /required/ },
  { name: 'subscription channel unknown', body: { ...base, data: [profile({ subscriptions: [{ resource_id: 1, channel: 'fax' }] })] }, pointer: '/data/0/data/subscriptions/0/channel', message: /one of/ },
  { name: 'matching unknown', body: { ...base, matching: 'fuzzy' }, pointer: '/matching', message: /one of: email/ },
  { name: 'matching not a string', body: { ...base, matching: 1 }, pointer: '/matching', message: /one of/ },
  { name: 'custom without field_name', body: { ...base, matching: 'custom' }, pointer: '/field_name', message: /required/ },
  { name: 'custom_sub without field_name', body: { ...base, matching: 'custom_sub' }, pointer: '/field_name', message: /required/ },
  { name: 'custom with an item lacking the field', body: { ...base, matching: 'custom', field_name: 'CRM_ID', data: [profile({ CRM_ID: '1' }), profile()] }, pointer: '/data/1/data/CRM_ID', message: /custom field "CRM_ID"/ },
  { name: 'custom with the field empty', body: { ...base, matching: 'custom', field_name: 'CRM_ID', data: [profile({ CRM_ID: '' })] }, pointer: '/data/0/data/CRM_ID', message: /required/ },
  { name: 'field_name with a slash (pointer escaping)', body: { ...base, matching: 'custom', field_name: 'a/b', data: [profile()] }, pointer: '/field_name', message: /pattern/ },
  { name: 'field_name with email matching', body: { ...base, matching: 'email', field_name: 'CRM_ID' }, pointer: '/field_name', message: /not a known field/ },
  { name: 'custom_request with matching', body: { ...base, matching: 'email', custom_request: { email: 'a@example.com' } }, pointer: '/custom_request', message: /together with matching/ },
  { name: 'custom_request empty', body: { ...base, custom_request: {} }, pointer: '/custom_request', message: /fewer than 1/ },
  { name: 'custom_request not an object', body: { ...base, custom_request: 'email=a' }, pointer: '/custom_request', message: /object/ },
  { name: 'format unknown', body: { ...base, format: 'csv' }, pointer: '/format', message: /json, xml/ },
  { name: 'skip_triggers as a string', body: { ...base, skip_triggers: 'true' }, pointer: '/skip_triggers', message: /boolean/ },
  { name: 'detect_geo as a number', body: { ...base, detect_geo: 1 }, pointer: '/detect_geo', message: /boolean/ },
  { name: 'content not an object', body: { ...base, content: 'hello' }, pointer: '/content', message: /object/ },
  { name: 'attach not an array', body: { ...base, attach: { name: 'a.txt', data: 'QQ==' } }, pointer: '/attach', message: /array/ },
  { name: 'attach without name', body: { ...base, attach: [{ data: 'QQ==' }] }, pointer: '/attach/0/name', message: /required/ },
  { name: 'attach without data or file_key', body: { ...base, attach: [{ name: 'a.txt' }] }, pointer: '/attach/0', message: /must have data or file_key/ },
  { name: 'attach with the vendor typo flie_key', body: { ...base, attach: [{ name: 'a.txt', flie_key: 'k' }] }, pointer: '/attach/0/flie_key', message: /not a known field/ },
  { name: 'attach data not base64', body: { ...base, attach: [{ name: 'a.txt', data: 'not base64!' }] }, pointer: '/attach/0/data', message: /pattern/ },
  { name: 'token empty', body: { ...base, token: '' }, pointer: '/token', message: /fewer than 1/ },
  { name: 'token with spaces', body: { ...base, token: 'abc def' }, pointer: '/token', message: /pattern/ },
  { name: 'misspelled top-level field', body: { ...base, workflowid: 12 }, pointer: '/workflowid', message: /not a known field/ },
  { name: 'profile_id malformed', body: { ...base, matching: 'profile_id', data: [{ data: { profile_id: 'xyz' } }] }, pointer: '/data/0/data/profile_id', message: /24|pattern/ },
  { name: 'a very long first name', body: { ...base, data: [profile({ _fname: 'x'.repeat(256) })] }, pointer: '/data/0/data/_fname', message: /more than 255/ },
  { name: 'a control character in a name', body: { ...base, data: [profile({ _lname: 'Doe\u0007' })] }, pointer: '/data/0/data/_lname', message: /pattern/ },
];

describe('validateRequest rejects', () => {
  it('at least 30 kinds of invalid request', () => expect(invalid.length).toBeGreaterThanOrEqual(30));

  it.each(invalid.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const result = validateRequest(c.body);
    expect(result.valid).toBe(false);
    const found = result.violations.find((v) => v.pointer === c.pointer);
    expect(found, JSON.stringify(result.violations)).toBeDefined();
    if (c.message) expect(found!.message).toMatch(c.message);
  });
});

describe('validateRequest on XML input', () => {
  const xml = (inner: string) => `<xml><workflow_id>${inner}</workflow_id><data><email>a@example.com</email></data></xml>`;

  it('reports a non-numeric workflow_id at its pointer', () => {
    const result = validateRequest(requestXml.decode(xml('twelve')));
    expect(result.violations).toEqual([{ pointer: '/workflow_id', message: 'must be integer' }]);
  });

  it('reports a workflow_id too large for a double at its pointer, unrounded', () => {
    const decoded = requestXml.decode(xml('123456789012345678901234567890')) as { workflow_id: unknown };
    expect(decoded.workflow_id).toBe('123456789012345678901234567890');
    expect(validateRequest(decoded).violations[0]!.pointer).toBe('/workflow_id');
  });

  it('reports a profile element without fields', () => {
    const decoded = requestXml.decode('<xml><workflow_id>1</workflow_id><data>oops</data></xml>');
    expect(validateRequest(decoded).violations).toEqual([{ pointer: '/data/0', message: 'must be object' }]);
  });
});

describe('validateRequest accepts', () => {
  it.each(MATCHING_MODES.map((mode) => [mode]))('matching %s', (mode) => {
    const body = { ...base, matching: mode, ...(mode.startsWith('custom') ? { field_name: 'CRM_ID', data: [profile({ CRM_ID: 7 })] } : {}) };
    expect(validateRequest(body).violations).toEqual([]);
  });

  it('no matching at all (email is the default)', () => expect(validateRequest(base).valid).toBe(true));

  it('custom_request instead of matching', () => {
    expect(validateRequest({ ...base, custom_request: { email: { $in: ['a@example.com'] } } }).valid).toBe(true);
  });

  it('a request without a body token (the Bearer header carries it)', () => {
    expect(validateRequest({ workflow_id: 1, data: [profile()] }).valid).toBe(true);
  });
});

describe('violations are capped', () => {
  const garbage = { ...base, data: Array.from({ length: 10_000 }, () => ({ data: { email: 42, phones: false } })) };

  it(`to ${MAX_VIOLATIONS} for a 10,000-item garbage body, flagged as truncated`, () => {
    const result = validateRequest(garbage);
    expect(result.violations).toHaveLength(MAX_VIOLATIONS);
    expect(result.truncated).toBe(true);
    expect(result.violations[0]).toEqual({ pointer: '/data/0/data/email', message: 'must be string' });
  });

  it('to a caller-chosen limit', () => {
    const result = validateRequest(garbage, { maxViolations: 3 });
    expect(result.violations.map((v) => v.pointer)).toEqual(['/data/0/data/email', '/data/0/data/phones', '/data/1/data/email']);
    expect(result.truncated).toBe(true);
  });

  it('not flagged when everything fits', () => {
    const result = validateRequest({ ...base, workflow_id: 'x' });
    expect(result).toEqual({
      valid: false,
      violations: [{ pointer: '/workflow_id', message: 'must be integer' }],
      truncated: false,
      warnings: [],
      warningsTruncated: false,
    });
  });
});

describe('warnings (the advice tier)', () => {
  const manyBadEmails = (n: number) => ({ ...base, data: Array.from({ length: n }, (_, i) => profile({ email: `person-${i}` })) });

  it('an email that does not look like one is a warning at its pointer, not a violation', () => {
    const result = validateRequest({ ...base, data: [profile(), profile({ email: 'not-an-email' })] });
    expect(result.valid).toBe(true);
    expect(result.violations).toEqual([]);
    expect(result.warnings).toEqual([{ pointer: '/data/1/data/email', message: 'does not look like an email address' }]);
    expect(result.warningsTruncated).toBe(false);
  });

  it('more than 10,000 profiles is a warning at /data', () => {
    const result = validateRequest(manyBadEmails(10_001), { maxViolations: 1 });
    expect(result.valid).toBe(true);
    expect(result.warnings).toHaveLength(1);
    expect(result.warningsTruncated).toBe(true);
    const all = validateRequest({ ...base, data: Array.from({ length: 10_001 }, () => profile()) });
    expect(all.warnings).toEqual([{ pointer: '/data', message: expect.stringMatching(/at most 10,000 profiles/) }]);
  });

  it('are reported beside violations, each tier on its own', () => {
    const result = validateRequest({ ...base, workflow_id: 'x', data: [profile({ email: 'nope' })] });
    expect(result.violations).toEqual([{ pointer: '/workflow_id', message: 'must be integer' }]);
    expect(result.warnings).toEqual([{ pointer: '/data/0/data/email', message: 'does not look like an email address' }]);
  });

  it('are still computed when the matching mode is unknown', () => {
    const result = validateRequest({ ...base, matching: 'fuzzy', data: [profile({ email: 'nope' })] });
    expect(result.violations.map((v) => v.pointer)).toEqual(['/matching']);
    expect(result.warnings.map((w) => w.pointer)).toEqual(['/data/0/data/email']);
  });

  it('are capped like violations, and flagged as truncated', () => {
    const result = validateRequest(manyBadEmails(500));
    expect(result.warnings).toHaveLength(MAX_VIOLATIONS);
    expect(result.warningsTruncated).toBe(true);
    expect(validateRequest(manyBadEmails(500), { maxViolations: 3 }).warnings.map((w) => w.pointer)).toEqual([
      '/data/0/data/email',
      '/data/1/data/email',
      '/data/2/data/email',
    ]);
  });

  it('are not computed with advice: false', () => {
    expect(validateRequest(manyBadEmails(3), { advice: false })).toEqual({ valid: true, violations: [], truncated: false, warnings: [], warningsTruncated: false });
  });

  it('make the body invalid with strict: true', () => {
    const strict = validateRequest(manyBadEmails(1), { strict: true });
    expect(strict.valid).toBe(false);
    expect(strict.violations).toEqual([]);
    expect(strict.warnings).toHaveLength(1);
    expect(validateRequest(base, { strict: true }).valid).toBe(true);
  });
});

describe('validateResponse', () => {
  it('accepts a success and a partial failure', () => {
    expect(validateResponse('importAndStartBatch', 200, { error: 0, error_text: 'Successful operation', result: [{ profile_id: '6613c4754a5d12bd6cc0915f' }, { error: 400, error_text: 'Invalid subscription' }] }).valid).toBe(true);
  });

  it('accepts a 200 that carries the error envelope', () => {
    expect(validateResponse('importAndStartBatch', 200, { error: 402, error_text: 'Payment required' }).valid).toBe(true);
  });

  it('rejects a success without result', () => {
    expect(validateResponse('importAndStartBatch', 200, { error: 0, error_text: 'ok' }).violations).toContainEqual({ pointer: '/result', message: 'is required' });
  });

  it('rejects a task answer without task_id', () => {
    expect(validateResponse('importAndStartBatchTask', 200, { error: 0, error_text: 'ok' }).violations).toContainEqual({ pointer: '/task_id', message: 'is required' });
  });

  it('rejects an error envelope whose error is 0', () => {
    expect(validateResponse('importAndStartBatch', 400, { error: 0, error_text: 'Invalid request' }).violations).toEqual([{ pointer: '/error', message: 'must be >= 1' }]);
  });
});
