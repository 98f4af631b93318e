// The HTTP client against a real local server: auth renewal, pacing, truncated bodies, wait caps.
import http from 'node:http';
import { Worker } from 'node:worker_threads';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { HttpClient, withQuery } from '../src/http.js';
import axios from 'axios';
import fc from 'fast-check';
import { RateLimiter } from '../src/ratelimit.js';
import { pages } from '../src/rest.js';
import { cursorPaging, pageNumber } from '../src/paginate.js';

type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;
let handler: Handler = (_q, r) => r.end('{}');
let server: http.Server;
let url = '';
let hits = 0;

beforeAll(async () => {
  process.env.CONKIT_RETRY_BASE_MS = '10';
  server = http.createServer((q, r) => {
    hits++;
    handler(q, r);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
beforeEach(() => {
  hits = 0;
});
afterAll(
  () =>
    new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
);

describe('HttpClient', () => {
  it('keeps its defaults when an option is passed as undefined (a spread must not remove the timeout)', () => {
    const opts = (c: HttpClient) => (c as unknown as { opts: { timeoutMs: number; retries: number } }).opts;
    const client = new HttpClient({ baseURL: url, timeoutMs: undefined, retries: undefined });
    expect(opts(client)).toMatchObject({ timeoutMs: 60_000, retries: 5 });
    client.close();
  });

  it('renews the token once on a 401 and carries on with the new one', async () => {
    let token = 'old-token';
    handler = (q, r) =>
      q.headers.authorization === 'Bearer new-token' ? r.end('{"ok":true}') : r.writeHead(401).end('expired');
    const client = new HttpClient({
      baseURL: url,
      auth: {
        headers: () => ({ authorization: `Bearer ${token}` }),
        refresh: async () => {
          token = 'new-token';
        },
      },
    });
    await expect(client.get('/x')).resolves.toMatchObject({ data: { ok: true } });
    expect(hits).toBe(2);
    client.close();
  });

  it('retries a truncated JSON body, then reports it plainly', async () => {
    let n = 0;
    handler = (_q, r) => r.end(n++ < 2 ? '[{"id":1},{"id"' : '[{"id":1}]');
    const client = new HttpClient({ baseURL: url });
    await expect(client.get('/x')).resolves.toMatchObject({ data: [{ id: 1 }] });
    handler = (_q, r) => r.end('<html>gateway</html>');
    await expect(client.get('/x')).rejects.toMatchObject({
      failureType: 'transient_error',
      message: expect.stringMatching(/not valid JSON.*gave up after 6 attempts/),
    });
    client.close();
  });

  it('stops retrying when the total wait would pass the cap', async () => {
    handler = (_q, r) => r.writeHead(429, { 'retry-after': '30' }).end();
    const client = new HttpClient({ baseURL: url, maxWaitMs: 5_000 });
    await expect(client.get('/x')).rejects.toMatchObject({
      failureType: 'transient_error',
      message: expect.stringMatching(/stopped retrying after waiting 0 s in total \(limit 5 s\)/),
    });
    expect(hits).toBe(1);
    client.close();
  });

  it('follows redirects, keeps credentials on the same origin only, and stops a redirect loop', async () => {
    const other = http.createServer((q, r) =>
      r.end(JSON.stringify({ where: 'other', auth: q.headers['x-api-key'] ?? null, path: q.url })),
    );
    await new Promise<void>((r) => other.listen(0, '127.0.0.1', r));
    const otherUrl = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
    handler = (q, r) => {
      if (q.url?.startsWith('/old')) return r.writeHead(301, { location: '/new?x=1' }).end();
      if (q.url === '/new?x=1') return r.end(JSON.stringify({ where: 'new', auth: q.headers['x-api-key'] ?? null }));
      if (q.url === '/away') return r.writeHead(302, { location: `${otherUrl}/landing` }).end();
      if (q.url === '/post') return r.writeHead(303, { location: '/new?x=1' }).end();
      r.writeHead(307, { location: '/loop' }).end();
    };
    const client = new HttpClient({ baseURL: url, auth: { headers: () => ({ 'x-api-key': 'redirect-secret' }) } });
    await expect(client.get('/old', { params: { a: 1 } })).resolves.toMatchObject({
      data: { where: 'new', auth: 'redirect-secret' },
    });
    await expect(client.get('/away')).resolves.toMatchObject({
      data: { where: 'other', auth: null, path: '/landing' },
    });
    await expect(client.post('/post', { json: { a: 1 } })).resolves.toMatchObject({ data: { where: 'new' } });
    await expect(client.get('/loop')).rejects.toMatchObject({
      failureType: 'system_error',
      message: expect.stringMatching(/redirected more than 5 times/),
    });
    client.close();
    other.closeAllConnections();
    await new Promise<void>((r) => other.close(() => r()));
  });

  it('names a bad base URL as a config error', async () => {
    const client = new HttpClient({ baseURL: 'not a url' });
    await expect(client.get('/x')).rejects.toMatchObject({ failureType: 'config_error' });
    client.close();
  });
});

describe('withQuery', () => {
  // The kit builds the query itself (axios's serializer is a sizeable share of each request); what
  // goes on the wire must stay byte for byte what axios would have sent.
  it('appends params exactly as axios does', () => {
    const ax = axios.create();
    const value = fc.oneof(
      fc.string({ unit: 'grapheme' }),
      fc.string(),
      fc.integer(),
      fc.double({ noNaN: true }),
      fc.boolean(),
      fc.constant(undefined),
      fc.constant(null),
      fc.constantFrom('2016-12-01T00:00:00Z', 'a b,c:d$e', 'x+y/z?&=#'),
    );
    const key = fc.oneof(
      fc.string({ minLength: 1 }),
      fc.constantFrom('created[gt]', 'per_page', 'sort order', ' padded '),
    );
    const path = fc.constantFrom('/v1/responses', '/v1/x?a=1', '/p#frag', 'https://h.example/v2/profiles', '');
    fc.assert(
      fc.property(path, fc.dictionary(key, value, { maxKeys: 6 }), (p, params) => {
        expect(withQuery(p, params as Record<string, string>)).toBe(ax.getUri({ url: p, params }));
      }),
      { numRuns: 3000 },
    );
    expect(withQuery('/v1/responses', { page: 2, 'created[gt]': '2016-12-01T00:00:00Z', skip: undefined })).toBe(
      '/v1/responses?page=2&created%5Bgt%5D=2016-12-01T00:00:00Z',
    );
  });
});

describe('RateLimiter', () => {
  it('keeps the declared rate in every rolling window, bursts included', async () => {
    const limiter = new RateLimiter({ perSecond: 20 });
    const starts: number[] = [];
    for (let i = 0; i < 50; i++) {
      await limiter.take();
      starts.push(performance.now());
    }
    // any 20 consecutive departures span at least a second: no window of one second holds 21
    for (let i = 20; i < starts.length; i++) expect(starts[i] - starts[i - 20]).toBeGreaterThanOrEqual(999);
    // and the limit is used, not undershot by more than the safety margin: 50 in about 2 windows
    expect(starts[49] - starts[0]).toBeLessThan(2 * 1130 + 300);
  });
  it('trusts the server budget while it lasts and waits for its reset when spent', async () => {
    const limiter = new RateLimiter({ perMinute: 1 });
    limiter.observe({ 'x-rate-limit-remaining': '3', 'x-rate-limit-reset': '1' });
    const started = Date.now();
    for (let i = 0; i < 3; i++) await limiter.take();
    expect(Date.now() - started).toBeLessThan(200);
    await limiter.take();
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  });
});

describe('pages', () => {
  it('asks for the next page while the current one is out, and a failure of that request waits for its turn', async () => {
    handler = (q, r) => {
      const page = Number(new URL(q.url ?? '/', url).searchParams.get('page'));
      if (page === 3) return r.writeHead(404).end('no such page');
      r.end(JSON.stringify([{ page }, { page }]));
    };
    const client = new HttpClient({ baseURL: url });
    const it = pages(client, (page) => ({ path: '/items', params: { page } }), pageNumber({ size: 2 }));
    expect((await it.next()).value).toEqual([{ page: 1 }, { page: 1 }]);
    // page 1 is still with the consumer, and page 2 has been asked for already
    for (let i = 0; i < 100 && hits < 2; i++) await new Promise((r) => setTimeout(r, 10));
    expect(hits).toBe(2);
    expect((await it.next()).value).toEqual([{ page: 2 }, { page: 2 }]);
    for (let i = 0; i < 100 && hits < 3; i++) await new Promise((r) => setTimeout(r, 10));
    expect(hits).toBe(3);
    await expect(it.next()).rejects.toMatchObject({ message: expect.stringMatching(/HTTP 404/) });
    client.close();
  });

  it('has the next request on the wire before it hands out the current page, however long the consumer then works', async () => {
    // the server lives in a worker thread and counts requests in shared memory, so this thread can
    // spin synchronously (as a consumer mapping a big page does) and still see the count change
    const hitsSeen = new Int32Array(new SharedArrayBuffer(4));
    const worker = new Worker(
      `
      const { workerData, parentPort } = require('node:worker_threads');
      const http = require('node:http');
      const counter = new Int32Array(workerData);
      const server = http.createServer((q, r) => {
        Atomics.add(counter, 0, 1);
        const page = Number(new URL(q.url, 'http://x').searchParams.get('page'));
        r.end(JSON.stringify(page <= 3 ? [{ page }, { page }] : []));
      });
      server.listen(0, '127.0.0.1', () => parentPort.postMessage(server.address().port));
      parentPort.on('message', () => { server.closeAllConnections(); server.close(); parentPort.close(); });
    `,
      { eval: true, workerData: hitsSeen.buffer },
    );
    const port = await new Promise<number>((r) => worker.once('message', r));
    const client = new HttpClient({ baseURL: `http://127.0.0.1:${port}` });
    const it = pages(client, (page) => ({ path: '/items', params: { page } }), pageNumber({ size: 2 }));
    for (let page = 1; page <= 3; page++) {
      expect((await it.next()).value).toEqual([{ page }, { page }]);
      const until = Date.now() + 2000;
      while (Atomics.load(hitsSeen, 0) < page + 1 && Date.now() < until) {
        /* a consumer busy with the page, never yielding */
      }
      expect(Atomics.load(hitsSeen, 0)).toBe(page + 1);
    }
    expect((await it.next()).value).toEqual([]); // page 4 is empty: the read ends there
    expect((await it.next()).done).toBe(true);
    expect(Atomics.load(hitsSeen, 0)).toBe(4);
    client.close();
    worker.postMessage('stop');
    await new Promise((r) => worker.once('exit', r));
  });

  it('hands out the page that carries a repeated token before stopping the read', async () => {
    let n = 0;
    handler = (_q, r) => r.end(JSON.stringify({ items: [{ id: ++n }], next: 'same' }));
    const client = new HttpClient({ baseURL: url });
    const seen: unknown[] = [];
    const read = async () => {
      for await (const page of pages(
        client,
        (token) => ({ path: '/c', params: { token } }),
        cursorPaging({ next: (b) => (b as { next: string }).next }),
        (b) => (b as { items: unknown[] }).items,
      ))
        seen.push(...page);
    };
    await expect(read()).rejects.toMatchObject({ message: expect.stringMatching(/page token 'same' twice/) });
    expect(seen).toEqual([{ id: 1 }, { id: 2 }]);
    expect(hits).toBe(2);
    client.close();
  });
});
