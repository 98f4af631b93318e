// A stream's incoming state is checked against the shape the stream writes before the read starts:
// a state that is not this stream's (another stream's, an older version's) would otherwise be read
// as "no cursor" and silently start over or, worse, a value like "yesterday" would compare as a
// string and skip every record from then on.
import type { ValidateFunction } from 'ajv';
import { runtimeAjv } from './config.js';
import { configError } from './errors.js';
import type { Logger } from './log.js';
import type { JsonObject, JsonSchema } from './protocol.js';

/** The state schema a cursor-mode stream writes: { [cursorField]: <the record schema's type for it> }. */
export function cursorStateSchema(recordSchema: JsonSchema, field: string): JsonSchema {
  const prop = ((recordSchema.properties ?? {}) as Record<string, JsonSchema>)[field] ?? {};
  const types = (Array.isArray(prop.type) ? prop.type : prop.type ? [prop.type] : ['string', 'number']).filter(
    (t) => t !== 'null',
  );
  const valueSchema: JsonSchema = { type: types.length === 1 ? types[0] : types };
  if (typeof prop.format === 'string') valueSchema.format = prop.format;
  return { type: 'object', properties: { [field]: valueSchema } };
}

const compiled = new WeakMap<JsonSchema, ValidateFunction>();
const validatorFor = (schema: JsonSchema): ValidateFunction => {
  let v = compiled.get(schema);
  if (!v) compiled.set(schema, (v = runtimeAjv().compile(schema)));
  return v;
};

/**
 * The state to read from: the given one when it fits the schema, undefined (read from the start,
 * with a WARN) when it shares no key with it, and a config_error naming the field otherwise.
 */
export function checkStreamState(
  stream: string,
  state: JsonObject,
  schema: JsonSchema,
  log: Logger,
): JsonObject | undefined {
  const known = Object.keys((schema.properties ?? {}) as Record<string, unknown>);
  const keys = Object.keys(state);
  if (keys.length === 0) return state;
  if (known.length > 0 && !keys.some((k) => known.includes(k))) {
    log.warn(
      `The state for stream '${stream}' holds ${keys.map((k) => `'${k}'`).join(', ')} but none of ${known.map((k) => `'${k}'`).join(', ')}: ` +
        `it is not this stream's state (another stream's, or an older version's). Reading '${stream}' from the start date.`,
    );
    return undefined;
  }
  const validate = validatorFor(schema);
  if (validate(state)) return state;
  const err = validate.errors?.[0];
  if (!err) return state;
  const path = err.instancePath.replace(/^\//, '').split('/').join('.') || '(state)';
  const value =
    path === '(state)'
      ? state
      : err.instancePath
          .split('/')
          .slice(1)
          .reduce<unknown>((node, k) => (node as Record<string, unknown> | undefined)?.[k], state);
  throw configError(
    `The state for stream '${stream}' is not one this stream wrote: '${path}' is ${JSON.stringify(value)}, which ${describe(err.keyword, err.params, err.message)}. ` +
      `Pass the STATE messages a previous read printed, or remove the entry for '${stream}' to read it from the start date.`,
  );
}

function describe(keyword: string, params: Record<string, unknown>, message: string | undefined): string {
  if (keyword === 'format')
    return `is not a ${String(params.format)} (e.g. ${params.format === 'date' ? '2024-01-31' : '2024-01-31T00:00:00Z'})`;
  if (keyword === 'type') return `is not of type ${String(params.type)}`;
  return message ?? `breaks the rule '${keyword}'`;
}
