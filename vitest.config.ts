import { defineConfig } from 'vitest/config';

// One run covers every package. Connector and harness tests spawn built connectors (dist/),
// so `npm test` builds first. Long timeouts: those tests start real local servers and processes.
export default defineConfig({
  test: {
    include: ['base/test/**/*.test.ts', 'connectors/*/test/**/*.test.ts', 'acceptance-tests/test/**/*.test.ts', 'sync/test/**/*.test.ts', 'test/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/dist/**'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 2,
  },
});
