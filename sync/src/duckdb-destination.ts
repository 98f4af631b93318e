// DuckDB destination: one table per stream, upsert by primary key for deduplicated modes, replace
// for full refresh, and the connector's state in a _sync_state table written in the same transaction
// as the records it covers.
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import type { Destination, TableSpec } from './destination.js';
import { quote } from './schema-columns.js';

/** namespace keeps the states of several connectors apart when they share one database file. */
export async function openDuckDb(path: string, namespace = ''): Promise<Destination> {
  const instance = await DuckDBInstance.create(path);
  const db: DuckDBConnection = await instance.connect();
  const stateTable = quote(`_sync_state${namespace ? `_${namespace}` : ''}`);
  await db.run(`CREATE TABLE IF NOT EXISTS ${stateTable} (stream VARCHAR PRIMARY KEY, state JSON, committed_at TIMESTAMPTZ)`);
  const tables = new Map<string, TableSpec>();
  const replaced = new Set<string>();
  const scratch = mkdtempSync(join(tmpdir(), 'sync-'));
  let batchNo = 0;

  return {
    async prepare(stream, spec) {
      tables.set(stream, spec);
      const cols = spec.columns.map((c) => `${quote(c.name)} ${c.sqlType}`).join(', ');
      await db.run(`CREATE TABLE IF NOT EXISTS ${quote(spec.table)} (${cols})`);
      // a column the schema gained since the table was made
      const existing = new Set((await db.runAndReadAll(`SELECT column_name FROM information_schema.columns WHERE table_name = '${spec.table.replace(/'/g, "''")}'`)).getRowObjectsJson().map((r) => String(r.column_name)));
      for (const c of spec.columns) if (!existing.has(c.name)) await db.run(`ALTER TABLE ${quote(spec.table)} ADD COLUMN ${quote(c.name)} ${c.sqlType}`);
    },
    async commit(batches, states) {
      await db.run('BEGIN TRANSACTION');
      try {
        for (const [stream, rows] of batches) {
          const spec = tables.get(stream)!;
          const t = quote(spec.table);
          if (spec.mode === 'overwrite' && !replaced.has(stream)) {
            await db.run(`DELETE FROM ${t}`);
            replaced.add(stream);
          }
          if (!rows.length) continue;
          const file = join(scratch, `b${batchNo++}.jsonl`);
          writeFileSync(file, rows.map((r, i) => JSON.stringify({ ...r, __seq: i })).join('\n'));
          const colSpec = spec.columns.map((c) => `${quote(c.name)}: '${c.sqlType}'`).join(', ');
          const names = spec.columns.map((c) => quote(c.name)).join(', ');
          await db.run(`CREATE OR REPLACE TEMP TABLE _stage AS SELECT * FROM read_json('${file}', format = 'newline_delimited', columns = {${colSpec}, "__seq": 'BIGINT'})`);
          if (spec.mode === 'append_dedup' && spec.primaryKey.length) {
            const pk = spec.primaryKey.map(quote);
            await db.run(`DELETE FROM ${t} WHERE (${pk.join(', ')}) IN (SELECT (${pk.join(', ')}) FROM _stage)`);
            await db.run(`INSERT INTO ${t} (${names}) SELECT ${names} FROM _stage QUALIFY row_number() OVER (PARTITION BY ${pk.join(', ')} ORDER BY __seq DESC) = 1`);
          } else {
            await db.run(`INSERT INTO ${t} (${names}) SELECT ${names} FROM _stage ORDER BY __seq`);
          }
          rmSync(file, { force: true });
        }
        for (const [stream, state] of states) {
          await db.run(`INSERT OR REPLACE INTO ${stateTable} VALUES ('${stream.replace(/'/g, "''")}', '${JSON.stringify(state).replace(/'/g, "''")}', now())`);
        }
        await db.run('COMMIT');
      } catch (e) {
        await db.run('ROLLBACK');
        throw e;
      }
    },
    async loadStates() {
      const rows = (await db.runAndReadAll(`SELECT state FROM ${stateTable} ORDER BY stream`)).getRowObjectsJson();
      return rows.map((r) => JSON.parse(String(r.state)));
    },
    async query(sql) {
      return (await db.runAndReadAll(sql)).getRowObjectsJson() as Record<string, unknown>[];
    },
    async close() {
      db.closeSync();
      instance.closeSync();
      rmSync(scratch, { recursive: true, force: true });
    },
  };
}
