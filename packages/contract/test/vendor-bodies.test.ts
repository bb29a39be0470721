// Every request body the vendor's pages show, and each body issue 12 lists as wrongly refused,
// with the page it comes from. The contract must accept each one (no violation); where the
// advice tier has something to say, the expected warnings are listed, so advice cannot grow
// noisy on documented values unnoticed.
import { describe, expect, it } from 'vitest';
import { validateRequest } from '../src/validate.js';
import { requestXml } from '../src/xml.js';

const ENDPOINT = 'https://guides.altcraft.com/en/v72/developer-guide/automation-scenarios/33063492';
const PROFILE_OBJECT = 'https://guides.altcraft.com/en/developer-guide/objects/Profile-data-object_3116008';
const FIELD_TYPES = 'https://guides.altcraft.com/en/user-guide/profiles-and-databases/types-of-db-fields';
const SINGLE = 'https://guides.altcraft.com/en/developer-guide/automation-scenarios/28934227/';
const TRIGGER_BATCH = 'https://guides.altcraft.com/en/developer-guide/campaigns/trigger-campaigns/37847473';
const DATA_ARRAY = 'https://guides.altcraft.com/en/developer-guide/campaigns/trigger-campaigns/Data-array_41484531';
const CUSTOM_CHANNELS = 'https://guides.altcraft.com/en/v73/admin-guide/communication-channels-guide/9405608';
const ISSUE = 'issue 12 (invented constraints)';

interface DocumentedBody {
  name: string;
  source: string;
  /** The JSON body, or the XML document as text. */
  body: unknown;
  /** Pointers of the warnings the advice tier gives (default: none). */
  warnings?: string[];
}

const batch = (profiles: Record<string, unknown>[], extra: Record<string, unknown> = {}) => ({
  token: 'abcdefghijklmnqrstuvwxyz',
  workflow_id: 12,
  matching: 'email',
  ...extra,
  data: profiles.map((data) => ({ data })),
});
const person = (fields: Record<string, unknown> = {}) => ({ email: 'example@example.com', ...fields });

// The Profile data object page's example, as one profile of a batch (the page's JSON lacks the
// comma after "custom_value"; the values are the page's).
const profileObjectExample = {
  _regcountry: 'US',
  _regcity: 'New York',
  _regip: '94.231.119.122',
  _regurl: 'www.example.com',
  _regdate: '2019-03-14T22:00:00Z',
  _bdate: '1990-02-22T21:00:00Z',
  _browser: 'Thunderbird',
  _city: 'Ryazan',
  _country: 'RU',
  _fname: 'Olly',
  _ip: '94.231.119.122',
  _lname: 'Lambert',
  _postal_code: '390000',
  _region: 'Ryazan Oblast',
  _vendor: 'form_#31',
  _sex: 0,
  _status: 0,
  _tz: 'Europe/Moscow',
  email: 'example@altcraft.com',
  phones: ['+790000000000'],
  custom_field: 'custom_value',
  subscriptions: [{ channel: 'email', email: 'boris.yudaev@altcraft.com', priority: 0, resource_id: 1, status: 0 }],
};

