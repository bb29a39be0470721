import { describe, expect, it } from 'vitest';
import { MATCHING_MODES, MAX_VIOLATIONS, validateRequest, validateResponse, validateTaskStatusRequest } from '../src/validate.js';
import { requestXml } from '../src/xml.js';

const profile = (data: Record<string, unknown> = {}) => ({ data: { email: 'a@example.com', ...data } });
const base = { token: 'secret-token', workflow_id: 12, data: [profile()] };

interface InvalidCase {
  name: string;
  body: unknown;
  pointer: string;
  message?: RegExp;
}

// One case per way a request can break the contract; each names the place it must be reported at.
const invalid: InvalidCase[] = [
  { name: 'body is an array', body: [base], pointer: '', message: /object/ },
  { name: 'body is a string', body: 'workflow_id=12', pointer: '', message: /object/ },
  { name: 'body is null', body: null, pointer: '', message: /object/ },
  { name: 'workflow_id missing', body: { ...base, workflow_id: undefined }, pointer: '/workflow_id', message: /required/ },
  { name: 'workflow_id as a string', body: { ...base, workflow_id: '12' }, pointer: '/workflow_id', message: /integer/ },
  { name: 'workflow_id a fraction', body: { ...base, workflow_id: 1.5 }, pointer: '/workflow_id', message: /integer/ },
  { name: 'data not an array', body: { ...base, data: { data: {} } }, pointer: '/data', message: /array/ },
  { name: 'item not an object', body: { ...base, data: [profile(), 'a@example.com'] }, pointer: '/data/1', message: /object/ },
  { name: 'item without its data wrapper', body: { ...base, data: [{ email: 'a@example.com' }] }, pointer: '/data/0/data', message: /required/ },
  { name: 'item data an array', body: { ...base, data: [{ data: [] }] }, pointer: '/data/0/data', message: /object/ },
  { name: 'email a number', body: { ...base, data: [profile({ email: 42 })] }, pointer: '/data/0/data/email', message: /string/ },
  { name: 'phones a number', body: { ...base, data: [profile({ phones: 79001234567 })] }, pointer: '/data/0/data/phones', message: /string or array/ },
  { name: 'phones with a number inside', body: { ...base, data: [profile({ phones: ['+79001234567', 79001234567] })] }, pointer: '/data/0/data/phones/1', message: /string/ },
  { name: '_bdate a number', body: { ...base, data: [profile({ _bdate: 20011231 })] }, pointer: '/data/0/data/_bdate', message: /string/ },
  { name: '_sex a boolean', body: { ...base, data: [profile({ _sex: true })] }, pointer: '/data/0/data/_sex', message: /integer or string/ },
  { name: 'subscriptions an object', body: { ...base, data: [profile({ subscriptions: { resource_id: 1 } })] }, pointer: '/data/0/data/subscriptions', message: /array/ },
  { name: 'subscription resource_id a string', body: { ...base, data: [profile({ subscriptions: [{ resource_id: 'one' }] })] }, pointer: '/data/0/data/subscriptions/0/resource_id', message: /integer/ },
  { name: 'matching unknown', body: { ...base, matching: 'fuzzy' }, pointer: '/matching', message: /one of: email/ },
  { name: 'matching not a string', body: { ...base, matching: 1 }, pointer: '/matching', message: /one of/ },
  { name: 'custom without field_name', body: { ...base, matching: 'custom' }, pointer: '/field_name', message: /required/ },
  { name: 'custom_sub without field_name', body: { ...base, matching: 'custom_sub' }, pointer: '/field_name', message: /required/ },
  { name: 'field_name a number', body: { ...base, matching: 'custom', field_name: 7 }, pointer: '/field_name', message: /string/ },
  { name: 'custom_request not an object', body: { ...base, custom_request: 'email=a' }, pointer: '/custom_request', message: /object/ },
  { name: 'format a number', body: { ...base, format: 1 }, pointer: '/format', message: /string/ },
  { name: 'skip_triggers as a string', body: { ...base, skip_triggers: 'true' }, pointer: '/skip_triggers', message: /boolean/ },
  { name: 'detect_geo as a number', body: { ...base, detect_geo: 1 }, pointer: '/detect_geo', message: /boolean/ },
  { name: 'content not an object', body: { ...base, content: 'hello' }, pointer: '/content', message: /object/ },
  { name: 'attach not an array', body: { ...base, attach: { name: 'a.txt', data: 'QQ==' } }, pointer: '/attach', message: /array/ },
  { name: 'attach items not objects', body: { ...base, attach: [42, 'nonsense'] }, pointer: '/attach/0', message: /object/ },
  { name: 'attach name a number', body: { ...base, attach: [{ name: 1, data: 'QQ==' }] }, pointer: '/attach/0/name', message: /string/ },
  { name: 'token a number', body: { ...base, token: 12345 }, pointer: '/token', message: /string/ },
  { name: 'profile_id a number', body: { ...base, matching: 'profile_id', data: [{ data: { profile_id: 7 } }] }, pointer: '/data/0/data/profile_id', message: /string/ },
  { name: 'resource_id a string', body: { ...base, resource_id: '7' }, pointer: '/resource_id', message: /integer/ },
];

