// 10,001 profiles: one over the limit.
export default () =>
  JSON.stringify({ token: 'abcdefghijklmnqrstuvwxyz', workflow_id: 12, data: Array.from({ length: 10_001 }, (_, i) => ({ data: { email: `p${i}@example.com` } })) });
