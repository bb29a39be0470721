// 10,001 profiles in JSON, one more than the page recommends: the answer has 10,001 items.
export default () => JSON.stringify({ token: 'abcdefghijklmnqrstuvwxyz', workflow_id: 12, data: Array.from({ length: 10_001 }, (_, i) => ({ data: { email: `p${i}@example.com` } })) });