interface WarnedCase {
  name: string;
  body: Record<string, unknown>;
  pointer: string;
  message: RegExp;
}

// Constraints no vendor page states (issue 12): the contract accepts these bodies and the
// advice tier says what it recommends instead, at the place concerned.
const warned: WarnedCase[] = [
  { name: 'workflow_id zero', body: { ...base, workflow_id: 0 }, pointer: '/workflow_id', message: /positive/ },
  { name: 'workflow_id beyond 2^53', body: { ...base, workflow_id: 2 ** 60 }, pointer: '/workflow_id', message: /2\^53/ },
  { name: 'data empty', body: { ...base, data: [] }, pointer: '/data', message: /no profiles/ },
  // "Required: No" in the page's table (DECISIONS 36): a batch without data is not documented as refused.
  { name: 'data missing', body: { ...base, data: undefined }, pointer: '/data', message: /is missing, so the request imports nothing/ },
  { name: 'item with a field beside data', body: { ...base, data: [{ ...profile(), content: {} }] }, pointer: '/data/0/content', message: /not a field of a profile item/ },
  { name: 'email not an email', body: { ...base, data: [profile({ email: 'not-an-email' })] }, pointer: '/data/0/data/email', message: /email address/ },
  { name: 'an email over 254 characters', body: { ...base, data: [profile({ email: `${'a'.repeat(250)}@example.com` })] }, pointer: '/data/0/data/email', message: /254/ },
  { name: 'phones with a bad number', body: { ...base, data: [profile({ phones: ['+79001234567', 'call me'] })] }, pointer: '/data/0/data/phones/1', message: /phone number/ },
  { name: '_bdate not RFC 3339', body: { ...base, data: [profile({ _bdate: '31.12.2001' })] }, pointer: '/data/0/data/_bdate', message: /RFC 3339/ },
  { name: '_regip not an IP', body: { ...base, data: [profile({ _regip: '300.1.1.1' })] }, pointer: '/data/0/data/_regip', message: /IPv4 or IPv6/ },
  { name: '_sex unknown', body: { ...base, data: [profile({ _sex: 'other' })] }, pointer: '/data/0/data/_sex', message: /male/ },
  { name: '_regcountry a name', body: { ...base, data: [profile({ _regcountry: 'Russian Federation' })] }, pointer: '/data/0/data/_regcountry', message: /two-letter/ },
  { name: '_tz not an IANA name', body: { ...base, data: [profile({ _tz: 'UTC+3 Moscow' })] }, pointer: '/data/0/data/_tz', message: /IANA/ },
  { name: 'subscription without resource_id', body: { ...base, data: [profile({ subscriptions: [{ channel: 'email' }] })] }, pointer: '/data/0/data/subscriptions/0/resource_id', message: /resource_id/ },
  { name: 'subscription channel not built in', body: { ...base, data: [profile({ subscriptions: [{ resource_id: 1, channel: 'fax' }] })] }, pointer: '/data/0/data/subscriptions/0/channel', message: /custom channel/ },
  { name: 'custom with an item lacking the field', body: { ...base, matching: 'custom', field_name: 'CRM_ID', data: [profile({ CRM_ID: '1' }), profile()] }, pointer: '/data/1/data/CRM_ID', message: /field_name/ },
  { name: 'custom on a field named like an inherited one, missing', body: { ...base, matching: 'custom', field_name: 'valueOf', data: [profile()] }, pointer: '/data/0/data/valueOf', message: /field_name/ },
  { name: 'custom with the field empty', body: { ...base, matching: 'custom', field_name: 'CRM_ID', data: [profile({ CRM_ID: '' })] }, pointer: '/data/0/data/CRM_ID', message: /field_name/ },
  { name: 'field_name with a slash (pointer escaping)', body: { ...base, matching: 'custom', field_name: 'a/b', data: [profile({ 'a/b': 1 })] }, pointer: '/field_name', message: /field name/ },
  { name: 'custom field named with a slash, missing', body: { ...base, matching: 'custom', field_name: 'a/b', data: [profile()] }, pointer: '/data/0/data/a~1b', message: /field_name/ },
  { name: 'field_name with email matching', body: { ...base, matching: 'email', field_name: 'CRM_ID' }, pointer: '/field_name', message: /not a field of this request/ },
  { name: 'custom_request with matching', body: { ...base, matching: 'email', custom_request: { email: 'a@example.com' } }, pointer: '/matching', message: /custom_request/ },
  { name: 'custom_request empty', body: { ...base, custom_request: {} }, pointer: '/custom_request', message: /every profile/ },
  { name: 'format csv', body: { ...base, format: 'csv' }, pointer: '/format', message: /json or xml/ },
  { name: 'attach without name', body: { ...base, attach: [{ data: 'QQ==' }] }, pointer: '/attach/0/name', message: /name/ },
  { name: 'attach without data or key', body: { ...base, attach: [{ name: 'a.txt' }] }, pointer: '/attach/0', message: /data \(base64\) or as a key/ },
  { name: 'attach data not base64', body: { ...base, attach: [{ name: 'a.txt', data: 'not base64!' }] }, pointer: '/attach/0/data', message: /base64/ },
  { name: 'attach mimetype not a media type', body: { ...base, attach: [{ name: 'a.txt', data: 'QQ==', mimetype: 'text' }] }, pointer: '/attach/0/mimetype', message: /media type/ },
  { name: 'more than 100 attachments', body: { ...base, attach: Array.from({ length: 101 }, () => ({ name: 'a.txt', data: 'QQ==' })) }, pointer: '/attach', message: /100/ },
  { name: 'token empty', body: { ...base, token: '' }, pointer: '/token', message: /token/ },
  { name: 'token with spaces', body: { ...base, token: 'abc def' }, pointer: '/token', message: /without spaces/ },
  { name: 'misspelled top-level field', body: { ...base, workflowid: 12 }, pointer: '/workflowid', message: /not a field of this request/ },
  { name: 'profile_id not 24 hex digits', body: { ...base, matching: 'profile_id', data: [{ data: { profile_id: 'xyz' } }] }, pointer: '/data/0/data/profile_id', message: /24 hexadecimal/ },
  { name: 'a very long first name', body: { ...base, data: [profile({ _fname: 'x'.repeat(256) })] }, pointer: '/data/0/data/_fname', message: /255/ },
  { name: 'a control character in a name', body: { ...base, data: [profile({ _lname: 'Doe\u0007' })] }, pointer: '/data/0/data/_lname', message: /control characters/ },
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

describe('validateRequest accepts with a warning (advice, not contract)', () => {
  it('at least 30 kinds of advice-level problem', () => expect(warned.length).toBeGreaterThanOrEqual(30));

  it.each(warned.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const result = validateRequest(c.body);
    expect(result.violations).toEqual([]);
    expect(result.valid).toBe(true);
    const found = result.warnings.find((w) => w.pointer === c.pointer);
    expect(found, JSON.stringify(result.warnings)).toBeDefined();
    expect(found!.message).toMatch(c.message);
    expect(validateRequest(c.body, { strict: true }).valid).toBe(false);
    expect(validateRequest(c.body, { advice: false }).warnings).toEqual([]);
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
    expect(all.warnings).toEqual([{ pointer: '/data', message: expect.stringMatching(/more than 10,000 profiles/) }]);
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

  it('stop with the violations: past their cap, warningsTruncated says advice may be missing', () => {
    const data = [...Array.from({ length: 5 }, () => ({ data: { email: 42 } })), profile({ email: 'nope' })];
    const result = validateRequest({ ...base, data }, { maxViolations: 3 });
    expect(result.truncated).toBe(true);
    expect(result.warnings).toEqual([]);
    expect(result.warningsTruncated).toBe(true);
    const all = validateRequest({ ...base, data });
    expect(all.warnings).toEqual([{ pointer: '/data/5/data/email', message: 'does not look like an email address' }]);
    expect(all.warningsTruncated).toBe(false);
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
    expect(validateResponse('importAndStartBatch', 200, { error: 402, error_text: 'Tariff limit reached' }).valid).toBe(true);
  });

  it('rejects a success without result', () => {
    expect(validateResponse('importAndStartBatch', 200, { error: 0, error_text: 'ok' }).violations).toContainEqual({ pointer: '/result', message: 'is required' });
  });

  it('rejects a task answer without task_id', () => {
    expect(validateResponse('importAndStartBatchTask', 200, { error: 0, error_text: 'ok' }).violations).toContainEqual({ pointer: '', message: 'must have task_id or data' });
  });

  it('rejects an error envelope whose error is 0', () => {
    expect(validateResponse('importAndStartBatch', 400, { error: 0, error_text: 'Invalid request' }).violations).toEqual([{ pointer: '/error', message: 'must be >= 1' }]);
  });
});

describe('validateRequest never throws', () => {
  const nested = (depth: number, leaf: unknown = 1) => {
    let value: unknown = leaf;
    for (let i = 0; i < depth; i++) value = { a: value };
    return value;
  };
  const nestedArray = (depth: number) => {
    let value: unknown = 1;
    for (let i = 0; i < depth; i++) value = [value];
    return value;
  };

  it('on a profile nested 100,000 levels deep: a violation at its pointer, not a RangeError', () => {
    const result = validateRequest({ ...base, data: [profile(), profile({ notes: nested(100_000) })] });
    expect(result.valid).toBe(false);
    expect(result.violations).toEqual([{ pointer: '/data/1/data/notes', message: expect.stringMatching(/deeper than the 10,000 levels/) }]);
  });

  it('on deep values wherever free-form values go (top level, query, content, subscription, field_value)', () => {
    const deep = nested(100_000);
    const bodies: [Record<string, unknown>, string][] = [
      [{ ...base, extra: deep }, '/extra'],
      [{ ...base, custom_request: { q: deep } }, '/custom_request/q'],
      [{ ...base, content: { c: deep } }, '/content/c'],
      [{ ...base, field_value: deep }, '/field_value'],
      [{ ...base, data: [profile({ subscriptions: [{ resource_id: 1, cc_data: { id: deep } }] })] }, '/data/0/data/subscriptions/0/cc_data/id'],
      [{ ...base, workflow_id: 'x', data: [profile({ deep })] }, '/data/0/data/deep'],
    ];
    for (const [body, pointer] of bodies) {
      expect(() => validateRequest(body)).not.toThrow();
      expect(validateRequest(body).violations.map((v) => v.pointer)).toContain(pointer);
      expect(validateRequest(body, { advice: false }).violations.map((v) => v.pointer)).toContain(pointer);
    }
  });

  it('accepts a body exactly 10,000 levels deep and refuses 10,001, as the platform JSON decoder does', () => {
    // body (1) > data (2) > item (3) > item.data (4) > notes: 9,996 nested arrays reach 10,000.
    expect(validateRequest({ ...base, data: [profile({ notes: nestedArray(9_996) })] }).violations).toEqual([]);
    expect(validateRequest({ ...base, data: [profile({ notes: nestedArray(9_997) })] }).violations.map((v) => v.pointer)).toEqual(['/data/0/data/notes']);
  });

  it('on any JSON value as the body', () => {
    for (const body of [undefined, 0, -1, 1e308, '', 'x', true, false, null, [], [[]], {}, nestedArray(100_000), nested(100_000)]) {
      expect(() => validateRequest(body)).not.toThrow();
      expect(validateRequest(body).valid).toBe(false);
    }
  });
});

describe('validateTaskStatusRequest', () => {
  it('holds the page example, and refuses what the page types otherwise', () => {
    expect(validateTaskStatusRequest({ token: 'abc', task_id: 'ecd371a8-2229-48bb-bc3e-de7d39cd3051' })).toMatchObject({ valid: true, violations: [], warnings: [] });
    expect(validateTaskStatusRequest({ token: 'abc' }).violations).toEqual([{ pointer: '/task_id', message: expect.stringContaining('required') }]);
    expect(validateTaskStatusRequest({ task_id: 12 }).violations.map((v) => v.pointer)).toEqual(['/task_id']);
    expect(validateTaskStatusRequest([]).valid).toBe(false);
  });

  it('accepts what the page does not refuse, with warnings: unknown fields, an odd task_id', () => {
    const result = validateTaskStatusRequest({ task_id: 'a b', workflow_id: 1 });
    expect(result.violations).toEqual([]);
    expect(result.warnings.map((w) => w.pointer).sort()).toEqual(['/task_id', '/workflow_id']);
    expect(validateTaskStatusRequest({ task_id: 'a b' }, { strict: true }).valid).toBe(false);
  });
});
