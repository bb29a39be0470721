// A 100 KB token.
export default () => JSON.stringify({ token: 't'.repeat(100_000), workflow_id: 12, data: [{ data: { email: 'a@example.com' } }] });
