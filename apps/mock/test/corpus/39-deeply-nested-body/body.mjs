// [[[[...]]]] 100,000 levels deep.
export default () => '['.repeat(100_000) + ']'.repeat(100_000);
