// Checks of a Singer tap's output (singer-io/getting-started docs/SPEC.md): every stdout line is a
// SCHEMA, RECORD or STATE message of the right shape, each stream's SCHEMA comes before its first
// RECORD, every record is valid against its stream's SCHEMA (ajv), and every STATE is a
// {"bookmarks": {...}} value a next run can start from.
import { expect } from 'vitest';
import { createAjv, type JsonObject, type JsonSchema } from '@conkit/base';
import type { ConnectorRun } from '@conkit/base/testing';

export interface SingerSchema {
  type: 'SCHEMA';
  stream: string;
  schema: JsonSchema;
  key_properties: string[];
  bookmark_properties?: string[];
}
export interface SingerOutput {
  schemas: Map<string, SingerSchema>;
  records: Map<string, JsonObject[]>;
  /** Every STATE message's value, in order. */
  states: { bookmarks: Record<string, JsonObject> }[];
}

const ajv = createAjv();
type ValidateFunction = ReturnType<typeof ajv.compile>;
const ISO_UTC = '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?Z$';
/** A Singer message of `type` with these fields (all required) and no others. */
const message = (type: string, properties: Record<string, object>, optional: string[] = []): ValidateFunction =>
  ajv.compile({
    type: 'object',
    required: ['type', ...Object.keys(properties).filter((k) => !optional.includes(k))],
    additionalProperties: false,
    properties: { type: { const: type }, ...properties },
  });
const SHAPES: Record<string, ValidateFunction> = {
  SCHEMA: message(
    'SCHEMA',
    {
      stream: { type: 'string', minLength: 1 },
      schema: { type: 'object', required: ['properties'] },
      key_properties: { type: 'array', items: { type: 'string' } },
      bookmark_properties: { type: 'array', items: { type: 'string' } },
    },
    ['bookmark_properties'],
  ),
  RECORD: message('RECORD', {
    stream: { type: 'string', minLength: 1 },
    record: { type: 'object' },
    time_extracted: { type: 'string', pattern: ISO_UTC },
  }),
  STATE: message('STATE', {
    value: {
      type: 'object',
      required: ['bookmarks'],
      properties: { bookmarks: { type: 'object', additionalProperties: { type: 'object' } } },
    },
  }),
};

/** Parses and checks a Singer run's stdout; fails the test at the first line that breaks the spec. */
export function singerOutput(run: ConnectorRun): SingerOutput {
  const out: SingerOutput = { schemas: new Map(), records: new Map(), states: [] };
  const validators = new Map<string, ValidateFunction>();
  run.stdout
    .split('\n')
    .filter(Boolean)
    .forEach((line, i) => {
      let msg: { type?: string; stream?: string; record?: JsonObject; value?: unknown };
      try {
        msg = JSON.parse(line) as typeof msg;
      } catch {
        throw new Error(`stdout line ${i + 1} is not JSON: ${line.slice(0, 200)}`);
      }
      const shape = SHAPES[String(msg.type)];
      expect(shape, `line ${i + 1} has type ${msg.type}`).toBeDefined();
      expect(shape(msg), `line ${i + 1} (${msg.type}): ${ajv.errorsText(shape.errors)}`).toBe(true);
      if (msg.type === 'SCHEMA') {
        const s = msg as SingerSchema;
        const props = Object.keys((s.schema.properties ?? {}) as object);
        for (const k of [...s.key_properties, ...(s.bookmark_properties ?? [])])
          expect(props, `${s.stream}: key or bookmark property '${k}' is not in its schema`).toContain(k);
        out.schemas.set(s.stream, s);
        validators.set(s.stream, ajv.compile(s.schema));
      } else if (msg.type === 'RECORD') {
        const stream = String(msg.stream);
        const validate = validators.get(stream);
        expect(validate, `line ${i + 1}: a RECORD of '${stream}' before its SCHEMA`).toBeDefined();
        expect(validate?.(msg.record), `${stream} record invalid: ${ajv.errorsText(validate?.errors)}`).toBe(true);
        const list = out.records.get(stream) ?? [];
        list.push(msg.record as JsonObject);
        out.records.set(stream, list);
      } else out.states.push(msg.value as SingerOutput['states'][number]);
    });
  return out;
}

/** The last STATE's value: what Meltano stores and passes back with --state. */
export const lastState = (o: SingerOutput): SingerOutput['states'][number] => {
  const last = o.states.at(-1);
  if (!last) throw new Error('the sync printed no STATE');
  return last;
};
