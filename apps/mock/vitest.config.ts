import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Prism takes well under a second to start on an idle machine, but `pnpm test` runs every
    // package's suite at once on two cores: give its start (and the mock's) room.
    hookTimeout: 120_000,
  },
});
