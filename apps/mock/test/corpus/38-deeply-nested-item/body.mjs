// data: [[[[...]]]] 100,000 levels deep.
export default () => `{"token":"abcdefghijklmnqrstuvwxyz","workflow_id":12,"data":[${'['.repeat(100_000)}${']'.repeat(100_000)}]}`;
