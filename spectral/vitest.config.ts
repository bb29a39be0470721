import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // A backstop for a loaded 2-core CI machine: running Spectral over the whole contract in
    // spec/ takes about 1 s idle and took over 5 s (vitest's default) under `pnpm test`.
    testTimeout: 30_000,
  },
});
