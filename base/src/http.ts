// The HTTP client every REST connector shares: axios underneath, with keep-alive agents, pacing,
// retries with backoff and jitter, server-directed waits, auth renewal on 401, and errors that say
// what to fix. Connectors never write retry code.
import http from 'node:http';
import https from 'node:https';
import type { Readable } from 'node:stream';
import type { AxiosInstance, AxiosRequestConfig, AxiosResponse, CreateAxiosDefaults } from 'axios';
import { ConnectorError, configError, systemError } from './errors.js';
import {
  describeNetworkError,
  networkCode,
  parseBody,
  plainHeaders,
  readErrorBody,
  statusError,
} from './http-response.js';
import {
  decide,
  isUnreachableCode,
  retryBaseMs,
  retrying,
  serverWaitMs,
  unreachableMessage,
  type EndpointField,
} from './retry.js';
import { RateLimiter, type RateLimit } from './ratelimit.js';
import type { Logger } from './log.js';

export interface HttpAuth {
  /** Headers to send; called before every attempt so renewed tokens are picked up. */
  headers(): Promise<Record<string, string>> | Record<string, string>;
  /** Renews the credential after a 401; the request is then tried once more. */
  refresh?(): Promise<void>;
  /** How to name the credential in an error, e.g. "API key (api_key)". */
  credential?: string;
}

export interface HttpOptions {
  baseURL?: string;
  headers?: Record<string, string>;
  timeoutMs?: number;
  /** Retries after the first attempt. */
  retries?: number;
  /** Base of the exponential backoff. */
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  /** Cap on the total time spent waiting between attempts of one request. */
  maxWaitMs?: number;
  rateLimit?: RateLimit;
  auth?: HttpAuth;
  log?: Logger;
  /** The config field holding baseURL, named in the error when the host cannot be reached (set: filled in by the kit). */
  endpoint?: EndpointField;
}

export interface HttpRequest {
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'HEAD';
  path: string;
  params?: Record<string, string | number | boolean | undefined>;
  headers?: Record<string, string>;
  json?: unknown;
  form?: Record<string, string>;
  body?: string;
  /** 'json' (default) parses and validates the body; 'text' returns it as a string; 'stream' as bytes (openStream). */
  expect?: 'json' | 'text' | 'stream';
  /** false for requests that must not carry the auth headers (the token request itself). */
  auth?: boolean;
}

export interface HttpResponse<T> {
  status: number;
  headers: Record<string, string>;
  data: T;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 5;

export class HttpClient {
  /** axios is loaded on the first request: spec, discover and S3-only connectors never pay its ~80 ms import. */
  private axiosInstance: Promise<AxiosInstance> | undefined;
  private readonly axiosDefaults: CreateAxiosDefaults;
  private readonly limiter: RateLimiter;
  private readonly httpAgent = new http.Agent({ keepAlive: true, maxSockets: 16 });
  private readonly httpsAgent = new https.Agent({ keepAlive: true, maxSockets: 16 });
  private readonly opts: Required<
    Pick<HttpOptions, 'retries' | 'backoffBaseMs' | 'backoffMaxMs' | 'maxWaitMs' | 'timeoutMs'>
  > &
    HttpOptions;
  /** Whether the service has answered anything yet: until it has, an unreachable host is a config problem. */
  private reached = false;

  constructor(options: HttpOptions = {}) {
    // defaults after the caller's options: `{ timeoutMs: undefined }` keeps the default, never removes it
    this.opts = {
      ...options,
      retries: options.retries ?? 5,
      // CONKIT_RETRY_BASE_MS lets fault tests run the real retry path without waiting seconds.
      backoffBaseMs: options.backoffBaseMs ?? retryBaseMs(),
      backoffMaxMs: options.backoffMaxMs ?? 60_000,
      maxWaitMs: options.maxWaitMs ?? 10 * 60_000,
      timeoutMs: options.timeoutMs ?? 60_000,
    };
    this.limiter = new RateLimiter(options.rateLimit);
    this.axiosDefaults = {
      baseURL: options.baseURL,
      timeout: this.opts.timeoutMs,
      headers: options.headers,
      httpAgent: this.httpAgent,
      httpsAgent: this.httpsAgent,
      responseType: 'text',
      transformResponse: [(d: unknown) => d],
      validateStatus: () => true,
      maxRedirects: 0, // redirects are followed by send(), which says why
      proxy: false,
    };
  }

  /** The run's logger, for loops built on this client (page-loop.ts). */
  get log(): Logger | undefined {
    return this.opts.log;
  }

  get<T = unknown>(path: string, opts: Omit<HttpRequest, 'path' | 'method'> = {}): Promise<HttpResponse<T>> {
    return this.request<T>({ ...opts, path, method: 'GET' });
  }

  post<T = unknown>(path: string, opts: Omit<HttpRequest, 'path' | 'method'> = {}): Promise<HttpResponse<T>> {
    return this.request<T>({ ...opts, path, method: 'POST' });
  }

