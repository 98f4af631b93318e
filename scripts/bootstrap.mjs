#!/usr/bin/env node
// Installs the workspace from the lockfile when node_modules is missing or older than the lockfile,
// so `npm test` and `npm run sync` work on a clean clone with nothing but Node.
import { existsSync, statSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const marker = join(root, 'node_modules', '.modules.yaml');
const lock = join(root, 'pnpm-lock.yaml');
const fresh = existsSync(marker) && existsSync(lock) && statSync(marker).mtimeMs >= statSync(lock).mtimeMs;
if (!fresh) {
  const frozen = existsSync(lock) && process.env.CI ? ['--frozen-lockfile'] : [];
  const r = spawnSync(process.execPath, [join(root, 'scripts', 'pnpm.mjs'), 'install', ...frozen], {
    cwd: root,
    stdio: 'inherit',
  });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
