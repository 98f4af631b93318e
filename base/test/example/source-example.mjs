#!/usr/bin/env node
// A tiny connector on the kit, used to test the kit end to end before any real connector exists.
// Plain ESM JavaScript so the tests need no build step beyond base/dist.
import { defineSource, restStream, pageNumber, offsetPaging, runSource, configError } from '../../dist/index.js';

const spec = {
  documentationUrl: 'https://example.invalid/docs',
  connectionSpecification: {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'Example source',
    type: 'object',
    required: ['api_key', 'base_url'],
    properties: {
      api_key: { type: 'string', title: 'API key', description: 'Key sent as a bearer token.', airbyte_secret: true },
      base_url: { type: 'string', title: 'Base URL', description: 'Where the example service runs.', format: 'uri' },
      start_date: {
        type: 'string',
        title: 'Start date',
        description: 'Read items updated at or after this instant.',
        format: 'date-time',
        default: '2020-01-01T00:00:00Z',
      },
      page_size: {
        type: 'integer',
        title: 'Page size',
        description: 'Items per page.',
        minimum: 1,
        maximum: 10000,
        default: 100,
      },
    },
  },
};

const itemSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  type: 'object',
  required: ['id', 'updated_at'],
  properties: {
    id: { type: 'integer' },
    name: { type: ['string', 'null'] },
    updated_at: { type: 'string', format: 'date-time' },
  },
};

const items = restStream({
  name: 'items',
  schema: itemSchema,
  primaryKey: ['id'],
  cursorField: 'updated_at',
  sorted: true,
  checkpointEvery: Number(process.env.EXAMPLE_CHECKPOINT_EVERY ?? 10000),
  request: ({ config, page, ctx }) => ({
    path: '/items',
    params: { page, per_page: config.page_size, since: ctx.cursor.start(config.start_date) },
  }),
  paginate: (config) => pageNumber({ size: config.page_size }),
  records: (body) => body.items,
});

const events = restStream({
  name: 'events',
  schema: { type: 'object', properties: { id: { type: 'integer' }, kind: { type: 'string' } } },
  primaryKey: ['id'],
  request: ({ page }) => ({ path: '/events', params: { offset: page, limit: 50 } }),
  paginate: () => offsetPaging({ limit: 50 }),
});

const source = defineSource({
  name: 'source-example',
  version: '0.0.1',
  spec,
  http: (config) => ({
    baseURL: config.base_url,
    endpoint: { field: 'base_url' },
    auth: { headers: () => ({ authorization: `Bearer ${config.api_key}` }), credential: 'API key (api_key)' },
    rateLimit: process.env.EXAMPLE_RPS ? { perSecond: Number(process.env.EXAMPLE_RPS) } : undefined,
  }),
  validate: (config) => {
    // stands in for a library that warns mid-run (the AWS SDK's Node-version notice, a deprecation)
    // three times, as a library that warns once per client or per file does
    if (process.env.EXAMPLE_WARNING)
      for (let i = 0; i < 3; i++) process.emitWarning(process.env.EXAMPLE_WARNING, 'TestWarning');
    if (config.base_url.endsWith('/'))
      throw configError("Config field 'base_url' must not end with '/'. Remove the trailing slash.");
  },
  check: async ({ http }) => {
    await http.get('/items', { params: { page: 1, per_page: 1 } });
  },
  streams: [items, events],
});

export default source;

if (import.meta.url === `file://${process.argv[1]}`) await runSource(source, process.argv.slice(2));
