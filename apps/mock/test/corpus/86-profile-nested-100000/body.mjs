// A profile whose data is an object nested 100,000 levels deep.
export default () => `{"token":"abcdefghijklmnqrstuvwxyz","workflow_id":12,"data":[{"data":${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}}]}`;
