// The stream contract: a stream is a plain object declaring what it is (name, schema, keys, cursor)
// and an async generator of records. Counting, state, status traces and errors belong to the kit.
import type { JsonObject, JsonSchema, SyncMode } from './protocol.js';
import type { Logger } from './log.js';
import type { SecretMasker } from './secrets.js';
import type { HttpClient } from './http.js';
import type { SoapClient } from './soap.js';

/** An explicit state a stream hands to the kit; the kit emits it once the records before it are out. */
export class Checkpoint {
  constructor(readonly state: JsonObject) {}
}
export const checkpoint = (state: JsonObject): Checkpoint => new Checkpoint(state);

export interface CursorTracker {
  /** The lower bound for this run: the previous state's cursor value, else the fallback. */
  start<T extends string | number | undefined>(fallback: T): string | number | T;
}

export interface StreamContext<C> {
  readonly config: C;
  readonly stream: string;
  readonly syncMode: SyncMode;
  /** This stream's previous stream_state (undefined on a first or full-refresh run). */
  readonly state: JsonObject | undefined;
  readonly http: HttpClient;
  /** The run's SOAP client, for sources that declare `soap`: opened on its first call, one per run. */
  readonly soap: SoapClient;
  readonly log: Logger;
  readonly secrets: SecretMasker;
  readonly startedAt: Date;
  /**
   * Where a stream's history starts when it has no state, as ISO UTC: the config's `start_date`,
   * else a year before this run (every source's documented default).
   */
  readonly historyStart: string;
  /** A time this stream saved (its own bookmark, or `cursor.start`'s value) as ISO UTC, else historyStart. */
  since(saved: unknown): string;
  /**
   * How many partitions a stream reads at once: the config's `max_concurrency` (default 8). Every
   * request also takes one of the run's slots of the same number, across all streams (pool.ts).
   */
  readonly maxConcurrency: number;
  readonly cursor: CursorTracker;
}

/** A record, a batch of records (one page: the cheap path), or an explicit checkpoint. */
export type StreamItem = JsonObject | JsonObject[] | Checkpoint;

export interface StreamDef<C, S = undefined> {
  name: string;
  schema: JsonSchema;
  /** ['id'] for a single key, or [['MsgID'], ['EmailAddress']] for a composite one. */
  primaryKey: string[] | string[][];
  /** Presence makes the stream incremental. */
  cursorField?: string;
  /**
   * 'cursor' (default with cursorField): the kit keeps { [cursorField]: max seen } as state.
   * 'manual': the stream yields checkpoint(state) itself and the kit emits exactly those.
   */
  stateMode?: 'cursor' | 'manual';
  /**
   * The shape of the state a 'manual' stream writes (JSON Schema; `format: date-time` and `date`
   * are checked). An incoming state is checked against it before anything is read: one that fits
   * nothing is not this stream's (WARN, read from the start date), one that breaks it is a
   * config_error naming the field. Cursor-mode streams get theirs from the cursor field's schema.
   */
  stateSchema?: JsonSchema;
  /**
   * The API has no filter on the cursor (Airbyte's `is_client_side_incremental`): the kit drops
   * records below the incoming cursor (incremental reads) and, when a slice is a DateWindow, those
   * outside [start, end). Cursor-mode streams only (client-filter.ts).
   */
  clientSideIncremental?: boolean;
  /** Records arrive in cursor order, so a checkpoint in the middle of a slice is safe. */
  sorted?: boolean;
  /** Checkpoint at least every N records (default 10,000) when that is safe. */
  checkpointEvery?: number;
  slices?: (ctx: StreamContext<C>) => AsyncIterable<S> | Iterable<S>;
  read: (ctx: StreamContext<C>, slice: S) => AsyncIterable<StreamItem>;
}

// Streams of one source have different slice types; the source holds them without knowing which.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyStreamDef<C> = StreamDef<C, any>;

export function defineStream<C, S = undefined>(def: StreamDef<C, S>): StreamDef<C, S> {
  if (!def.name) throw new Error('defineStream: name is required');
  return def;
}

export function normalizePrimaryKey(pk: string[] | string[][]): string[][] {
  if (pk.length === 0) return [];
  return Array.isArray(pk[0]) ? (pk as string[][]) : (pk as string[]).map((k) => [k]);
}
