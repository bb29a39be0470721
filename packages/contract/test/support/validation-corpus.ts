// Request bodies for the validator's differential tests: deterministic (seeded), mostly valid
// profiles with every kind of value the profile schemas distinguish mixed in: values that hold,
// values that draw a warning, values that break the contract, free-form values nested near the
// depth limit, odd keys. Each body is small, so thousands run in seconds.
import { document } from '../../src/document.js';

type Json = unknown;

/** A small deterministic PRNG (mulberry32). */
export function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const nestedArrays = (depth: number): Json => {
  let value: Json = 1;
  for (let i = 0; i < depth; i++) value = [value];
  return value;
};

// Strings each of the profile's formats and patterns tells apart, both ways.
export const STRINGS: readonly string[] = [
  '',
  'a',
  'Alisa',
  'Zoë',
  'Борис',
  'emoji 😀',
  '\u{1F600}'.repeat(200),
  'x'.repeat(255),
  'x'.repeat(256),
  '😀'.repeat(255),
  'Doe\u0007',
  'tab\there',
  'line\nbreak',
  'a@example.com',
  'customer42@example.com',
  'First.Last+tag@sub.example.co',
  'not-an-email',
  'a@b',
  'a@-b.com',
  'a..b@example.com',
  '.a@example.com',
  'a@example..com',
  `${'a'.repeat(250)}@example.com`,
  '+79001234567',
  '+7 (900) 123-45-67',
  '79',
  'call me',
  '1990-04-12',
  '2000-02-29',
  '1900-02-29',
  '2001-02-29',
  '1990-13-01',
  '1990-00-10',
  '1990-04-31',
  '1990-4-12',
  '１９９０-04-12',
  '2001-12-31T10:00:00+03:00',
  '2001-12-31t10:00:00z',
  '2001-12-31 10:00:00Z',
  '2001-12-31T10:00:00',
  '2001-12-31T23:59:60Z',
  '31.12.2001',
  '203.0.113.7',
  '0.0.0.0',
  '255.255.255.255',
  '256.1.1.1',
  '300.1.1.1',
  '01.2.3.4',
  '::1',
  '2001:db8::8a2e:370:7334',
  '::ffff:192.0.2.1',
  'fe80::1%eth0',
  'ru',
  'RU',
  'Russia',
  'r1',
  'Europe/Moscow',
  'America/Argentina/Buenos_Aires',
  'UTC+3 Moscow',
  'Etc/GMT+3',
  'https://example.com/path?q=1',
  'example.com',
  'not a url',
  '\\\\server',
  '6613c4754a5d12bd6cc0915f',
  '6613C4754A5D12BD6CC0915F',
  'xyz',
  'male',
  'female',
  'other',
  'email',
  'sms',
  'fax',
  'telegram_bot',
  '00067',
  'json',
  'xml',
  'csv',
];

export const SCALARS: readonly Json[] = [...STRINGS, 0, 1, 2, -1, 1.5, 42, 2 ** 53 + 2, 2 ** 60, -(2 ** 31), 1e308, true, false, null];

const profileFields = Object.keys((document.components.schemas.ProfileData as { properties: object }).properties);
const subscriptionFields = Object.keys((document.components.schemas.Subscription as { properties: object }).properties);
const CUSTOM_KEYS = ['CRM_ID', 'notes', 'loyalty_level', 'vip', 'a/b', 'a~b', 'tags', 'address', 'constructor', 'toString', ''];

