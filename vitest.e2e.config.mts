import { defineConfig } from 'vitest/config';

// End-to-end: Playwright (playwright-core + Debian Chromium) against the loopback harness. One file at a time:
// each starts its own harness and browser, and two cores are not enough for parallel browsers.
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.e2e.ts'],
    environment: 'node',
    testTimeout: 120_000,
    hookTimeout: 120_000,
    fileParallelism: false,
    // One retry, as Playwright's own CI default does: a browser on a shared 2-core machine can miss a render
    // deadline. A test that fails twice fails; vitest reports every retried test (watch for them in the log).
    retry: 1,
    pool: 'forks',
  },
});
