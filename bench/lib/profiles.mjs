// Realistic batches for the benchmarks: profiles of about `bytes` bytes of JSON each, with
// system fields, a subscription and custom fields, like the vendor's examples.

export function makeProfile(index, bytes = 600) {
  const profile = {
    email: `customer${index}@example.com`,
    phones: `+7900${String(index).padStart(7, '0')}`,
    _fname: 'Alisa',
    _lname: 'Lambert',
    _bdate: '1990-04-12',
    _city: 'Moscow',
    _regip: '203.0.113.7',
    subscriptions: [{ resource_id: 1, channel: 'email', email: `customer${index}@example.com` }],
    CRM_ID: String(index).padStart(8, '0'),
    loyalty_level: index % 5,
    vip: index % 7 === 0,
  };
  const size = JSON.stringify(profile).length;
  if (bytes > size + 12) profile.notes = 'n'.repeat(bytes - size - 12);
  return profile;
}

export function makeRequest(count, bytes = 600) {
  return {
    token: 'abcdefghijklmnqrstuvwxyz',
    workflow_id: 12,
    matching: 'custom',
    field_name: 'CRM_ID',
    data: Array.from({ length: count }, (_, i) => ({ data: makeProfile(i, bytes) })),
  };
}
