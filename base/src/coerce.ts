// SOAP delivers strings (or whatever the soap package made of them); a table carries types. Each
// value is typed by the stream's JSON schema: integers and numbers only from whole numeric strings,
// xsd:boolean's four forms, repeated elements as arrays, `date-time` through toIsoUtc (a value
// without an offset is read as UTC). A string without a date-time format goes out as sent.
import type { JsonObject, JsonSchema, JsonValue } from './protocol.js';
import { toIsoUtc } from './time.js';

type Prop = { type?: string | string[]; format?: string; items?: Prop };
const kind = (p: Prop): string => (Array.isArray(p.type) ? p.type.find((t) => t !== 'null') : p.type) ?? 'string';

// xsd:boolean's lexical forms; anything else is not a boolean and goes out as null, not false
const XSD_BOOLEAN: Record<string, boolean> = { true: true, '1': true, false: false, '0': false };

/** The whole string must be a number: parseFloat would turn '12abc' into 12. */
function toNumber(v: unknown): number | null {
  const s = String(v).trim();
  const n = s === '' ? Number.NaN : Number(s);
  return Number.isFinite(n) ? n : null;
}

export function coerceValue(v: unknown, p: Prop): JsonValue {
  if (v === undefined || v === null || v === '') return null;
  if (typeof v === 'object' && !(v instanceof Date) && (v as { $attributes?: { nil?: string } }).$attributes?.nil)
    return null;
  switch (kind(p)) {
    case 'integer': {
      const n = toNumber(v);
      return n !== null && Number.isInteger(n) ? n : null;
    }
    case 'number':
      return toNumber(v);
    case 'boolean':
      return typeof v === 'boolean' ? v : (XSD_BOOLEAN[String(v).trim().toLowerCase()] ?? null);
    case 'array': {
      // the wire repeats the element (<GoogleTrackingDomains>a</GoogleTrackingDomains><GoogleTrackingDomains>b</...>):
      // node-soap gives ['a', 'b'] (or 'a'); a wrapped { string: [...] } is read too
      const inner = typeof v === 'object' && !Array.isArray(v) ? Object.values(v as object)[0] : v;
      return (Array.isArray(inner) ? inner : [inner])
        .filter((x) => x !== undefined && x !== null)
        .map((x) => String(x));
    }
    case 'object':
      return typeof v === 'object' ? (JSON.parse(JSON.stringify(v)) as JsonValue) : null;
    default:
      if (p.format === 'date-time') return toIsoUtc(v instanceof Date ? v.toISOString() : String(v));
      return String(v);
  }
}

export function coerce(raw: Record<string, unknown>, schema: JsonSchema): JsonObject {
  const props = (schema.properties ?? {}) as Record<string, Prop>;
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(raw))
    if (k !== 'attributes' && k !== '$attributes')
      out[k] = props[k]
        ? coerceValue(v, props[k])
        : typeof v === 'object'
          ? (JSON.parse(JSON.stringify(v)) as JsonValue)
          : String(v);
  return out;
}
