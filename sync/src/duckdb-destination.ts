// DuckDB destination: one table per stream, upsert by primary key for deduplicated modes, replace
// for full refresh, and the connector's state in a _sync_state table written in the same transaction
// as the records it covers. Nothing touches the file before the first commit: a run that fails
// before its first STATE leaves an existing database exactly as it was, and creates none.
import { existsSync, mkdirSync, mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { preparedSpec, type Destination, type TableSpec } from './destination.js';
import { quote } from './schema-columns.js';

/** The state table's name: `_sync_state`, or `_sync_state_<namespace>` when several connectors share a file. */
export const stateTableName = (namespace = ''): string => `_sync_state${namespace ? `_${namespace}` : ''}`;

const literal = (s: string): string => `'${s.replace(/'/g, "''")}'`;

/** namespace keeps the states of several connectors apart when they share one database file. */
export async function openDuckDb(path: string, namespace = ''): Promise<Destination> {
  const stateTable = quote(stateTableName(namespace));
  const tables = new Map<string, TableSpec>();
  const made = new Set<string>();
  const replaced = new Set<string>();
  let scratch: string | undefined;
  let batchNo = 0;
  let conn: { instance: DuckDBInstance; db: DuckDBConnection } | undefined;

  const open = async (): Promise<DuckDBConnection> => {
    if (!conn) {
      mkdirSync(dirname(path), { recursive: true });
      const instance = await DuckDBInstance.create(path);
      conn = { instance, db: await instance.connect() };
    }
    return conn.db;
  };
  const hasTable = async (db: DuckDBConnection, name: string): Promise<boolean> =>
    (
      await db.runAndReadAll(`SELECT 1 FROM information_schema.tables WHERE table_name = ${literal(name)}`)
    ).getRowObjectsJson().length > 0;

  /** Creates a stream's table, or adds the columns its schema gained since the table was made. */
  async function ensureTable(db: DuckDBConnection, spec: TableSpec): Promise<void> {
    if (made.has(spec.table)) return;
    const cols = spec.columns.map((c) => `${quote(c.name)} ${c.sqlType}`).join(', ');
    await db.run(`CREATE TABLE IF NOT EXISTS ${quote(spec.table)} (${cols})`);
    const existing = new Set(
      (
        await db.runAndReadAll(
          `SELECT column_name FROM information_schema.columns WHERE table_name = ${literal(spec.table)}`,
        )
      )
        .getRowObjectsJson()
        .map((r) => String(r.column_name)),
    );
    for (const c of spec.columns)
      if (!existing.has(c.name))
        await db.run(`ALTER TABLE ${quote(spec.table)} ADD COLUMN ${quote(c.name)} ${c.sqlType}`);
    made.add(spec.table);
  }

  return {
    async prepare(stream, spec) {
      tables.set(stream, spec);
    },
    async commit(batches, states) {
      const db = await open();
      scratch ??= mkdtempSync(join(tmpdir(), 'sync-'));
      await db.run('BEGIN TRANSACTION');
      try {
        await db.run(
          `CREATE TABLE IF NOT EXISTS ${stateTable} (stream VARCHAR PRIMARY KEY, state JSON, committed_at TIMESTAMPTZ)`,
        );
        for (const [stream, rows] of batches) {
          const spec = preparedSpec(tables, stream);
          await ensureTable(db, spec);
          const t = quote(spec.table);
          if (spec.mode === 'overwrite' && !replaced.has(stream)) {
            await db.run(`DELETE FROM ${t}`);
            replaced.add(stream);
          }
          if (!rows.length) continue;
          const file = join(scratch, `b${batchNo++}.jsonl`);
          writeFileSync(file, rows.map((r, i) => JSON.stringify({ ...r, __seq: i })).join('\n'));
          // dates and times are staged as text and cast with TRY_CAST: a value that is no date lands
          // as NULL in its typed column instead of failing the whole batch
          const typed = (c: { sqlType: string }): boolean => c.sqlType === 'DATE' || c.sqlType === 'TIMESTAMPTZ';
          const colSpec = spec.columns.map((c) => `${quote(c.name)}: '${typed(c) ? 'VARCHAR' : c.sqlType}'`).join(', ');
          const names = spec.columns.map((c) => quote(c.name)).join(', ');
          const values = spec.columns
            .map((c) => (typed(c) ? `TRY_CAST(${quote(c.name)} AS ${c.sqlType}) AS ${quote(c.name)}` : quote(c.name)))
            .join(', ');
          await db.run(
            `CREATE OR REPLACE TEMP TABLE _stage AS SELECT ${values}, "__seq" FROM read_json('${file}', format = 'newline_delimited', columns = {${colSpec}, "__seq": 'BIGINT'})`,
          );
          if (spec.mode === 'append_dedup' && spec.primaryKey.length) {
            const pk = spec.primaryKey.map(quote);
            await db.run(`DELETE FROM ${t} WHERE (${pk.join(', ')}) IN (SELECT (${pk.join(', ')}) FROM _stage)`);
            await db.run(
              `INSERT INTO ${t} (${names}) SELECT ${names} FROM _stage QUALIFY row_number() OVER (PARTITION BY ${pk.join(', ')} ORDER BY __seq DESC) = 1`,
            );
          } else {
            await db.run(`INSERT INTO ${t} (${names}) SELECT ${names} FROM _stage ORDER BY __seq`);
          }
          rmSync(file, { force: true });
        }
        for (const [stream, state] of states) {
          await db.run(
            `INSERT OR REPLACE INTO ${stateTable} VALUES (${literal(stream)}, ${literal(JSON.stringify(state))}, now())`,
          );
        }
        await db.run('COMMIT');
      } catch (e) {
        await db.run('ROLLBACK');
        throw e;
      }
    },
    async loadStates() {
      if (!conn && !existsSync(path)) return [];
      const db = await open();
      if (!(await hasTable(db, stateTableName(namespace)))) return [];
      const rows = (await db.runAndReadAll(`SELECT state FROM ${stateTable} ORDER BY stream`)).getRowObjectsJson();
      return rows.map((r) => JSON.parse(String(r.state)));
    },
    async query(sql) {
      return (await (await open()).runAndReadAll(sql)).getRowObjectsJson() as Record<string, unknown>[];
    },
    async close() {
      conn?.db.closeSync();
      conn?.instance.closeSync();
      conn = undefined;
      if (scratch) rmSync(scratch, { recursive: true, force: true });
    },
  };
}
