// The Singer catalog (singer-io/getting-started docs/DISCOVERY_MODE.md) from the Airbyte catalog
// the source discovers, and back: a Singer catalog's selection and replication metadata become the
// configured Airbyte catalog the shared read path runs. Nothing here reads a record.
import { configError } from '../errors.js';
import type {
  AirbyteCatalog,
  AirbyteStream,
  ConfiguredAirbyteCatalog,
  ConfiguredAirbyteStream,
  JsonSchema,
} from '../protocol.js';

export interface MetadataEntry {
  breadcrumb: string[];
  metadata: Record<string, unknown>;
}

export interface SingerStream {
  tap_stream_id: string;
  stream: string;
  schema: JsonSchema;
  key_properties: string[];
  replication_method: 'INCREMENTAL' | 'FULL_TABLE';
  replication_key?: string;
  metadata: MetadataEntry[];
}

/** What a sync writes for one selected stream: its SCHEMA message and the properties it leaves out. */
export interface SelectedStream {
  name: string;
  schema: JsonSchema;
  keyProperties: string[];
  bookmarkProperties: string[];
  /** Properties the catalog deselected (`selected: false`); never a key or the replication key. */
  deselected: Set<string>;
}

/** The stream's key as Singer's top-level property names. */
export const keyOf = (s: AirbyteStream): string[] => (s.source_defined_primary_key ?? []).map((p) => p.join('.'));
const cursorOf = (s: AirbyteStream): string | undefined => s.default_cursor_field?.[0];

export function singerCatalog(catalog: AirbyteCatalog): { streams: SingerStream[] } {
  return { streams: catalog.streams.map(singerStream) };
}

function singerStream(s: AirbyteStream): SingerStream {
  const keys = keyOf(s);
  const cursor = cursorOf(s);
  const incremental = cursor !== undefined && s.supported_sync_modes.includes('incremental');
  const stream: Record<string, unknown> = {
    inclusion: 'available',
    'selected-by-default': true,
    'table-key-properties': keys,
    'valid-replication-keys': incremental ? [cursor] : [],
    'schema-name': s.name,
    // a stream with a cursor may run either way (the user picks); one without can only be copied whole
    ...(incremental
      ? { 'replication-method': 'INCREMENTAL', 'replication-key': cursor }
      : { 'forced-replication-method': 'FULL_TABLE' }),
  };
  const props = Object.keys((s.json_schema.properties ?? {}) as Record<string, unknown>);
  return {
    tap_stream_id: s.name,
    stream: s.name,
    schema: s.json_schema,
    key_properties: keys,
    replication_method: incremental ? 'INCREMENTAL' : 'FULL_TABLE',
    ...(incremental ? { replication_key: cursor } : {}),
    metadata: [
      { breadcrumb: [], metadata: stream },
      ...props.map((p) => ({
        breadcrumb: ['properties', p],
        metadata:
          keys.includes(p) || p === cursor
            ? { inclusion: 'automatic' }
            : { inclusion: 'available', 'selected-by-default': true },
      })),
    ],
  };
}

/**
 * The configured Airbyte catalog a Singer catalog (--catalog or --properties) selects, checked
 * against what the source discovers. A stream is read when its top-level metadata (or, in old
 * catalogs, its schema) says `selected: true`; when no stream in the file says either way, the
 * streams selected by default are (every one). No catalog at all: every stream, as discovered.
 */
