import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // The browser test waits for rendering, and the samples run as child processes.
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
