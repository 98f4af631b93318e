// The sync runner against the kit's example connector and a real local server: upsert semantics,
// resume from the committed state, JSON lines, and a SIGKILL in the middle of a large read.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync, existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { query } from './query.js';
import { startExampleServer, type ExampleServer } from '@conkit/base/testing';

const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const example = fileURLToPath(new URL('../../base/test/example/source-example.mjs', import.meta.url));
let server: ExampleServer | undefined;
afterEach(async () => server?.close());

function setup(records: number) {
  const dir = mkdtempSync(join(tmpdir(), 'sync-test-'));
  const config = join(dir, 'config.json');
  return {
    dir,
    config,
    write: (url: string, pageSize = 100) =>
      writeFileSync(config, JSON.stringify({ api_key: 'sync-test-key', base_url: url, page_size: pageSize })),
    records,
  };
}

const sync = (args: string[], env: NodeJS.ProcessEnv = {}) =>
  spawn(process.execPath, [cli, example, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
const finish = (p: ReturnType<typeof sync>): Promise<{ code: number | null; stderr: string }> =>
  new Promise((r) => {
    let stderr = '';
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    p.on('close', (code) => r({ code, stderr }));
  });

describe('sync runner', () => {
  it('lands every stream in DuckDB, then reads only what is new from the saved state', async () => {
    const t = setup(500);
    server = await startExampleServer(500);
    t.write(server.url);
    const first = await finish(sync(['--config', t.config, '--out', t.dir]));
    expect(first.code).toBe(0);
    expect(first.stderr).toMatch(/items\s+500\s/);
    const db = join(t.dir, 'source-example.duckdb');
    expect(await query(db, 'SELECT count(*) AS n, count(DISTINCT id) AS d FROM items')).toEqual([
      { n: '500', d: '500' },
    ]);
    const saved = JSON.parse(readFileSync(join(t.dir, 'source-example.state.json'), 'utf8')) as {
      stream: { stream_descriptor: { name: string }; stream_state: { updated_at?: string } };
    }[];
    // one state per stream, listed by name
    expect(saved.map((s) => s.stream.stream_descriptor.name)).toEqual(['events', 'items']);
    expect(saved[1].stream.stream_state.updated_at).toBe('2021-01-01T08:19:00.000Z');
    server.total = 650; // 150 new records arrive
    const before = server.requests.length;
    const second = await finish(sync(['--config', t.config, '--out', t.dir]));
    expect(second.code).toBe(0);
    expect(decodeURIComponent(server.requests.slice(before).find((r) => r.startsWith('/items'))!)).toContain(
      'since=2021-01-01T08:19:00.000Z',
    );
    expect(await query(db, 'SELECT count(*) AS n, count(DISTINCT id) AS d, max(id) AS m FROM items')).toEqual([
      { n: '650', d: '650', m: '649' },
    ]);
    // the runner's output and everything it wrote hold no form of the API key
    const forms = ['sync-test-key', Buffer.from('sync-test-key').toString('base64')];
    for (const out of [
      first.stderr,
      second.stderr,
      ...readdirSync(t.dir)
        .filter((f) => f !== 'config.json')
        .map((f) => readFileSync(join(t.dir, f)).toString('latin1')),
    ]) {
      for (const f of forms) expect(out).not.toContain(f);
    }
  });

  it('writes JSON lines with --dest jsonl', async () => {
    const t = setup(120);
    server = await startExampleServer(120);
    t.write(server.url);
    expect((await finish(sync(['--config', t.config, '--out', t.dir, '--dest', 'jsonl']))).code).toBe(0);
    const lines = readFileSync(join(t.dir, 'items.jsonl'), 'utf8').trim().split('\n');
    expect(lines).toHaveLength(120);
    expect(existsSync(join(t.dir, 'state.json'))).toBe(true);
  });

  it('loses nothing when the connector is killed with SIGKILL mid-read: every record exactly once after a rerun', async () => {
    const t = setup(200_000);
    server = await startExampleServer(200_000);
    t.write(server.url, 1000);
    const runner = sync(['--config', t.config, '--out', t.dir], {});
    const done = finish(runner);
    const db = join(t.dir, 'source-example.duckdb');
    const stateFile = join(t.dir, 'source-example.state.json');
    // wait until a first commit of items is on disk (streams are read at once, so events may commit
    // first), then kill the connector (the runner's child) outright
    const itemsCommitted = () => existsSync(stateFile) && readFileSync(stateFile, 'utf8').includes('"items"');
    for (let i = 0; i < 400 && !itemsCommitted(); i++) await new Promise((r) => setTimeout(r, 50));
    expect(itemsCommitted()).toBe(true);
    const pid = execFileSync('pgrep', ['-P', String(runner.pid)])
      .toString()
      .trim()
      .split('\n')[0];
    process.kill(Number(pid), 'SIGKILL');
    const killed = await done;
    expect(killed.code).not.toBe(0);
    const partial = Number((await query(db, 'SELECT count(*) AS n FROM items'))[0].n);
    expect(partial).toBeGreaterThan(0);
    expect(partial).toBeLessThan(200_000);
    const rerun = await finish(sync(['--config', t.config, '--out', t.dir]));
    expect(rerun.code).toBe(0);
    expect(
      await query(db, 'SELECT count(*) AS n, count(DISTINCT id) AS d, min(id) AS lo, max(id) AS hi FROM items'),
    ).toEqual([{ n: '200000', d: '200000', lo: '0', hi: '199999' }]);
  }, 180_000);
});
