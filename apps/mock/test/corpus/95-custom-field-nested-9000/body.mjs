// A custom-matched field nested 9,000 arrays deep (the platform's JSON decoder takes 10,000).
export default () => `{"token":"abcdefghijklmnqrstuvwxyz","workflow_id":12,"matching":"custom","field_name":"f","data":[{"data":{"f":${'['.repeat(9_000)}1${']'.repeat(9_000)}}}]}`;
