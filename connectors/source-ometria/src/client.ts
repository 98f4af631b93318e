// Ometria's vendor facts (WIRE.md): the API key in X-Ometria-Auth, v2 paths, 4 requests a second
// per account (a 429 when over; Retry-After is not documented), profiles paged by limit (max 250)
// and offset. /v2/lists takes `mode` (default `active`) and documents no paging parameter.
import type { HttpOptions, HttpRequest, PageToken } from '@conkit/base';
import type { Config } from './config.js';

export const PAGE = 250;

/**
 * Every list, archived ones too (mode=all). No paging is documented for /v2/lists (nor for
 * /v2/unsubscribes): limit/offset are sent all the same, so an undocumented default page size
 * cannot cut an answer short; if the service ignores them, the kit's page loop sees the repeated
 * page and ends the read with a WARN (WIRE.md "lists paging", "unsubscribes paging").
 */
export const listsRequest = (offset: PageToken | undefined, limit = PAGE): HttpRequest => ({
  path: '/v2/lists',
  params: { mode: 'all', limit, offset },
});

export const httpOptions = (config: Config): HttpOptions => ({
  baseURL: config.base_url,
  endpoint: { field: 'base_url' },
  rateLimit: { perSecond: 4 },
  auth: { headers: () => ({ 'x-ometria-auth': config.api_key }), credential: "API key ('api_key')" },
});