  async request<T = unknown>(req: HttpRequest): Promise<HttpResponse<T>> {
    const what = `${req.method ?? 'GET'} ${req.path}`;
    this.checkUrl(req.path);
    let refreshed = false;
    return retrying<HttpResponse<T>>(
      async () => {
        let res: AxiosResponse<string>;
        try {
          res = await this.send(req);
        } catch (err) {
          if (err instanceof ConnectorError) throw err;
          const code = networkCode(err);
          return {
            retry: `${what} failed: ${describeNetworkError(err)}`,
            unreachable: !this.reached && isUnreachableCode(code) ? code : undefined,
          };
        }
        this.reached = true;
        this.limiter.observe(res.headers as Record<string, unknown>);
        const decision = decide(res.status);
        if (decision.action === 'success') {
          const parsed = parseBody<T>(req.expect, res);
          return parsed.ok
            ? { done: { status: res.status, headers: plainHeaders(res.headers), data: parsed.value } }
            : { retry: `${what} returned a body that is not valid JSON (${parsed.reason})` };
        }
        if (decision.action === 'refresh_auth' && req.auth !== false && this.opts.auth?.refresh && !refreshed) {
          refreshed = true;
          this.opts.log?.info(`${what} answered 401; renewing the credential and trying again`);
          await this.opts.auth.refresh();
          return { retry: `${what} answered 401`, free: true };
        }
        if (decision.action !== 'retry') throw statusError(what, res.status, res.data, this.opts.auth?.credential);
        return {
          retry: `${what} answered HTTP ${res.status}`,
          waitMs: serverWaitMs(res.headers as Record<string, unknown>),
          throttled: res.status === 429,
        };
      },
      {
        retries: this.opts.retries,
        baseMs: this.opts.backoffBaseMs,
        maxMs: this.opts.backoffMaxMs,
        maxWaitMs: this.opts.maxWaitMs,
        log: this.opts.log,
        unreachable: (code, n) => {
          const url = this.urlOf(req.path)?.href ?? req.path;
          return configError(unreachableMessage(url, code, this.opts.endpoint, n, this.opts.baseURL));
        },
      },
    );
  }

  /**
   * Sends a request and returns the response body as a byte stream once the status is a success;
   * statuses are retried and reported like request(). Used for bodies too large to hold as one string.
   */
  async openStream(req: HttpRequest): Promise<{ status: number; headers: Record<string, string>; body: Readable }> {
    const res = await this.request<Readable>({ ...req, expect: 'stream' });
    return res.data as unknown as { status: number; headers: Record<string, string>; body: Readable };
  }

  private checkedBase = false;

  /** A malformed base URL is the user's to fix; say so before any retry loop starts. */
  private checkUrl(path: string): void {
    if (this.checkedBase) return;
    const url = this.urlOf(path);
    if (!url || !/^https?:$/.test(url.protocol)) {
      throw configError(
        `The URL '${this.opts.baseURL ?? ''}${path}' is not a valid http(s) URL. Check the base URL / endpoint in the config.`,
      );
    }
    this.checkedBase = true;
  }

  private urlOf(path: string): URL | undefined {
    try {
      return new URL(path, this.opts.baseURL);
    } catch {
      return undefined;
    }
  }

  private client(): Promise<AxiosInstance> {
    this.axiosInstance ??= import('axios').then(({ default: axios }) => axios.create(this.axiosDefaults));
    return this.axiosInstance;
  }

  private async send(req: HttpRequest): Promise<AxiosResponse<string>> {
    let headers: Record<string, string> = { ...(req.headers ?? {}) };
    const authHeaders = req.auth !== false && this.opts.auth ? await this.opts.auth.headers() : {};
    Object.assign(headers, authHeaders);
    let data: string | undefined = req.body;
    if (req.form) {
      data = new URLSearchParams(req.form).toString();
      headers['content-type'] ??= 'application/x-www-form-urlencoded';
    } else if (req.json !== undefined) {
      data = JSON.stringify(req.json);
      headers['content-type'] ??= 'application/json';
    }
    if ((req.expect ?? 'json') !== 'text') headers.accept ??= 'application/json';
    const responseType = req.expect === 'stream' ? 'stream' : 'text';
    let method: string = req.method ?? 'GET';
    // the first hop's query is axios's (params); a redirect goes to its Location as it is
    let hop: Pick<AxiosRequestConfig, 'url' | 'params'> = { url: req.path, params: req.params };
    // Redirects are followed here rather than by axios (maxRedirects, follow-redirects) for one
    // guarantee: every hop waits for a rate-limiter slot before it leaves, as the service counts it
    // like any request. follow-redirects calls its beforeRedirect hook synchronously and sends the
    // next hop as soon as it returns, so a hop could not wait for its slot (take() is async) and a
    // redirecting endpoint would put two requests into one slot. (The other guarantees below,
    // credentials kept to their origin, 303 and 301/302 after POST as GET, a clear error after
    // MAX_REDIRECTS hops, axios could keep through beforeRedirect.)
    for (let n = 0; ; n++) {
      const ax = await this.client();
      // the slot is taken when the request is ready to leave: loading axios or fetching a token
      // first would otherwise eat into the spacing the service sees
      const answered = await this.limiter.take();
      const res = await ax.request<string>({ ...hop, method, headers, data, responseType }).finally(answered);
      const location = REDIRECTS.has(res.status) ? res.headers.location : undefined;
      if (typeof location !== 'string' || !location) return readErrorBody(res, responseType);
      if (responseType === 'stream') (res.data as unknown as Readable).destroy();
      if (n >= MAX_REDIRECTS)
        throw systemError(
          `${req.method ?? 'GET'} ${req.path} was redirected more than ${MAX_REDIRECTS} times (last to ${location}). Check the base URL in the config.`,
        );
      const from = new URL(ax.getUri(hop));
      const to = new URL(location, from);
      // credentials go only where they were meant to: another origin gets none of them
      if (to.origin !== from.origin) {
        const secret = new Set([...Object.keys(authHeaders), 'authorization', 'cookie']);
        headers = Object.fromEntries(Object.entries(headers).filter(([k]) => !secret.has(k)));
      }
      if (res.status === 303 || ((res.status === 301 || res.status === 302) && method === 'POST')) {
        method = 'GET';
        data = undefined;
        delete headers['content-type'];
      }
      hop = { url: to.href };
    }
  }

  close(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }
}

export function createHttpClient(options: HttpOptions = {}): HttpClient {
  return new HttpClient(options);
}
