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
    pool: 'forks',
  },
});
