// The replay server: a real HTTP server on 127.0.0.1 that answers with recorded exchanges, injects
// faults on demand, and answers anything it does not know with HTTP 599 and a readable diff against
// the closest recording, so a failing test says what the connector asked for.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { differences, type LiveRequest } from './match.js';
import { loadExchanges, responseBody, type Exchange, type FaultSpec } from './fixtures.js';
import { answerDataset, prepareDataset } from './dataset.js';
import { afterLatency } from './latency.js';

export type Handler = (
  req: LiveRequest,
) => { status?: number; headers?: Record<string, string>; body: string } | undefined;

export interface ReplayServer {
  url: string;
  port: number;
  close(): Promise<void>;
  /** Names of exchanges never served (optional ones excluded). */
  unused(): string[];
  /** Requests no exchange matched, each with its diff. */
  unmatched(): { request: string; closest?: string; diff: string[] }[];
  requests(): LiveRequest[];
  addExchange(ex: Exchange): void;
  /** Code handlers answer before recorded exchanges (for generated, large data). */
  addHandler(h: Handler): void;
  /** Run-level faults, applied in order to matching requests. */
  addFault(f: FaultSpec): void;
  /** Drops every pending run-level fault. */
  clearFaults(): void;
  /** How many faults were injected since the server started. */
  faultsFired(): number;
  /** How many requests were refused with 429 for passing the rolling-window limit (ReplayOptions.rateLimit). */
  rateLimited(): number;
  /** Every request that arrived since the server started: answered, refused (429) or unmatched (599). */
  received(): number;
  hits(name: string): number;
}

export interface ReplayOptions {
  fixtures?: string | string[];
  exchanges?: Exchange[];
  faults?: FaultSpec[];
  /**
   * A service that enforces its limit exactly: a request arriving when `count` requests already
   * arrived within the last `windowMs` is answered 429 (without Retry-After), as a service counting
   * a rolling window does. Refused requests count too.
   */
  rateLimit?: {
    count: number;
    windowMs: number;
    /** Only requests whose path matches this pattern count (and can be refused); default all. */
    paths?: string;
  };
  /**
   * A service this far away: every response (429s, 599s and faults included) leaves at least this
   * many milliseconds after its request arrived. Default 0.
   */
  latencyMs?: number;
}

interface ActiveFault {
  spec: FaultSpec;
  left: number;
  skip: number;
  seen: number;
}

