import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Prism takes well under a second to start on an idle machine, but `pnpm test` runs every
    // package's suite at once on two cores: give its start (and the mock's) room.
    hookTimeout: 120_000,
    // A backstop: a request to the mock takes milliseconds idle, but under a full `pnpm test`
    // (load 10-38) single requests took over 5 s, vitest's default. Tests that wait on the
    // mock's behaviour race it against their own deadlines.
    testTimeout: 30_000,
  },
});
