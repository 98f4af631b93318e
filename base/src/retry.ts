// What to do with each HTTP outcome, as a table (Airbyte declarative CDK style), and how long to wait.
import type { FailureType } from './protocol.js';

export type Action = 'success' | 'retry' | 'refresh_auth' | 'fail';
export interface Decision { action: Action; failureType?: FailureType }

const NETWORK_CODES = new Set([
  'ECONNRESET', 'ETIMEDOUT', 'ECONNABORTED', 'ECONNREFUSED', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN',
  'ENETUNREACH', 'EHOSTUNREACH', 'ERR_SOCKET_CONNECTION_TIMEOUT', 'UND_ERR_SOCKET', 'ERR_BAD_RESPONSE',
]);

export function isNetworkCode(code: string | undefined): boolean {
  return !!code && NETWORK_CODES.has(code);
}

/**
 * Codes that mean the host cannot be reached at all (nothing answers, or the name does not resolve).
 * Before the first answer from a host they are most likely a wrong address in the config, so they
 * are retried only briefly, then reported as a config_error naming the host and the field.
 */
const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH']);
export const isUnreachableCode = (code: string | undefined): boolean => !!code && UNREACHABLE_CODES.has(code);
/** Retries a host that has never answered gets before its unreachable error is reported. */
export const UNREACHABLE_RETRIES = 2;

/** Where the config names the service's address, and whether the user set it (else a default was used). */
export interface EndpointField { field: string; set?: boolean }

/** The config_error for a host that never answered: what failed, the host, and the field to check. */
export function unreachableMessage(url: string, code: string, endpoint: EndpointField | undefined, attempts: number, configuredUrl = url): string {
  let host = url;
  try {
    host = new URL(url).host;
  } catch {
    /* keep the text as given */
  }
  const what = code === 'ENOTFOUND' || code === 'EAI_AGAIN' ? `the host name ${host} does not resolve (${code})` : `nothing answers at ${host} (${code})`;
  const fix = !endpoint
    ? 'Check the service address in the config and the network between here and that host.'
    : endpoint.set === false
      ? `'${endpoint.field}' is not set, so the default address was used: check the network, proxy or firewall between here and ${host}.`
      : `Check '${endpoint.field}' in the config (now ${configuredUrl}).`;
  return `Could not connect: ${what}, ${attempts} attempts. ${fix}`;
}

export function decide(status: number): Decision {
  if (status >= 200 && status < 300) return { action: 'success' };
  if (status === 401) return { action: 'refresh_auth', failureType: 'config_error' };
  if (status === 403) return { action: 'fail', failureType: 'config_error' };
  if (status === 408 || status === 429 || status >= 500) return { action: 'retry', failureType: 'transient_error' };
  return { action: 'fail', failureType: 'system_error' };
}

type HeaderBag = Record<string, unknown>;
const header = (h: HeaderBag, name: string): string | undefined => {
  const v = h[name] ?? h[name.toLowerCase()];
  return v === undefined || v === null ? undefined : String(v);
};

/** Milliseconds the server asked us to wait, from Retry-After or a rate-limit reset header. */
export function serverWaitMs(headers: HeaderBag, now = Date.now()): number | undefined {
  const retryAfter = header(headers, 'retry-after');
  if (retryAfter !== undefined) {
    if (/^\d+(\.\d+)?$/.test(retryAfter.trim())) return Number(retryAfter) * 1000;
    const at = Date.parse(retryAfter);
    if (!Number.isNaN(at)) return Math.max(0, at - now);
  }
  for (const name of ['x-rate-limit-reset', 'x-ratelimit-reset', 'ratelimit-reset']) {
    const v = header(headers, name);
    if (v === undefined || !/^\d+(\.\d+)?$/.test(v.trim())) continue;
    const n = Number(v);
    // Large values are an epoch instant (seconds or ms); small ones are seconds from now.
    if (n > 1e12) return Math.max(0, n - now);
    if (n > 1e9) return Math.max(0, n * 1000 - now);
    return n * 1000;
  }
  return undefined;
}

/** Exponential backoff with full jitter: attempt 1 waits up to base, then 2x, 4x ... capped. */
export function backoffMs(attempt: number, baseMs: number, maxMs: number, random = Math.random): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

export const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    if (ms <= 0) return resolve();
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => { clearTimeout(t); resolve(); }, { once: true });
  });
