// A custom-matched field nested 100,000 arrays deep: deeper than any recursive walk's stack.
export default () => `{"token":"abcdefghijklmnqrstuvwxyz","workflow_id":12,"matching":"custom","field_name":"f","data":[{"data":{"f":${'['.repeat(100_000)}1${']'.repeat(100_000)}}}]}`;
