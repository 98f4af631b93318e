// `npm run sync` with no arguments: every connector with an acceptance config reads its bundled
// fixtures, served by the replay server (and the local S3 server) on 127.0.0.1, into out/demo.duckdb.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { loadAcceptanceConfigs, startEnvironment } from '@conkit/acceptance-tests';
import { runSync } from './run-sync.js';
import { openDuckDb } from './duckdb-destination.js';
import { queryOf } from './destination.js';
import { table } from './progress.js';

export async function runDemo(opts: { out: string; image: boolean }): Promise<number> {
  mkdirSync(join(opts.out, 'demo'), { recursive: true });
  const dbPath = join(opts.out, 'demo.duckdb');
  const started = Date.now();
  const rows: string[][] = [];
  let failures = 0;
  for (const cfg of loadAcceptanceConfigs()) {
    const env = await startEnvironment(cfg.connector);
    const short = cfg.connector.replace(/^source-/, '').replace(/-/g, '_');
    const configFile = join(opts.out, 'demo', `${cfg.connector}.config.json`);
    writeFileSync(configFile, JSON.stringify(env.fill(cfg.config), null, 2));
    const destination = await openDuckDb(dbPath, short);
    try {
      const result = await runSync({
        connector: cfg.connector,
        config: configFile,
        destination,
        prefix: `${short}_`,
        image: opts.image ? `${cfg.connector}:dev` : undefined,
        stateFile: join(opts.out, 'demo', `${cfg.connector}.state.json`),
      });
      for (const s of result.progress.streams.values())
        rows.push([
          cfg.connector,
          `${short}_${s.stream}`,
          s.records.toLocaleString('en-US'),
          (s.seconds ?? 0).toFixed(1),
          s.stateSaved ? 'yes' : 'no',
        ]);
      if (!result.ok) {
        failures++;
        process.stderr.write(`sync failed: ${result.error}\n`);
      }
    } finally {
      await destination.close();
      await env.close();
    }
  }
  const total = rows.reduce((n, r) => n + Number(r[2].replace(/,/g, '')), 0);
  process.stdout.write(
    `\nSynced into ${dbPath} in ${((Date.now() - started) / 1000).toFixed(1)} s (records read this run; a second run reads only what is new)\n\n`,
  );
  process.stdout.write(table(['connector', 'table', 'records', 'seconds', 'state saved'], rows) + '\n');
  const db = await openDuckDb(dbPath);
  const sql =
    "SELECT table_name, estimated_size AS rows FROM duckdb_tables() WHERE NOT starts_with(table_name, '_sync_state') ORDER BY table_name";
  const result = await queryOf(db)(sql);
  process.stdout.write(
    `\nSample query:\n  ${sql}\n\n${table(
      ['table_name', 'rows'],
      result.map((r) => [String(r.table_name), String(r.rows)]),
    )}\n`,
  );
  const rel = relative(process.env.INIT_CWD ?? process.cwd(), dbPath) || dbPath;
  process.stdout.write(
    `\nTotal records this run: ${total.toLocaleString('en-US')}. Query it yourself: npm run sync -- --db ${rel} --query "SELECT count(*) FROM wootric_responses"\n`,
  );
  await db.close();
  return failures ? 1 : 0;
}
