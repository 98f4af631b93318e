// The one retry path of the kit: what to do with each outcome (a status table, Airbyte declarative
// CDK style), how long to wait, and the loop that HTTP and SOAP calls share (S3 requests are retried
// by the AWS SDK alone, see s3.ts). A transport classifies each attempt once, into done, retry
// (with the server's wait, if it named one) or a thrown ConnectorError; the loop does the rest.
import type { FailureType } from './protocol.js';
import { ConnectorError, transientError } from './errors.js';
import type { Logger } from './log.js';
import { currentPool, inSlot } from './pool.js';

export type Action = 'success' | 'retry' | 'refresh_auth' | 'fail';
export interface Decision {
  action: Action;
  failureType?: FailureType;
}

const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ETIMEDOUT',
  'ECONNABORTED',
  'ECONNREFUSED',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'ERR_SOCKET_CONNECTION_TIMEOUT',
  'UND_ERR_SOCKET',
  'ERR_BAD_RESPONSE',
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
export interface EndpointField {
  field: string;
  set?: boolean;
}

/** The config_error for a host that never answered: what failed, the host, and the field to check. */
export function unreachableMessage(
  url: string,
  code: string,
  endpoint: EndpointField | undefined,
  attempts: number,
  configuredUrl = url,
): string {
  let host = url;
  try {
    host = new URL(url).host;
  } catch {
    /* keep the text as given */
  }
  const what =
    code === 'ENOTFOUND' || code === 'EAI_AGAIN'
      ? `the host name ${host} does not resolve (${code})`
      : `nothing answers at ${host} (${code})`;
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
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(t);
        resolve();
      },
      { once: true },
    );
  });

/** What one attempt came to: a value, or a problem worth another attempt. */
export type Outcome<T> =
  | { done: T }
  | {
      /** What went wrong, for the WARN and the final error ("GET /x answered HTTP 503"). */
      retry: string;
      /** The wait the server asked for (Retry-After, a rate-limit reset). */
      waitMs?: number;
      /** A network code meaning the host was never reached: a short probe only. */
      unreachable?: string;
      /** The attempt does not count (a renewed credential): try again at once. */
      free?: boolean;
      /** The service said "too many requests" (429): every request of the run waits, not just this one. */
      throttled?: boolean;
    };

export interface RetryPolicy {
  /** Retries after the first attempt. */
  retries: number;
  baseMs: number;
  maxMs: number;
  /** Cap on the total time spent waiting between attempts. */
  maxWaitMs?: number;
  log?: Logger;
  /** The error once an unreachable host's probe is over. */
  unreachable?: (code: string, attempts: number) => ConnectorError;
  /** The error once retries run out (default: a transient_error saying to run the sync again later). */
  exhausted?: (problem: string, attempts: number) => ConnectorError;
}

/** Runs attempts until one is done, a ConnectorError is thrown, or the policy's limits are reached. */
export async function retrying<T>(attempt: (n: number) => Promise<Outcome<T>>, p: RetryPolicy): Promise<T> {
  let waited = 0;
  for (let n = 1; ; n++) {
    // each attempt takes one of the run's request slots; the waits between attempts hold none
    const [o, delay] = await inSlot(async () => {
      const outcome = await attempt(n);
      if (!('retry' in outcome)) return [outcome, 0] as const;
      const wait = outcome.waitMs ?? backoffMs(n, p.baseMs, outcome.unreachable ? Math.min(1000, p.maxMs) : p.maxMs);
      // a 429, or any wait the server names, holds back every request of the run (pool.ts) for the
      // wait this attempt takes, set before this slot is handed on, so no request slips out first
      if (outcome.throttled || outcome.waitMs !== undefined) currentPool()?.pause(wait);
      return [outcome, wait] as const;
    });
    if ('done' in o) return o.done;
    if (o.free) {
      n--;
      continue;
    }
    const limit = o.unreachable ? Math.min(UNREACHABLE_RETRIES, p.retries) : p.retries;
    if (n > limit) {
      if (o.unreachable && p.unreachable) throw p.unreachable(o.unreachable, n);
      throw (
        p.exhausted?.(o.retry, n) ??
        transientError(
          `${o.retry}; gave up after ${n} attempts. The service may be down or rate limiting; run the sync again later.`,
        )
      );
    }
    if (p.maxWaitMs !== undefined && waited + delay > p.maxWaitMs) {
      throw transientError(
        `${o.retry}; stopped retrying after waiting ${Math.round(waited / 1000)} s in total (limit ${Math.round(p.maxWaitMs / 1000)} s). Run the sync again later.`,
      );
    }
    // a host that never answered gets a short probe, reported once as its own error if it fails
    const say = `${o.retry}; retrying in ${(delay / 1000).toFixed(1)} s (attempt ${n + 1} of ${limit + 1}${o.waitMs !== undefined ? ', as the server asked' : ''})`;
    if (o.unreachable) p.log?.info(say);
    else p.log?.warn(say);
    waited += delay;
    await sleep(delay);
  }
}

/** Backoff base for tests: CONKIT_RETRY_BASE_MS runs the real retry path without waiting seconds. */
export const retryBaseMs = (fallback = 1000): number => {
  const v = process.env.CONKIT_RETRY_BASE_MS;
  return v && /^\d+$/.test(v) ? Number(v) : fallback;
};
