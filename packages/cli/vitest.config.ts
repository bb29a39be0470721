import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // `pnpm test` runs every package's suite at once on two cores, and these tests start the
    // mock (Prism: 15 s seen under that load) and spawn the command as a process: give the hooks
    // and the ordinary tests room. The heavy tests carry their own budget next to them.
    hookTimeout: 60_000,
    testTimeout: 30_000,
  },
});
