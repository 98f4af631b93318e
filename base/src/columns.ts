// A table declared in its schema: a column whose property names `x-source` (a dotted path into the
// vendor's row, such as "properties.zip") is read from there and typed by the property as coerce
// types SOAP strings (date-time through toIsoUtc, booleans, whole numbers; absent, null or '' ->
// null). The other columns are the connector's own (keys, read times, run bounds): taken from
// `given`, else null. So a connector's column list is written once, as data beside its types.
import { coerceValue } from './coerce.js';
import type { JsonObject, JsonSchema, JsonValue } from './protocol.js';

type Property = { type?: string | string[]; format?: string; 'x-source'?: unknown };
interface Column {
  name: string;
  path: string[] | null;
  property: Property;
}

/** The value at `path` in `row`, undefined where any step is missing or not an object. */
function valueAt(row: JsonObject, path: string[]): JsonValue | undefined {
  let v: JsonValue | undefined = row;
  for (const key of path) {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return undefined;
    v = v[key];
  }
  return v;
}

/** The row mapper of a schema's columns, in the schema's order. */
export function columnsOf(schema: JsonSchema): (row: JsonObject, given: JsonObject) => JsonObject {
  const columns: Column[] = Object.entries((schema.properties ?? {}) as Record<string, Property>).map(
    ([name, property]) => {
      const source = property['x-source'];
      if (source !== undefined && (typeof source !== 'string' || source === ''))
        throw new Error(`schema property '${name}': x-source must be a dotted path such as "properties.zip"`);
      return { name, path: source === undefined ? null : source.split('.'), property };
    },
  );
  return (row, given) => {
    const out: JsonObject = {};
    for (const c of columns)
      out[c.name] = c.path ? coerceValue(valueAt(row, c.path), c.property) : (given[c.name] ?? null);
    return out;
  };
}
