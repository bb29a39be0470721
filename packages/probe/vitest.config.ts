import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // The mock starts Prism: well under a second on an idle machine, up to 15 s when `pnpm test`
    // runs every suite at once on two cores.
    hookTimeout: 60_000,
    testTimeout: 60_000,
  },
});
