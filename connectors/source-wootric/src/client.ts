// Wootric's vendor facts (WIRE.md): OAuth client credentials at {base_url}/oauth/token, a bearer
// token of 7,200 s (renewed before it expires, and on a 401), 100 requests a minute as documented.
import type { HttpContext, HttpOptions } from '@conkit/base';
import { clientCredentials } from '@conkit/base';

export interface Config {
  client_id: string;
  client_secret: string;
  start_date?: string;
  base_url: string;
}

export const httpOptions = (config: Config, ctx: HttpContext): HttpOptions => ({
  baseURL: config.base_url,
  endpoint: { field: 'base_url' },
  rateLimit: { perMinute: 100 },
  auth: clientCredentials({
    baseURL: config.base_url,
    tokenPath: '/oauth/token',
    clientId: config.client_id,
    clientSecret: config.client_secret,
    log: ctx.log,
    secrets: ctx.secrets,
    endpoint: { field: 'base_url', set: ctx.configured?.('base_url') },
    credentials: "'client_id' and 'client_secret'",
    refused:
      "Wootric rejected the client ID or client secret. Copy both again from Settings -> API in Wootric into 'client_id' and 'client_secret'.",
    defaultLifetimeS: 7200,
  }),
});
