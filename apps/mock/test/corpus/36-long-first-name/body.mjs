// A 1 MB first name.
export default () =>
  JSON.stringify({ token: 'abcdefghijklmnqrstuvwxyz', workflow_id: 12, data: [{ data: { email: 'a@example.com', _fname: 'x'.repeat(1_000_000) } }] });
