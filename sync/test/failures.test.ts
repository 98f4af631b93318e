// The sync CLI when a run cannot start: a bad config, a missing secret, invalid JSON and an
// unreachable host each end in one sentence on stderr naming the problem, a non-zero exit, no stack
// trace, and an output folder exactly as it was (no new database on a first run; an earlier
// database byte for byte the same).
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startExampleServer, type ExampleServer } from '@conkit/base/testing';

const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const example = fileURLToPath(new URL('../../base/test/example/source-example.mjs', import.meta.url));
let server: ExampleServer;
beforeAll(async () => {
  server = await startExampleServer(50);
});
afterAll(async () => server.close());

function run(args: string[]): Promise<{ code: number | null; stderr: string; stdout: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [cli, example, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let stdout = '';
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    p.on('close', (code) => resolve({ code, stderr, stdout }));
  });
}

/** Every file under a folder with the hash of its bytes: "as it was" means this is unchanged. */
function snapshot(dir: string): Record<string, string> {
  if (!existsSync(dir)) return {};
  return Object.fromEntries(
    readdirSync(dir).map((f) => [
      f,
      createHash('sha256')
        .update(readFileSync(join(dir, f)))
        .digest('hex'),
    ]),
  );
}

const cases: [string, string, RegExp][] = [
  ['a bad config', JSON.stringify({ api_key: 'sync-secret-k1', base_url: 'not a url' }), /base_url/],
  ['a missing secret', JSON.stringify({ base_url: 'http://127.0.0.1:9' }), /api_key/],
  ['invalid JSON', '{ "api_key": "sync-secret-k1", ', /--config.*(JSON|json)/],
  [
    'an unreachable host',
    JSON.stringify({ api_key: 'sync-secret-k1', base_url: 'http://127.0.0.1:1' }),
    /127\.0\.0\.1:1.*'base_url'/,
  ],
];

describe('sync failures before the first record', () => {
  for (const [what, body, names] of cases) {
    it(`${what}: one sentence, non-zero exit, no stack, no new files`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'sync-fail-'));
      const config = join(dir, 'config.json');
      writeFileSync(config, body);
      const out = join(dir, 'out');
      const r = await run(['--config', config, '--out', out]);
      expect(r.code).not.toBe(0);
      const lines = r.stderr.split('\n').filter((l) => l.trim());
      expect(lines, r.stderr).toHaveLength(1);
      expect(lines[0]).toMatch(/^sync failed: /);
      expect(lines[0]).toMatch(names);
      expect(r.stderr).not.toMatch(/^\s+at /m);
      expect(r.stderr).not.toContain('sync-secret-k1');
      expect(existsSync(out)).toBe(false);
    });
  }

  it('leaves an earlier database byte for byte as it was', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sync-fail-'));
    const config = join(dir, 'config.json');
    writeFileSync(config, JSON.stringify({ api_key: 'sync-secret-k1', base_url: server.url }));
    const out = join(dir, 'out');
    expect((await run(['--config', config, '--out', out])).code).toBe(0);
    const before = snapshot(out);
    expect(Object.keys(before)).toContain('source-example.duckdb');
    for (const [, body] of cases) {
      writeFileSync(config, body);
      const r = await run(['--config', config, '--out', out]);
      expect(r.code).not.toBe(0);
      expect(snapshot(out)).toEqual(before);
    }
  });

  it('names a config file that does not exist', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sync-fail-'));
    const r = await run(['--config', join(dir, 'none.json'), '--out', join(dir, 'out'), '--debug']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/^sync failed: the config file .*none\.json does not exist/);
  });
});
