#!/usr/bin/env node
// Runs pnpm 10 whether or not it is installed globally: a clean clone has only Node and npm,
// and corepack cannot verify pnpm's signature on some machines, so we fall back to npx.
import { spawnSync } from 'node:child_process';

const args = process.argv.slice(2);
const hasPnpm = (() => {
  const r = spawnSync('pnpm', ['--version'], { encoding: 'utf8', shell: process.platform === 'win32' });
  return r.status === 0 && /^10\./.test(r.stdout.trim());
})();
const [cmd, cmdArgs] = hasPnpm ? ['pnpm', args] : ['npx', ['-y', 'pnpm@10', ...args]];
const r = spawnSync(cmd, cmdArgs, { stdio: 'inherit', shell: process.platform === 'win32' });
process.exit(r.status ?? 1);
