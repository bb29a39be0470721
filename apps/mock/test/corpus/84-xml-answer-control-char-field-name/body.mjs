// A top-level field named "bad\u0001name" whose value nests too deep, so the refusal quotes the name.
export default () => `{"token":"abcdefghijklmnqrstuvwxyz","workflow_id":12,"format":"xml","bad\\u0001name":${'['.repeat(20_000)}${']'.repeat(20_000)},"data":[{"data":{"email":"a@example.com"}}]}`;
