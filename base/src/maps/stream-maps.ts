// Stream maps (config `stream_maps`, `stream_map_config`; Meltano's shape, docs/singer.md): the
// source's stream definitions are wrapped, so each wrapped stream's name, schema and primary key
// already are the mapped ones and its read() yields mapped records. Discover (both protocols) and
// the read loop see only the wrapped streams: the read loop, its state and its checkpoints are
// untouched, and no record leaves the connector unmapped. Every map is checked against the stream
// it names before anything is read: a mistake is a config_error naming stream, property and fix.
import { configError } from '../errors.js';
import type { JsonObject, JsonSchema } from '../protocol.js';
import { Checkpoint, normalizePrimaryKey, type AnyStreamDef, type StreamItem } from '../stream.js';
import { compileExpression, type Expression } from './expression.js';

type Props = Record<string, JsonSchema>;
const OPERATIONS = new Set(['__alias__', '__else__', '__key_properties__']);
const isOperation = (key: string): boolean => key.startsWith('__') && key.endsWith('__');

/** The source's streams as the config's stream_maps shape them (the same list when there are none). */
export function withStreamMaps<C>(defs: AnyStreamDef<C>[], config: C): AnyStreamDef<C>[] {
  const { stream_maps: maps, stream_map_config: mapConfig } = (config ?? {}) as {
    stream_maps?: unknown;
    stream_map_config?: unknown;
  };
  if (maps === undefined || maps === null) return defs;
  if (!isObject(maps)) throw configError('Config field stream_maps must be an object of stream name -> map.');
  if (Object.keys(maps).length === 0) return defs;
  const values = isObject(mapConfig) ? mapConfig : {};
  const names = defs.map((d) => d.name);
  for (const key of Object.keys(maps)) {
    if (key === '__else__') {
      if (maps[key] !== null)
        throw configError('stream_maps.__else__ may only be null (drop every stream not named in stream_maps).');
    } else if (!names.includes(key))
      throw configError(
        `stream_maps names stream '${key}', which this source does not have. Its streams are: ${names.join(', ')}.`,
      );
  }
  const out: AnyStreamDef<C>[] = [];
  for (const def of defs) {
    const map = Object.prototype.hasOwnProperty.call(maps, def.name) ? maps[def.name] : maps.__else__;
    if (map === null) continue; // the stream is dropped
    if (map === undefined) out.push(def);
    else if (!isObject(map))
      throw configError(`stream_maps.${def.name} must be an object of property -> expression, or null.`);
    else out.push(mapStream(def, map, values));
  }
  const seen = new Set<string>();
  for (const d of out) {
    if (seen.has(d.name))
      throw configError(`stream_maps: two streams would be called '${d.name}'; give them different __alias__ names.`);
    seen.add(d.name);
  }
  return out;
}