export function corpus(count: number, seed = 1): Record<string, Json>[] {
  const random = seeded(seed);
  const chance = (p: number) => random() < p;
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;

  const freeValue = (depth: number): Json => {
    const roll = random();
    if (depth <= 0 || roll < 0.6) return pick(SCALARS);
    if (roll < 0.75) return Array.from({ length: Math.floor(random() * 3) }, () => freeValue(depth - 1));
    if (roll < 0.97) return Object.fromEntries(Array.from({ length: 1 + Math.floor(random() * 2) }, () => [pick(CUSTOM_KEYS), freeValue(depth - 1)]));
    // Around the limit: an item's data field sits 4 levels below the body's root.
    return nestedArrays(pick([9_994, 9_995, 9_996, 9_997, 9_998]));
  };

  const anyValue = (): Json => (chance(0.8) ? pick(SCALARS) : freeValue(2));

  const subscription = (): Json => {
    if (chance(0.05)) return anyValue();
    const sub: Record<string, Json> = {};
    if (chance(0.9)) sub.resource_id = chance(0.85) ? 1 + Math.floor(random() * 9) : anyValue();
    if (chance(0.8)) sub.channel = chance(0.8) ? pick(['email', 'sms', 'push']) : anyValue();
    if (chance(0.5)) sub.email = chance(0.8) ? 'customer@example.com' : anyValue();
    for (let i = Math.floor(random() * 3); i > 0; i--) {
      const key = chance(0.7) ? pick(subscriptionFields) : pick(CUSTOM_KEYS);
      sub[key] = chance(0.5) && (key === 'cc_data' || key === 'custom_fields') ? { [pick(CUSTOM_KEYS)]: freeValue(2) } : key === 'cats' && chance(0.5) ? ['news', pick(SCALARS)] : anyValue();
    }
    return sub;
  };

  const profile = (i: number): Json => {
    // Most profiles are like the benchmark's, and hold.
    const data: Record<string, Json> = {
      email: `customer${i}@example.com`,
      phones: i % 3 === 0 ? [`+7900${String(i).padStart(7, '0')}`] : `+7900${String(i).padStart(7, '0')}`,
      _fname: 'Alisa',
      _bdate: '1990-04-12',
      _regip: '203.0.113.7',
      subscriptions: [{ resource_id: 1, channel: 'email', email: `customer${i}@example.com` }],
      CRM_ID: String(i).padStart(8, '0'),
    };
    const changes = chance(0.4) ? 0 : 1 + Math.floor(random() * 3);
    for (let c = 0; c < changes; c++) {
      const roll = random();
      if (roll < 0.55) {
        const key = pick(profileFields);
        if (key === 'subscriptions') data.subscriptions = chance(0.85) ? Array.from({ length: Math.floor(random() * 3) }, subscription) : anyValue();
        else if (key === 'phones' && chance(0.5)) data.phones = Array.from({ length: Math.floor(random() * 3) }, () => (chance(0.8) ? pick(STRINGS) : anyValue()));
        else data[key] = chance(0.75) ? pick(STRINGS) : anyValue();
      } else if (roll < 0.8) data[pick(CUSTOM_KEYS)] = freeValue(3);
      else if (roll < 0.9) delete data[pick(Object.keys(data))];
      else data[pick(profileFields)] = undefined;
    }
    const roll = random();
    if (roll < 0.9) return { data };
    if (roll < 0.94) return { data, [pick(['extra', 'content', 'a/b'])]: freeValue(2) };
    if (roll < 0.97) return { data: anyValue() };
    return chance(0.5) ? anyValue() : { profile: data };
  };

  const bodies: Record<string, Json>[] = [];
  for (let n = 0; n < count; n++) {
    const body: Record<string, Json> = { token: 'abcdefghijklmnqrstuvwxyz', workflow_id: 12 };
    const mode = random();
    if (mode < 0.3) Object.assign(body, { matching: 'custom', field_name: 'CRM_ID' });
    else if (mode < 0.5) body.matching = pick(['email', 'phone', 'profile_id', 'email_phone', 'push_sub', 'fuzzy']);
    else if (mode < 0.55) body.custom_request = chance(0.7) ? { email: 'a@example.com' } : {};
    if (chance(0.1)) body[pick(['workflow_id', 'token', 'format', 'skip_triggers', 'detect_geo', 'content', 'extra'])] = anyValue();
    const size = chance(0.1) ? 0 : 1 + Math.floor(random() * 8);
    body.data = Array.from({ length: size }, (_, i) => profile(i));
    if (chance(0.02)) body.data = anyValue();
    bodies.push(body);
  }
  return bodies;
}
