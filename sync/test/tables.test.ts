// The tables a sync lands are typed from the stream schemas and clean: dates are DATE, date-times
// TIMESTAMPTZ, an empty cell of an export file is NULL, and only the streams' tables and the state
// table exist. Run end to end: the Ometria connector on its fixtures (replay server and local S3).
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { query } from './query.js';
import { loadAcceptanceConfigs, startEnvironment } from '@conkit/acceptance-tests';

const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

describe('landed tables', () => {
  it('are typed from the schema and hold NULL, not "", for empty export cells', async () => {
    const cfg = loadAcceptanceConfigs().find((c) => c.connector === 'source-ometria')!;
    const env = await startEnvironment('source-ometria');
    try {
      const dir = mkdtempSync(join(tmpdir(), 'sync-tables-'));
      const config = join(dir, 'config.json');
      writeFileSync(config, JSON.stringify(env.fill(cfg.config)));
      const code = await new Promise<number | null>((resolve) => {
        const p = spawn(process.execPath, [cli, 'source-ometria', '--config', config, '--out', dir], {
          stdio: 'ignore',
          env: { ...process.env, CONKIT_PACING: 'off' },
        });
        p.on('close', resolve);
      });
      expect(code).toBe(0);
      const db = join(dir, 'source-ometria.duckdb');
      const types = Object.fromEntries(
        (
          await query(
            db,
            "SELECT table_name || '.' || column_name AS c, data_type AS t FROM information_schema.columns",
          )
        ).map((r) => [r.c, r.t]),
      );
      expect(types['profiles.date_of_birth']).toBe('DATE');
      expect(types['profiles.account_created_date']).toBe('TIMESTAMP WITH TIME ZONE');
      expect(types['email_events.event_at']).toBe('TIMESTAMP WITH TIME ZONE');
      const [counts] = await query(
        db,
        "SELECT count(*) AS n, count(*) FILTER (WHERE bounce_class = '') AS empty, count(*) FILTER (WHERE bounce_class IS NULL) AS nulls FROM email_events",
      );
      expect(Number(counts.n)).toBeGreaterThan(0);
      expect(counts.empty).toBe('0');
      expect(Number(counts.nulls)).toBeGreaterThan(0);
      const [dob] = await query(db, 'SELECT count(*) AS n FROM profiles WHERE date_of_birth IS NOT NULL');
      expect(Number(dob.n)).toBeGreaterThan(0);
      const tables = (await query(db, 'SELECT table_name AS t FROM duckdb_tables() ORDER BY 1')).map((r) => r.t);
      expect(tables).toEqual(['_sync_state', 'email_events', 'lists', 'member_lists', 'profiles', 'unsubscribes']);
    } finally {
      await env.close();
    }
  }, 120_000);
});
