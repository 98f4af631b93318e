// OAuth 2.0 client credentials (RFC 6749 section 4.4) as an HttpAuth: the token is asked for with a
// form-encoded POST through a client of its own (so it never carries the bearer header), masked in
// every output, renewed before it expires and again after a 401. A connector names its token path
// and how its config calls the credentials; the rest is here.
import { ConnectorError, configError } from './errors.js';
import { createHttpClient, type HttpAuth } from './http.js';
import type { Logger } from './log.js';
import type { EndpointField } from './retry.js';
import type { SecretMasker } from './secrets.js';

export interface ClientCredentials {
  baseURL: string;
  tokenPath: string;
  clientId: string;
  clientSecret: string;
  log: Logger;
  secrets: SecretMasker;
  endpoint?: EndpointField;
  /** How the config names the credentials, e.g. "'client_id' and 'client_secret'". */
  credentials: string;
  /** The whole sentence when the token endpoint refuses them (401/403): what to copy from where. */
  refused: string;
  /** Lifetime when the answer has no expires_in (seconds). */
  defaultLifetimeS?: number;
}

interface TokenAnswer {
  access_token?: string;
  expires_in?: number;
}
const RENEW_BEFORE_MS = 5 * 60_000;

export function clientCredentials(o: ClientCredentials): HttpAuth {
  const tokenHttp = createHttpClient({ baseURL: o.baseURL, log: o.log, retries: 3, endpoint: o.endpoint });
  let token: string | undefined;
  let expiresAt = 0;
  const fetchToken = async (): Promise<void> => {
    try {
      const res = await tokenHttp.post<TokenAnswer>(o.tokenPath, {
        auth: false,
        form: { grant_type: 'client_credentials', client_id: o.clientId, client_secret: o.clientSecret },
      });
      if (typeof res.data?.access_token !== 'string')
        throw configError(`The token answer from ${o.tokenPath} holds no access_token. Check ${o.credentials}.`);
      token = res.data.access_token;
      o.secrets.add(token);
      // renew a little early; a short-lived token (proxies, tests) keeps most of its life
      const lifetimeMs = (res.data.expires_in ?? o.defaultLifetimeS ?? 3600) * 1000;
      expiresAt = Date.now() + lifetimeMs - Math.min(RENEW_BEFORE_MS, lifetimeMs / 10);
    } catch (e) {
      // decided on the status, never on message text; an unreachable host keeps its own message
      if (e instanceof ConnectorError && (e.status === 401 || e.status === 403)) throw configError(o.refused, e);
      if (e instanceof ConnectorError && e.status !== undefined && e.status >= 400 && e.status < 500) {
        throw configError(`The token request was refused (${e.message}). Check ${o.credentials}.`, e);
      }
      throw e;
    }
  };
  return {
    credential: `access token (from ${o.credentials})`,
    headers: async () => {
      if (!token || Date.now() >= expiresAt) await fetchToken();
      return { authorization: `Bearer ${token}` };
    },
    refresh: async () => {
      o.log.info('The service answered 401; renewing the access token');
      await fetchToken();
    },
  };
}
