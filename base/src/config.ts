// Checks a config against the connector's connectionSpecification with ajv, applying defaults, and
// turns the first problem into one sentence that names the field and the fix.
import { Ajv, type ErrorObject } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { JsonSchema } from './protocol.js';
import { configError } from './errors.js';

// ajv-formats is CommonJS; under NodeNext its default export arrives wrapped.
const addFormats = (addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule;

/** `validateSchema: false` skips checking each schema against the JSON Schema meta-schema. */
export function createAjv({ validateSchema = true }: { validateSchema?: boolean } = {}): Ajv {
  // strict: false because specs carry Airbyte's own keywords (airbyte_secret, order, examples...).
  const ajv = new Ajv({ strict: false, allErrors: false, useDefaults: true, coerceTypes: false, validateSchema });
  (addFormats as unknown as (a: Ajv) => void)(ajv);
  return ajv;
}

let runtime: Ajv | undefined;
/**
 * The validator a connector run compiles its spec and state schemas with: one per process, and
 * without the meta-schema check. The schemas are the connector's own, checked against the
 * meta-schema by the acceptance suite (specIsSound); compiling the meta-schema again in every
 * check, discover and read cost ~50 ms of start-up, once per schema.
 */
export const runtimeAjv = (): Ajv => (runtime ??= createAjv({ validateSchema: false }));

function fieldName(err: ErrorObject): string {
  const path = err.instancePath.replace(/^\//, '').split('/').filter(Boolean).join('.');
  if (err.keyword === 'required') {
    const missing = (err.params as { missingProperty: string }).missingProperty;
    return path ? `${path}.${missing}` : missing;
  }
  return path || '(config)';
}

function fieldTitle(schema: JsonSchema, field: string): string | undefined {
  let node: unknown = schema;
  for (const part of field.split('.')) {
    const props = (node as { properties?: Record<string, unknown> } | undefined)?.properties;
    node = props?.[part];
  }
  return (node as { title?: string } | undefined)?.title;
}

export function describeConfigError(err: ErrorObject, schema: JsonSchema): string {
  const field = fieldName(err);
  const title = fieldTitle(schema, field);
  const named = title ? `'${field}' (${title})` : `'${field}'`;
  switch (err.keyword) {
    case 'required':
      return `Config field ${named} is required but missing. Add it to the config.`;
    case 'type':
      return `Config field ${named} must be of type ${(err.params as { type: string }).type}. Fix its value.`;
    case 'format':
      return `Config field ${named} must be a valid ${(err.params as { format: string }).format}. Fix its value.`;
    case 'pattern': {
      const example = fieldNode(schema, field) as { pattern_descriptor?: string; examples?: unknown[] } | undefined;
      const hint = example?.pattern_descriptor ?? (example?.examples ? String(example.examples[0]) : undefined);
      return `Config field ${named} has the wrong form${hint ? `; expected something like ${hint}` : ''}. Fix its value.`;
    }
    case 'enum':
      return `Config field ${named} must be one of ${JSON.stringify((err.params as { allowedValues: unknown[] }).allowedValues)}.`;
    case 'additionalProperties':
      return `Config field '${(err.params as { additionalProperty: string }).additionalProperty}' is not known. Remove it.`;
    default:
      return `Config field ${named} ${err.message ?? 'is invalid'}. Fix its value.`;
  }
}

function fieldNode(schema: JsonSchema, field: string): unknown {
  let node: unknown = schema;
  for (const part of field.split('.'))
    node = (node as { properties?: Record<string, unknown> } | undefined)?.properties?.[part];
  return node;
}

/** Validates (and fills defaults into) a copy of the config; throws a config_error naming the field. */
export function checkConfig<C>(schema: JsonSchema, config: unknown): C {
  if (config === null || typeof config !== 'object' || Array.isArray(config)) {
    throw configError('The config must be a JSON object (for example {"api_key": "..."}).');
  }
  const copy = structuredClone(config) as Record<string, unknown>;
  const validate = runtimeAjv().compile(schema);
  if (!validate(copy)) {
    const [first] = validate.errors ?? [];
    throw configError(first ? describeConfigError(first, schema) : 'The config does not match the spec.');
  }
  return copy as C;
}