function mapStream<C>(
  def: AnyStreamDef<C>,
  map: Record<string, unknown>,
  values: Record<string, unknown>,
): AnyStreamDef<C> {
  const at = `stream_maps.${def.name}`;
  const props = (def.schema.properties ?? {}) as Props;
  const has = (p: string): boolean => Object.prototype.hasOwnProperty.call(props, p);
  const pk = normalizePrimaryKey(def.primaryKey).map((path) => path.join('.'));
  for (const key of Object.keys(map))
    if (isOperation(key) && !OPERATIONS.has(key))
      throw configError(`${at}.${key}: this operation is not supported (supported: ${[...OPERATIONS].join(', ')}).`);
  const alias = map.__alias__;
  if (alias !== undefined && (typeof alias !== 'string' || !alias.trim()))
    throw configError(`${at}.__alias__ must be a non-empty string: the stream's new name.`);
  if ('__else__' in map && map.__else__ !== null)
    throw configError(`${at}.__else__ may only be null (keep only the properties the map names).`);
  const keepOnlyListed = '__else__' in map;

  const dropped: string[] = [];
  const computed = new Map<string, Expression>();
  for (const [p, v] of Object.entries(map)) {
    if (isOperation(p)) continue;
    if (v === null) {
      if (!has(p))
        throw configError(
          `${at}.${p}: stream '${def.name}' has no property '${p}' to drop. Its properties are: ${Object.keys(props).join(', ')}.`,
        );
      dropped.push(p);
    } else if (typeof v === 'string') {
      const e = compileExpression(v, `${at}.${p}`, props);
      for (const f of e.fields)
        if (!has(f))
          throw configError(
            `${at}.${p}: the expression ${JSON.stringify(v)} reads property '${f}', which stream '${def.name}' does not have. Its properties are: ${Object.keys(props).join(', ')}.`,
          );
      for (const k of e.configKeys)
        if (!Object.prototype.hasOwnProperty.call(values, k))
          throw configError(
            `${at}.${p}: the expression ${JSON.stringify(v)} reads config['${k}'], which stream_map_config does not set. Add "${k}" to stream_map_config.`,
          );
      computed.set(p, e);
    } else
      throw configError(`${at}.${p} must be null (drop the property) or an expression string such as "md5(${p})".`);
  }

  // the cursor is what the kit reads incremental state from: it goes through unchanged or not at all
  const cursor = def.cursorField;
  if (cursor && (dropped.includes(cursor) || (computed.has(cursor) && map[cursor] !== cursor)))
    throw configError(
      `${at}.${cursor}: '${cursor}' is the stream's cursor (its incremental state is read from it), so it cannot be dropped or computed. Remove "${cursor}" from the map.`,
    );
  const keys = keyProperties(map.__key_properties__, pk, at);
  // Meltano keeps the primary key (and the cursor here) when __else__ drops the unlisted properties
  const kept = keepOnlyListed
    ? [...new Set([...pk, ...(cursor ? [cursor] : [])])].filter((p) => has(p) && !computed.has(p))
    : Object.keys(props).filter((p) => !dropped.includes(p) && !computed.has(p));
  const outProps: Props = {};
  for (const p of kept) outProps[p] = props[p];
  for (const [p, e] of computed) outProps[p] = p === map[p] && has(p) ? props[p] : e.schema;
  for (const k of keys)
    if (!(k in outProps))
      throw configError(
        `${at}: the map drops '${k}', part of the stream's key (${keys.join(', ')}). Keep it, hash it in place ("${k}": "sha256(${k})"), or set __key_properties__ to the properties that identify a record.`,
      );

  const required = Array.isArray(def.schema.required)
    ? (def.schema.required as string[]).filter((r) => r in outProps && !computed.has(r))
    : undefined;
  const schema: JsonSchema = { ...def.schema, properties: outProps, ...(required ? { required } : {}) };
  const mapRecord = recordMapper(kept, dropped, computed, values, keepOnlyListed);
  return {
    ...def,
    name: typeof alias === 'string' ? alias : def.name,
    schema,
    primaryKey: keys.map((k) => [k]),
    read: (ctx, slice) => mapItems(def.read(ctx, slice), mapRecord),
  };
}

/** The stream's key after the map: __key_properties__ when given (null: none), else the source's. */
function keyProperties(given: unknown, pk: string[], at: string): string[] {
  if (given === undefined) return pk;
  if (given === null) return [];
  if (!Array.isArray(given) || !given.every((k) => typeof k === 'string'))
    throw configError(`${at}.__key_properties__ must be a list of property names, or null for no key.`);
  return given as string[];
}

/** One record in, one mapped record out. Expressions read the record as the source made it. */
function recordMapper(
  kept: string[],
  dropped: string[],
  computed: Map<string, Expression>,
  config: Record<string, unknown>,
  keepOnlyListed: boolean,
): (r: JsonObject) => JsonObject {
  const exprs = [...computed];
  const drop = new Set(dropped);
  return (record) => {
    let out: JsonObject;
    if (keepOnlyListed) {
      out = {};
      for (const p of kept) if (p in record) out[p] = record[p];
    } else {
      out = {};
      for (const p of Object.keys(record)) if (!drop.has(p)) out[p] = record[p];
    }
    for (const [p, e] of exprs)
      out[p] = (e.evaluate({ record, config, self: record[p] ?? null }) ?? null) as JsonObject[string];
    return out;
  };
}

async function* mapItems(
  items: AsyncIterable<StreamItem>,
  map: (r: JsonObject) => JsonObject,
): AsyncGenerator<StreamItem> {
  for await (const item of items) {
    if (item instanceof Checkpoint) yield item;
    else if (Array.isArray(item)) yield item.map(map);
    else yield map(item);
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);
