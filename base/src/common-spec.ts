// Config fields every connector accepts (CONTRACTS.md "Configs"): the kit adds them to each spec, so
// a connector's spec.json holds only its vendor's fields and no connector can forget one.
import type { ConnectorSpecification, JsonSchema } from './protocol.js';

export const DEFAULT_MAX_CONCURRENCY = 8;

const COMMON_FIELDS: Record<string, JsonSchema> = {
  max_concurrency: {
    type: 'integer',
    title: 'Max concurrency',
    description:
      "How many requests (partitions: lists, messages, files, date windows) may be in flight at once. The vendor's documented rate limit still applies on top. Default 8.",
    minimum: 1,
    maximum: 64,
    default: DEFAULT_MAX_CONCURRENCY,
    order: 90,
  },
  stream_maps: {
    type: 'object',
    title: 'Stream maps',
    description:
      "Meltano-style stream maps, per stream: a property set to null is dropped, set to an expression (md5(email), sha256(email + config['hash_seed'])) is computed; __else__: null keeps only the listed properties (and the key); __alias__ renames the stream; __key_properties__ replaces the key. A stream set to null is not synced. Applied in both protocols; discover shows the mapped streams. See docs/singer.md.",
    additionalProperties: { type: ['object', 'null'] },
    examples: [{ end_users: { email: 'sha256(email + config["hash_seed"])', __alias__: 'wootric_end_users' } }],
    order: 91,
  },
  stream_map_config: {
    type: 'object',
    title: 'Stream map config',
    description:
      "Values the stream map expressions read as config['name'] (for example a hash seed). Each is a string, and is masked like a password in everything the connector prints.",
    // masked: a hash seed known to a reader of the logs would let them test guesses against the hashes
    additionalProperties: { type: 'string', airbyte_secret: true },
    order: 92,
  },
};

/** The connector's spec with the common fields added (a field the connector declares itself wins). */
export function withCommonFields(spec: ConnectorSpecification): ConnectorSpecification {
  const conn = spec.connectionSpecification as JsonSchema & { properties?: Record<string, JsonSchema> };
  return {
    ...spec,
    connectionSpecification: { ...conn, properties: { ...conn.properties, ...omit(COMMON_FIELDS, conn.properties) } },
  };
}

const omit = (
  fields: Record<string, JsonSchema>,
  declared: Record<string, JsonSchema> = {},
): Record<string, JsonSchema> => Object.fromEntries(Object.entries(fields).filter(([k]) => !(k in declared)));
