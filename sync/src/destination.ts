import type { Column } from './schema-columns.js';

export interface TableSpec {
  table: string;
  columns: Column[];
  primaryKey: string[];
  mode: 'append_dedup' | 'overwrite' | 'append';
}

/**
 * Where records land. commit() must be atomic: the records and the state that covers them are
 * stored together or not at all, so a crash never leaves records without their state or the reverse.
 */
export interface Destination {
  prepare(stream: string, spec: TableSpec): Promise<void>;
  commit(batches: Map<string, Record<string, unknown>[]>, states: Map<string, unknown>): Promise<void>;
  /** The states committed by earlier runs, one per stream. */
  loadStates(): Promise<unknown[]>;
  query?(sql: string): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
}

/** The destination's SQL, or a clear error for one that has none (JSON lines). */
export function queryOf(db: Destination): (sql: string) => Promise<Record<string, unknown>[]> {
  if (!db.query) throw new Error('This destination cannot run SQL; use the DuckDB destination (--db).');
  return db.query.bind(db);
}

/** The table spec prepared for a stream; a batch for a stream never prepared is a bug in the runner. */
export function preparedSpec(specs: Map<string, TableSpec>, stream: string): TableSpec {
  const spec = specs.get(stream);
  if (!spec) throw new Error(`No table was prepared for stream '${stream}'.`);
  return spec;
}
