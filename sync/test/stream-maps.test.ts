// The sync runner lands what stream_maps make of a source (issue 22): it takes its streams, schemas
// and keys from discover, which already shows the mapped streams, so a renamed stream lands under
// its new name, a dropped column is not created, and a hashed email lands as the hash. Run end to
// end: Wootric on its fixtures, then again from the committed state.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { query } from './query.js';
import { loadAcceptanceConfigs, startEnvironment } from '@conkit/acceptance-tests';

const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const SEED = 'sync-seed+91';

const sync = (args: string[]) =>
  new Promise<{ code: number | null; out: string }>((resolve) => {
    let out = '';
    const p = spawn(process.execPath, [cli, ...args], { env: { ...process.env, CONKIT_RETRY_BASE_MS: '20' } });
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr.on('data', (d: Buffer) => (out += d.toString()));
    p.on('close', (code) => resolve({ code, out }));
  });

describe('sync with stream_maps', () => {
  it('lands the mapped tables: renamed, the email hashed, the dropped column absent; a rerun resumes', async () => {
    const cfg = loadAcceptanceConfigs().find((c) => c.connector === 'source-wootric');
    if (!cfg) throw new Error('no acceptance config for source-wootric');
    const env = await startEnvironment('source-wootric');
    try {
      const dir = mkdtempSync(join(tmpdir(), 'sync-maps-'));
      const config = join(dir, 'config.json');
      writeFileSync(
        config,
        JSON.stringify({
          ...env.fill(cfg.config),
          stream_maps: {
            end_users: { email: "sha256(email + config['seed'])", phone_number: null, __alias__: 'wootric_people' },
            declines: null,
          },
          stream_map_config: { seed: SEED },
        }),
      );
      const first = await sync(['source-wootric', '--config', config, '--out', dir]);
      expect(first.code, first.out).toBe(0);
      expect(first.out).not.toContain(SEED);
      const db = join(dir, 'source-wootric.duckdb');
      const tables = (await query(db, 'SELECT table_name AS t FROM duckdb_tables() ORDER BY 1')).map((r) => r.t);
      expect(tables).toEqual(['_sync_state', 'responses', 'wootric_people']);
      const columns = (
        await query(db, "SELECT column_name AS c FROM information_schema.columns WHERE table_name = 'wootric_people'")
      ).map((r) => r.c);
      expect(columns).toContain('email');
      expect(columns).not.toContain('phone_number');
      const rows = await query(db, 'SELECT id, email FROM wootric_people ORDER BY id');
      expect(rows.length).toBeGreaterThan(0);
      // the fixture's end users are user<n>@example.com, n = id - 1 (fixtures/generate.mjs)
      const raw = readFileSync(
        fileURLToPath(new URL('../../connectors/source-wootric/fixtures/expected_records.jsonl', import.meta.url)),
        'utf8',
      );
      const user = raw
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { stream: string; data: { id: number; email: string | null } })
        .find((r) => r.stream === 'end_users' && r.data.email);
      if (!user) throw new Error('no end user with an email in the expected records');
      const landed = rows.find((r) => Number(r.id) === user.data.id);
      expect(landed?.email).toBe(
        createHash('sha256')
          .update(user.data.email + SEED)
          .digest('hex'),
      );
      for (const r of rows) expect(String(r.email)).not.toContain('@');
      const states = (await query(db, 'SELECT * FROM _sync_state')).map((r) => JSON.stringify(r));
      expect(states.join()).toContain('wootric_people');
      const again = await sync(['source-wootric', '--config', config, '--out', dir]);
      expect(again.code, again.out).toBe(0);
      const [count] = await query(db, 'SELECT count(*) AS n, count(DISTINCT id) AS d FROM wootric_people');
      expect(count.n).toBe(count.d);
    } finally {
      await env.close();
    }
  }, 180_000);
});
