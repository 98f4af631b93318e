// Ometria's vendor facts: the API key in X-Ometria-Auth, v2 paths, about 4 requests a second
// (a 429 carries no Retry-After), and limit/offset paging of at most 250.
import type { HttpOptions } from '@conkit/base';
import type { Config } from './config.js';

export const PAGE = 250;

export const httpOptions = (config: Config): HttpOptions => ({
  baseURL: config.base_url,
  rateLimit: { perSecond: 4 },
  auth: { headers: () => ({ 'x-ometria-auth': config.api_key }), credential: "API key ('api_key')" },
});
