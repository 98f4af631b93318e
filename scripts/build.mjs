#!/usr/bin/env node
// Builds the workspace only when something it is built from changed since the last build, so
// `npm run sync` and `npm test` start in about a second when nothing did. `--force` always builds.
// The build's own output is shown only when it fails (a sync or a test run should not scroll past
// forty lines of tsc and bundler progress).
import { existsSync, readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const stamp = join(root, 'node_modules', '.conkit-build-stamp');
const packages = [
  'base',
  'acceptance-tests',
  'sync',
  'bench',
  ...readdirSync(join(root, 'connectors')).map((c) => join('connectors', c)),
];

/** Newest modification time under a path (files only), 0 when it does not exist. */
function newest(path) {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let max = 0;
  for (const e of readdirSync(path))
    if (e !== 'node_modules' && e !== 'dist') max = Math.max(max, newest(join(path, e)));
  return max;
}

function stale() {
  if (process.argv.includes('--force') || !existsSync(stamp)) return 'first build';
  const built = statSync(stamp).mtimeMs;
  for (const p of packages) {
    if (!existsSync(join(root, p, 'dist'))) return `${p} has no dist/`;
    for (const input of ['src', 'package.json', 'tsconfig.json'])
      if (newest(join(root, p, input)) > built) return `${p}/${input} changed`;
  }
  for (const f of [
    'tsconfig.base.json',
    'pnpm-lock.yaml',
    'scripts/bundle.mjs',
    'scripts/copy-assets.mjs',
    'base/test/example',
  ]) {
    if (newest(join(root, f)) > built) return `${f} changed`;
  }
  return undefined;
}

const why = stale();
if (why) {
  process.stderr.write(`Building the workspace (${why})...\n`);
  const started = Date.now();
  const startedAt = new Date();
  const r = spawnSync(process.execPath, [join(root, 'scripts', 'pnpm.mjs'), '-r', '--reporter=append-only', 'build'], {
    cwd: root,
    encoding: 'utf8',
  });
  if (r.status !== 0) {
    process.stderr.write(
      `${r.stdout ?? ''}${r.stderr ?? ''}\nThe build failed (exit ${r.status}); its output is above.\n`,
    );
    process.exit(r.status ?? 1);
  }
  // the stamp takes the time the build started: a file saved during the build is built next time
  writeFileSync(stamp, '');
  utimesSync(stamp, startedAt, startedAt);
  process.stderr.write(`Built in ${((Date.now() - started) / 1000).toFixed(1)} s.\n`);
}
