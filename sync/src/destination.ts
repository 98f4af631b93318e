import type { Column } from './schema-columns.js';

export interface TableSpec { table: string; columns: Column[]; primaryKey: string[]; mode: 'append_dedup' | 'overwrite' | 'append' }

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
