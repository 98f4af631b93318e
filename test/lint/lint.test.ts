// Prettier and ESLint run as part of `npm test`: every file is clean, and a planted mistake in
// either fails (the check can fail, so its passing means something).
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const bin = (name: string): string => join(root, 'node_modules', name);

function run(cli: string, args: string[], stdin?: string): { status: number | null; out: string } {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: root, input: stdin, encoding: 'utf8' });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}
const eslint = (args: string[], stdin?: string) => run(bin('eslint/bin/eslint.js'), args, stdin);
const prettier = (args: string[], stdin?: string) => run(bin('prettier/bin/prettier.cjs'), args, stdin);

describe('lint', () => {
  it('ESLint (typescript-eslint strict) reports nothing on the tree', () => {
    const r = eslint(['--max-warnings=0', '.']);
    expect(r.out).toBe('');
    expect(r.status).toBe(0);
  }, 120_000);

  it('Prettier finds every file formatted', () => {
    const r = prettier(['--check', '--log-level=warn', '.']);
    expect(r.out).toBe('');
    expect(r.status).toBe(0);
  }, 120_000);

  it('a planted lint error in kit source fails ESLint', () => {
    const planted = "import type { JsonObject } from './protocol.js';\nexport const f = (x: any): JsonObject => x!;\n";
    const r = eslint(['--stdin', '--stdin-filename', 'base/src/planted.ts'], planted);
    expect(r.status).toBe(1);
    expect(r.out).toContain('@typescript-eslint/no-explicit-any');
    expect(r.out).toContain('@typescript-eslint/no-non-null-assertion');
  }, 60_000);

  it('a planted badly formatted file fails Prettier', () => {
    const r = prettier(['--check', '--stdin-filepath', 'base/src/planted.ts'], 'export const  x = {a:1}\n');
    expect(r.status).not.toBe(0);
  }, 60_000);
});