export function configuredFrom(
  raw: unknown,
  discovered: AirbyteCatalog,
  flag: string,
): { configured: ConfiguredAirbyteCatalog; selected: SelectedStream[] } {
  const byName = new Map(discovered.streams.map((s) => [s.name, s]));
  const entries =
    raw === undefined ? singerCatalog(discovered).streams : (entriesOf(raw, flag) as Partial<SingerStream>[]);
  const explicit = entries.some((e) => typeof selectionOf(e) === 'boolean');
  const configured: ConfiguredAirbyteStream[] = [];
  const selected: SelectedStream[] = [];
  entries.forEach((e, i) => {
    const name = e.tap_stream_id ?? e.stream;
    if (typeof name !== 'string')
      throw configError(`The ${flag} file's streams[${i}] has no tap_stream_id. Use the catalog --discover prints.`);
    const s = byName.get(name);
    if (!s)
      throw configError(
        `The ${flag} file names stream '${name}', which this tap does not have. Its streams are: ${[...byName.keys()].join(', ')}. Run --discover and select from its catalog.`,
      );
    const top = metadataAt(e, []);
    if (!(selectionOf(e) ?? (explicit ? false : top['selected-by-default'] !== false))) return;
    if (configured.some((c) => c.stream.name === name))
      throw configError(`The ${flag} file selects stream '${name}' twice. Keep one entry for it.`);
    const cursor = cursorOf(s);
    const method = top['replication-method'] ?? e.replication_method ?? top['forced-replication-method'];
    const incremental = replicationOf(name, method, cursor, flag);
    const key = top['replication-key'] ?? e.replication_key;
    if (incremental && key !== undefined && key !== null && key !== cursor)
      throw configError(
        `Stream '${name}' in the ${flag} file has replication-key ${JSON.stringify(key)}; it can only replicate by '${cursor}' (its valid-replication-keys).`,
      );
    configured.push({
      stream: s,
      sync_mode: incremental ? 'incremental' : 'full_refresh',
      cursor_field: incremental && cursor ? [cursor] : undefined,
      destination_sync_mode: incremental ? 'append_dedup' : 'overwrite',
      primary_key: s.source_defined_primary_key,
    });
    selected.push(selectedStream(s, e, incremental));
  });
  return { configured: { streams: configured }, selected };
}

function entriesOf(raw: unknown, flag: string): unknown[] {
  const streams = (raw as { streams?: unknown } | null)?.streams;
  if (!raw || typeof raw !== 'object' || !Array.isArray(streams))
    throw configError(
      `The ${flag} file must be a Singer catalog: an object with a "streams" array. Generate one with --discover.`,
    );
  streams.forEach((e, i) => {
    if (!e || typeof e !== 'object')
      throw configError(`The ${flag} file's streams[${i}] is not an object. Use the catalog --discover prints.`);
  });
  return streams;
}

/** INCREMENTAL or FULL_TABLE as the catalog asks; a stream without a cursor is always FULL_TABLE. */
function replicationOf(name: string, method: unknown, cursor: string | undefined, flag: string): boolean {
  if (method === undefined || method === null) return cursor !== undefined;
  if (method === 'FULL_TABLE') return false;
  if (method !== 'INCREMENTAL')
    throw configError(
      `Stream '${name}' in the ${flag} file has replication-method ${JSON.stringify(method)}; use INCREMENTAL or FULL_TABLE.`,
    );
  if (cursor === undefined)
    throw configError(
      `Stream '${name}' has no replication key, so it can only be copied whole: set its replication-method to FULL_TABLE in the ${flag} file.`,
    );
  return true;
}

function selectedStream(s: AirbyteStream, e: Partial<SingerStream>, incremental: boolean): SelectedStream {
  const keys = keyOf(s);
  const cursor = cursorOf(s);
  const props = (s.json_schema.properties ?? {}) as Record<string, JsonSchema>;
  // a key or the replication key is `automatic`: the catalog cannot deselect it
  const deselected = new Set(
    Object.keys(props).filter(
      (p) => !keys.includes(p) && p !== cursor && metadataAt(e, ['properties', p]).selected === false,
    ),
  );
  const schema = deselected.size
    ? {
        ...s.json_schema,
        properties: Object.fromEntries(Object.entries(props).filter(([p]) => !deselected.has(p))),
      }
    : s.json_schema;
  return {
    name: s.name,
    schema,
    keyProperties: keys,
    bookmarkProperties: incremental && cursor ? [cursor] : [],
    deselected,
  };
}

function metadataAt(e: Partial<SingerStream>, breadcrumb: string[]): Record<string, unknown> {
  const want = JSON.stringify(breadcrumb);
  const found = Array.isArray(e.metadata)
    ? e.metadata.find((m) => m && typeof m === 'object' && JSON.stringify(m.breadcrumb) === want)
    : undefined;
  const md = found?.metadata;
  return md && typeof md === 'object' ? md : {};
}

/** The stream's selection: top-level metadata `selected`, else the old catalogs' `schema.selected`. */
function selectionOf(e: Partial<SingerStream>): boolean | undefined {
  const md = metadataAt(e, []).selected;
  if (typeof md === 'boolean') return md;
  const legacy = (e.schema as { selected?: unknown } | undefined)?.selected;
  return typeof legacy === 'boolean' ? legacy : undefined;
}
