import { defineConfig } from 'vitest/config';

// Unit and integration tests: Node for main/shared, jsdom for renderer components (per-file
// `// @vitest-environment jsdom`). End-to-end tests live in vitest.e2e.config.ts.
export default defineConfig({
  test: {
    include: ['test/**/*.test.{ts,tsx}'],
    exclude: ['test/e2e/**', 'node_modules/**'],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
