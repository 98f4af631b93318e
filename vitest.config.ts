import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

// The files that take longest start first, so the short ones fill in beside them instead of the
// run ending on one long file alone (the image builds, the acceptance suites, the fuzz).
const LONG_FIRST = [
  /test\/images\/images\.test\.ts$/,
  /acceptance-tests\/test\/source-/,
  /test\/hardening\//,
  /connectors\/[^/]+\/test\/(wire|listrak|s3)\.test\.ts$/,
];
const rank = (file: string): number => {
  const i = LONG_FIRST.findIndex((re) => re.test(file));
  return i === -1 ? LONG_FIRST.length : i;
};

class LongFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    return [...sorted].sort((a, b) => rank(a.moduleId) - rank(b.moduleId));
  }
}

// One run covers every package. Connector and harness tests spawn built connectors (dist/),
// so `npm test` builds first. Long timeouts: those tests start real local servers and processes.
export default defineConfig({
  test: {
    include: [
      'base/test/**/*.test.ts',
      'connectors/*/test/**/*.test.ts',
      'acceptance-tests/test/**/*.test.ts',
      'sync/test/**/*.test.ts',
      'test/**/*.test.ts',
    ],
    exclude: ['**/node_modules/**', '**/dist/**'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // most of a test here waits on a child process or a server (retries, Retry-After, slow
    // answers), so more workers than the 2 cores keep both busy
    maxWorkers: 4,
    sequence: { sequencer: LongFirst },
  },
});
