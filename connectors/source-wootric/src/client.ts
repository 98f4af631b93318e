// Wootric's vendor facts: OAuth client credentials at {base_url}/oauth/token, a bearer token that
// lasts about two hours (renewed before it expires, and on a 401), about 100 requests a minute.
import type { EndpointField, HttpAuth, HttpClient, HttpContext, HttpOptions, Logger, SecretMasker } from '@conkit/base';
import { ConnectorError, configError, createHttpClient } from '@conkit/base';

export interface Config { client_id: string; client_secret: string; start_date?: string; base_url: string }

interface Token { access_token: string; expires_in?: number }
const RENEW_BEFORE_MS = 5 * 60_000;

export function wootricAuth(config: Config, secrets: SecretMasker, log: Logger, endpoint?: EndpointField): HttpAuth {
  // the token request goes through its own client so it never carries the bearer header
  const tokenHttp: HttpClient = createHttpClient({ baseURL: config.base_url, log, retries: 3, endpoint });
  let token: string | undefined;
  let expiresAt = 0;
  const fetchToken = async (): Promise<void> => {
    try {
      const res = await tokenHttp.post<Token>('/oauth/token', {
        auth: false,
        form: { grant_type: 'client_credentials', client_id: config.client_id, client_secret: config.client_secret },
      });
      token = res.data.access_token;
      secrets.add(token);
      // renew a little early; a short-lived token (proxies, tests) keeps most of its life
      const lifetimeMs = (res.data.expires_in ?? 7200) * 1000;
      expiresAt = Date.now() + lifetimeMs - Math.min(RENEW_BEFORE_MS, lifetimeMs / 10);
    } catch (e) {
      // the token endpoint's refusal of the credentials (its status and body are not documented:
      // WIRE.md "bad client credentials"); an unreachable host keeps its own message
      if (e instanceof ConnectorError && (e.status === 401 || e.status === 403)) {
        throw configError("Wootric rejected the client ID or client secret. Copy both again from Settings -> API in Wootric into 'client_id' and 'client_secret'.", e);
      }
      if (e instanceof ConnectorError && e.status !== undefined && e.status >= 400 && e.status < 500) {
        throw configError(`Wootric refused the token request (${e.message}). Check 'client_id' and 'client_secret'.`, e);
      }
      throw e;
    }
  };
  return {
    credential: "access token (from 'client_id' and 'client_secret')",
    headers: async () => {
      if (!token || Date.now() >= expiresAt) await fetchToken();
      return { authorization: `Bearer ${token}` };
    },
    refresh: async () => {
      log.info('Wootric answered 401; renewing the access token');
      await fetchToken();
    },
  };
}

export const httpOptions = (config: Config, ctx: HttpContext): HttpOptions => ({
  baseURL: config.base_url,
  endpoint: { field: 'base_url' },
  // Wootric allows about 100 requests a minute and reports its budget in X-Rate-Limit-* headers.
  rateLimit: { perMinute: 100 },
  auth: wootricAuth(config, ctx.secrets, ctx.log, { field: 'base_url', set: ctx.configured?.('base_url') }),
});
