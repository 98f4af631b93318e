// Ometria's vendor facts (WIRE.md): the API key in X-Ometria-Auth, v2 paths, 4 requests a second
// per account (a 429 when over; Retry-After is not documented), profiles paged by limit (max 250)
// and offset. /v2/lists takes `mode` (default `active`) and no paging parameter.
import type { HttpOptions } from '@conkit/base';
import type { Config } from './config.js';

export const PAGE = 250;

/** Every list, archived ones too: one request, as documented (no paging). */
export const ALL_LISTS = { path: '/v2/lists', params: { mode: 'all' } };

export const httpOptions = (config: Config): HttpOptions => ({
  baseURL: config.base_url,
  rateLimit: { perSecond: 4 },
  auth: { headers: () => ({ 'x-ometria-auth': config.api_key }), credential: "API key ('api_key')" },
});