const documented: DocumentedBody[] = [
  {
    name: 'endpoint page, JSON, matching email',
    source: ENDPOINT,
    body: {
      token: 'abcdefghijklmnqrstuvwxyz',
      workflow_id: 12,
      matching: 'email',
      data: [
        { data: { _fname: 'Alisa', _lname: 'Lambert', email: 'example@example.com', phones: '+79000000000' } },
        { data: { _fname: 'Alex', _lname: 'Lambert', email: 'example@example.com', phones: '+79000000000' } },
      ],
    },
  },
  {
    name: 'endpoint page, JSON, matching custom',
    source: ENDPOINT,
    body: {
      token: 'abcdefghijklmnqrstuvwxyz',
      workflow_id: 12,
      matching: 'custom',
      field_name: 'CRM_ID',
      data: [
        { data: { _fname: 'Alina', _lname: 'Lambert', email: 'example@example.com', phones: '+79006574081', CRM_ID: '00066' } },
        { data: { _fname: 'Victor', _lname: 'Lambert', email: 'example@example.com', phones: '+79000005422', CRM_ID: '00076' } },
      ],
    },
  },
  {
    name: 'endpoint page, XML, matching email',
    source: ENDPOINT,
    body: `<xml>
<token>abcdefghijklmnqrstuvwxyz</token>
<workflow_id>10</workflow_id>
<matching>email</matching>
<data>
<_fname>John</_fname>
<_lname>Lambert</_lname>
<email>example@example.com</email>
</data>
<data>
<_fname>Bert</_fname>
<_lname>Lambert</_lname>
<email>example@example.com</email>
</data>
</xml>`,
  },
  {
    name: 'endpoint page, XML, matching custom (string = "true" as the page spaces it)',
    source: ENDPOINT,
    body: `<xml>
<token>abcdefghijklmnqrstuvwxyz</token>
<workflow_id>12</workflow_id>
<matching>custom</matching>
<field_name>New_field_7</field_name>
<data>
<_fname>Polina</_fname>
<_lname>Lambert</_lname>
<email>example@example.com</email>
<phones>+79006574082</phones>
<New_field_7 string = "true" >00067</New_field_7>
</data>
<data>
<_fname>Dariya</_fname>
<_lname>Lambert</_lname>
<email>example@example.com</email>
<phones>+79000005423</phones>
<New_field_7 string = "true">00077</New_field_7>
</data>
</xml>`,
  },
  {
    name: 'endpoint page, the parameter table: content, custom_request, field_value, skip flags, detect_geo',
    source: ENDPOINT,
    body: {
      token: 'abcdefghijklmnqrstuvwxyz',
      format: 'json',
      workflow_id: 1,
      custom_request: { email: { $in: ['asd@dsfsd.com', 'zxcv@sdfsd.com'] } },
      profile_id: '5f19953a03e4227216278ba4',
      email: 'importStart9219@example.com',
      phone: '+79001234567',
      field_value: '12345',
      skip_triggers: true,
      skip_invalid_subscriptions: true,
      detect_geo: true,
      content: { one: 'My email = importStart9219@example.com', two: 'Timestamp: 1595512477', three: 'Three' },
      data: [{ data: { _fname: 'John', _lname: 'Doe', email: 'importStart9219@example.com' } }],
    },
  },
  {
    name: 'endpoint page and single-profile page: attach as {name, flie_key, data, mimetype}',
    source: `${ENDPOINT} ${SINGLE}`,
    body: batch([person()], {
      attach: [
        { name: 'invoice.pdf', flie_key: 'a1b2c3', mimetype: 'application/pdf' },
        { name: 'hello.txt', data: 'SGVsbG8=', mimetype: 'text/plain' },
        { name: 'both.txt', flie_key: 'k1', data: 'SGVsbG8=', mimetype: 'text/plain' },
        { name: 'key.txt', file_key: 'k2' },
      ],
    }),
  },
  { name: 'Profile data object page example, in a batch', source: PROFILE_OBJECT, body: batch([profileObjectExample]) },
  {
    name: 'Profile data object page: _postal_code as the integer its table types',
    source: PROFILE_OBJECT,
    body: batch([person({ _postal_code: 390000, _regurl: 'www.example.org', _vendor: 'form#33', _browser: 'Firefox' })]),
  },
  {
    name: 'field-types page: every example value',
    source: FIELD_TYPES,
    body: batch([
      person({ phones: ['+79001234567'], _fname: 'John', _lname: 'Doe', _bdate: '2001-12-31', _sex: 'male', _regdate: '2023-12-31', _regip: '127.0.0.1' }),
      person({ _bdate: '2001-12-31T00:00+03:00', _sex: 'female', _regdate: '2023-12-31T23:59:59+03:00', _regcountry: 'Russian Federation', _country: 'Russian Federation' }),
    ]),
    // What the advice recommends instead: RFC 3339 (with seconds) and two-letter codes.
    warnings: ['/data/1/data/_bdate', '/data/1/data/_regcountry', '/data/1/data/_country'],
  },
  {
    name: '10,001 profiles: the page only does not recommend more than 10,000',
    source: ENDPOINT,
    body: batch(Array.from({ length: 10_001 }, (_, i) => person({ email: `p${i}@example.com` }))),
    warnings: ['/data'],
  },
  {
    name: 'profile ids in the forms sibling pages use',
    source: `${TRIGGER_BATCH} ${DATA_ARRAY}`,
    body: batch([{ profile_id: 'abcdefghijklmnqrstuvwxyz' }, { profile_id: '843vfdkisfh934hfe834rhkk' }], { matching: 'profile_id' }),
    warnings: ['/data/0/data/profile_id', '/data/1/data/profile_id'],
  },
  {
    name: 'top-level custom_data and resource_id, documented on sibling pages',
    source: `${TRIGGER_BATCH} ${SINGLE}`,
    body: batch([person()], { resource_id: 7, custom_data: { order: 'A-17', total: 12.5 } }),
  },
  {
    name: 'a subscription to a custom channel (string id), without resource_id',
    source: CUSTOM_CHANNELS,
    body: batch([person({ subscriptions: [{ channel: 'my_crm_channel', cc_data: { id: 'u-17' } }] })]),
    warnings: ['/data/0/data/subscriptions/0/channel', '/data/0/data/subscriptions/0/resource_id'],
  },
  {
    name: 'field_value of any type ("Any" on the page)',
    source: ENDPOINT,
    body: { ...batch([person({ CRM_ID: 1 })], { matching: 'custom', field_name: 'CRM_ID' }), field_value: { nested: [1, null, 'x'] } },
  },
  { name: 'field_value null', source: ENDPOINT, body: { ...batch([person()]), field_value: null } },
  {
    name: 'invented bounds: phones [], 1,001 subscriptions, 101 attachments, 257 content keys',
    source: ISSUE,
    body: batch([person({ phones: [], subscriptions: Array.from({ length: 1001 }, (_, i) => ({ resource_id: i + 1, email: 'example@example.com' })) })], {
      attach: Array.from({ length: 101 }, (_, i) => ({ name: `f${i}.txt`, data: 'SGVsbG8=' })),
      content: Object.fromEntries(Array.from({ length: 257 }, (_, i) => [`k${i}`, i])),
      custom_request: Object.fromEntries(Array.from({ length: 257 }, (_, i) => [`f${i}`, i])),
    }),
    warnings: ['/attach', '/matching'],
  },
  {
    name: 'invented formats: strict IPs, phone and _tz patterns, a long email, a long name, a non-ASCII field_name',
    source: ISSUE,
    body: batch(
      [
        person({
          _regip: '192.168.001.001',
          _ip: '::ffff:1.2.3.4',
          phones: '8 (900) 123-45-67 ext. 5',
          _tz: 'UTC+3',
          _fname: 'x'.repeat(300),
          email: `${'a'.repeat(250)}@example.com`,
          Поле: 'значение',
        }),
      ],
      { matching: 'custom', field_name: 'Поле' },
    ),
    warnings: ['/data/0/data/_regip', '/data/0/data/phones', '/data/0/data/_tz', '/data/0/data/_fname', '/data/0/data/email', '/field_name'],
  },
  {
    name: 'invented ranges: _sex 3, _status 256, a large _postal_code, workflow_id 0, a short token with a space',
    source: ISSUE,
    body: batch([person({ _sex: 3, _status: 256, _postal_code: 12345678901 })], { workflow_id: 0, token: 'a b' }),
    warnings: ['/data/0/data/_sex', '/workflow_id', '/token'],
  },
  {
    name: 'unknown top-level and item fields (a Go backend ignores them), matching with custom_request',
    source: ISSUE,
    body: { ...batch([person()], { custom_request: { _city: 'Moscow' } }), skip_trigers: true, data: [{ data: person(), note: 'x' }] },
    warnings: ['/skip_trigers', '/data/0/note', '/matching'],
  },
  {
    name: '1,025 fields in one profile',
    source: ISSUE,
    body: batch([person(Object.fromEntries(Array.from({ length: 1025 }, (_, i) => [`field_${i}`, i])))]),
  },
];

describe.each(documented.map((d) => [d.name, d] as const))('documented body: %s', (_name, documentedBody) => {
  const model = typeof documentedBody.body === 'string' ? requestXml.decode(documentedBody.body) : documentedBody.body;

  it(`is accepted by the contract (${documentedBody.source})`, () => {
    const result = validateRequest(model);
    expect(result.violations).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it('gets exactly the expected warnings', () => {
    const pointers = validateRequest(model).warnings.map((w) => w.pointer);
    expect([...new Set(pointers)].sort()).toEqual([...(documentedBody.warnings ?? [])].sort());
  });
});
