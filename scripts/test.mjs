#!/usr/bin/env node
// Runs the whole suite with vitest and ends with the totals alone on a line, as CI reads them:
//   tests: N passed, N failed
// Pass 1 runs everything under a non-UTC zone (America/Los_Angeles), so a date read as local time
// shows up as a failure. Pass 2 reruns the kit's and connectors' date tests under UTC.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const vitest = join(root, 'node_modules', 'vitest', 'vitest.mjs');
const extra = process.argv.slice(2);

const passes = [
  { name: 'all tests, TZ=America/Los_Angeles', tz: 'America/Los_Angeles', args: [] },
  // the tests that read, write or compare dates, again under UTC (the S3 transport and rate-limit
  // tests hold no zone-dependent date and run once: they were most of this pass's time)
  {
    name: 'kit and connector date tests, TZ=UTC',
    tz: 'UTC',
    args: [
      'base/test/units.test.ts',
      'base/test/units-state.test.ts',
      'base/test/example.test.ts',
      'base/test/coerce.test.ts',
      'connectors/source-wootric/',
      'connectors/source-listrak/',
      'connectors/source-ometria/test/ometria.test.ts',
      'connectors/source-ometria/test/mapping.test.ts',
      'connectors/source-conversions-s3/test/rules.test.ts',
    ],
  },
];

const started = Date.now();
let passed = 0;
let failed = 0;
let ok = true;
for (const [i, pass] of passes.entries()) {
  const out = join(root, `.vitest-results-${i}.json`);
  rmSync(out, { force: true });
  console.log(`\n=== ${pass.name} ===`);
  const r = spawnSync(
    process.execPath,
    [vitest, 'run', ...pass.args, ...extra, '--reporter=default', '--reporter=json', `--outputFile.json=${out}`],
    {
      cwd: root,
      stdio: 'inherit',
      env: { ...process.env, TZ: pass.tz },
    },
  );
  if (!existsSync(out)) {
    console.error(`vitest wrote no results for pass "${pass.name}" (exit ${r.status})`);
    ok = false;
    failed += 1;
    continue;
  }
  const res = JSON.parse(readFileSync(out, 'utf8'));
  passed += res.numPassedTests;
  failed += res.numFailedTests;
  // a suite that failed to load counts its file as a failure even when no test inside ran
  failed += (res.testResults ?? []).filter(
    (f) => f.status === 'failed' && (f.assertionResults ?? []).length === 0,
  ).length;
  if (r.status !== 0 || !res.success) ok = false;
}
console.log(`wall time: ${Math.round((Date.now() - started) / 1000)} s`);
console.log(`tests: ${passed} passed, ${failed} failed`);
process.exit(ok && failed === 0 ? 0 : 1);