export async function startReplayServer(opts: ReplayOptions = {}): Promise<ReplayServer> {
  const dirs = opts.fixtures === undefined ? [] : Array.isArray(opts.fixtures) ? opts.fixtures : [opts.fixtures];
  const exchanges: Exchange[] = [...dirs.flatMap((d) => loadExchanges(d)), ...(opts.exchanges ?? [])];
  for (const ex of exchanges) {
    try {
      if (ex.dataset) prepareDataset(ex.dataset, ex.dir ?? '.');
    } catch {
      /* a dataset that cannot be read fails the request that asks for it, with the reason */
    }
  }
  const hits = new Map<string, number>();
  const handlers: Handler[] = [];
  const active = (spec: FaultSpec): ActiveFault => ({ spec, left: spec.times ?? 1, skip: spec.after ?? 0, seen: 0 });
  const faults: ActiveFault[] = (opts.faults ?? []).map(active);
  const exchangeFaults = new Map<string, ActiveFault>();
  let fired = 0;
  const seen: LiveRequest[] = [];
  const misses: { request: string; closest?: string; diff: string[] }[] = [];

  const arrivals: number[] = [];
  let refused = 0;
  const overLimit = (url = '/'): boolean => {
    const limit = opts.rateLimit;
    if (!limit || (limit.paths && !new RegExp(limit.paths).test(url.split('?')[0]))) return false;
    const now = performance.now();
    while (arrivals.length && arrivals[0] <= now - limit.windowMs) arrivals.shift();
    arrivals.push(now);
    return arrivals.length > limit.count;
  };

  let received = 0;
  const server = http.createServer((req, res) => {
    received++;
    if (overLimit(req.url)) {
      refused++;
      req.resume();
      afterLatency(opts.latencyMs, () =>
        res
          .writeHead(429, { 'content-type': 'application/json' })
          .end(JSON.stringify({ error: 'rate limit exceeded' })),
      );
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const live: LiveRequest = {
        method: (req.method ?? 'GET').toUpperCase(),
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        headers: Object.fromEntries(
          Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : String(v ?? '')]),
        ),
        body: Buffer.concat(chunks).toString('utf8'),
      };
      seen.push(live);
      afterLatency(opts.latencyMs, () => void answer(live, req, res));
    });
  });

  async function answer(live: LiveRequest, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const generated = handlers.map((h) => h(live)).find(Boolean);
    let name = '(handler)';
    let status = 200;
    let headers: Record<string, string> = {};
    let text: string;
    if (generated) {
      ({ status = 200, headers = {}, body: text } = generated);
      headers['content-type'] ??= 'application/json';
    } else {
      const candidates = exchanges.filter((ex) => ex.times === undefined || (hits.get(ex.name) ?? 0) < ex.times);
      const match = candidates.find((ex) => differences(ex, live).length === 0);
      if (!match) return miss(live, res);
      name = match.name;
      hits.set(name, (hits.get(name) ?? 0) + 1);
      if (match.dataset) {
        const computed = answerDataset(match.dataset, match.dir ?? '.', live);
        status = computed.status;
        headers = { 'content-type': 'application/json', ...(match.response.headers ?? {}) };
        text = computed.body;
      } else {
        const body = responseBody(match);
        status = match.response.status ?? 200;
        headers = { 'content-type': body.contentType, ...(match.response.headers ?? {}) };
        text = body.text;
      }
      if (match.fault && !exchangeFaults.has(name)) exchangeFaults.set(name, active(match.fault));
    }
    const fault = pickFault(name);
    if (fault?.delayMs) await new Promise((r) => setTimeout(r, fault.delayMs));
    if (fault?.status) {
      const h: Record<string, string> = { 'content-type': 'text/plain', ...(fault.headers ?? {}) };
      if (fault.retryAfter !== undefined) h['retry-after'] = String(fault.retryAfter);
      res.writeHead(fault.status, h).end(fault.body ?? `injected fault ${fault.status}`);
      return;
    }
    const bytes = Buffer.from(text, 'utf8');
    if (fault?.drop) {
      res.writeHead(status, { ...headers, 'content-length': String(bytes.length) });
      res.write(bytes.subarray(0, Math.floor(bytes.length / 2)));
      setTimeout(() => req.socket.destroy(), 10);
      return;
    }
    if (fault?.truncate !== undefined) {
      const cut = bytes.subarray(0, Math.floor(bytes.length * fault.truncate));
      res.writeHead(status, { ...headers, 'content-length': String(cut.length) }).end(cut);
      return;
    }
    res.writeHead(status, { ...headers, 'content-length': String(bytes.length) }).end(bytes);
  }

  function pickFault(name: string): FaultSpec | undefined {
    const candidates = [
      exchangeFaults.get(name),
      ...faults.filter((f) => !f.spec.match || new RegExp(f.spec.match).test(name)),
    ];
    // faults that fire on every Nth request count every matching request, whichever fault fires
    const due = new Set<ActiveFault>();
    for (const f of candidates) {
      if (!f?.spec.every || f.left <= 0) continue;
      if (f.skip > 0) f.skip--;
      else if (++f.seen % f.spec.every === 0) due.add(f);
    }
    for (const f of candidates) {
      if (!f || f.left <= 0) continue;
      if (f.spec.every) {
        if (!due.has(f)) continue;
      } else if (f.skip > 0) {
        f.skip--;
        continue;
      }
      f.left--;
      fired++;
      return f.spec;
    }
    return undefined;
  }

  function miss(live: LiveRequest, res: http.ServerResponse): void {
    let best: { ex: Exchange; diff: string[] } | undefined;
    for (const ex of exchanges) {
      const diff = differences(ex, live);
      if (!best || diff.length < best.diff.length) best = { ex, diff };
    }
    const q = new URLSearchParams(live.query).toString();
    const entry = {
      request: `${live.method} ${live.path}${q ? `?${q}` : ''}`,
      closest: best?.ex.name,
      diff: best?.diff ?? ['no exchanges recorded'],
    };
    misses.push(entry);
    res
      .writeHead(599, { 'content-type': 'application/json' })
      .end(JSON.stringify({ error: 'no recorded exchange matches this request', ...entry }, null, 2));
  }

  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
    unused: () => exchanges.filter((ex) => !ex.optional && !hits.get(ex.name)).map((ex) => ex.name),
    unmatched: () => misses,
    requests: () => seen,
    addExchange: (ex) => void exchanges.push(ex),
    addHandler: (h) => void handlers.push(h),
    addFault: (spec) => void faults.push(active(spec)),
    clearFaults: () => void faults.splice(0),
    faultsFired: () => fired,
    rateLimited: () => refused,
    received: () => received,
    hits: (name) => hits.get(name) ?? 0,
  };
}
