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

/** An absent value: undefined, null, '', or an element the service marked xsi:nil. */
const isNil = (v: unknown): boolean =>
  v === undefined ||
  v === null ||
  v === '' ||
  (typeof v === 'object' && !(v instanceof Date) && !!(v as { $attributes?: { nil?: string } }).$attributes?.nil);

export type Coercer = (v: unknown) => JsonValue;

/** The typing of one property, worked out once: a mapper calls it per row without reading the schema again. */
function coercerFor(p: Prop): Coercer {
  switch (kind(p)) {
    case 'integer':
      return (v) => {
        const n = isNil(v) ? null : toNumber(v);
        return n !== null && Number.isInteger(n) ? n : null;
      };
    case 'number':
      return (v) => (isNil(v) ? null : toNumber(v));
    case 'boolean':
      return (v) =>
        isNil(v) ? null : typeof v === 'boolean' ? v : (XSD_BOOLEAN[String(v).trim().toLowerCase()] ?? null);
    case 'array':
      // the wire repeats the element (<GoogleTrackingDomains>a</GoogleTrackingDomains><GoogleTrackingDomains>b</...>):
      // node-soap gives ['a', 'b'] (or 'a'); a wrapped { string: [...] } is read too
      return (v) => {
        if (isNil(v)) return null;
        const inner = typeof v === 'object' && !Array.isArray(v) ? Object.values(v as object)[0] : v;
        return (Array.isArray(inner) ? inner : [inner]).filter((x) => x !== undefined && x !== null).map(String);
      };
    case 'object':
      return (v) => (!isNil(v) && typeof v === 'object' ? (JSON.parse(JSON.stringify(v)) as JsonValue) : null);
    default:
      return p.format === 'date-time'
        ? (v) => (isNil(v) ? null : toIsoUtc(v instanceof Date ? v.toISOString() : String(v)))
        : (v) => (isNil(v) ? null : String(v));
  }
}

const coercers = new WeakMap<Prop, Coercer>();

/** The typing of a schema property (cached per property object). */
export function coercerOf(p: Prop): Coercer {
  let c = coercers.get(p);
  if (!c) coercers.set(p, (c = coercerFor(p)));
  return c;
}

export const coerceValue = (v: unknown, p: Prop): JsonValue => coercerOf(p)(v);

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
