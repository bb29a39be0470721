import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // A backstop for a loaded 2-core CI machine, where `pnpm test` runs every package at once:
    // under a load average of 10-14, tests that take 0.3 s idle (a child process, a 10 MiB
    // string, a few hundred property runs) took over 5 s, vitest's default. Tests that start
    // servers race their answers against their own deadlines.
    testTimeout: 30_000,
  },
});
