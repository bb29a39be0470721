import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // A backstop for a loaded 2-core CI machine, where `pnpm test` runs every package at once:
    // the CLI tests start the built command, which bundles spec/ with Redocly (twice in one
    // test); idle that takes about 2 s, under a load average of 10-14 it took over 30 s.
    testTimeout: 60_000,
  },
});
