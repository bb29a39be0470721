import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // The e2e file starts the mock (Prism) in a hook: on a loaded 2-core machine that has taken
    // 15 s, against vitest's default hook budget of 10 s.
    hookTimeout: 60_000,
    // A backstop only: tests race their answers against their own deadlines, and heavy ones
    // carry their own budget. Under a load of 18 on 2 cores, light tests have taken 3-4 s.
    testTimeout: 20_000,
  },
});
