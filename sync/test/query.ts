// Reads a DuckDB file the runner wrote, read-only, as the tests look at it.
import { DuckDBInstance } from '@duckdb/node-api';

export async function query(db: string, sql: string): Promise<Record<string, unknown>[]> {
  const inst = await DuckDBInstance.create(db, { access_mode: 'READ_ONLY' });
  const c = await inst.connect();
  const rows = (await c.runAndReadAll(sql)).getRowObjectsJson() as Record<string, unknown>[];
  c.closeSync();
  inst.closeSync();
  return rows;
}
