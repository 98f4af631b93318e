// The HTTP client against a real local server: auth renewal, pacing, truncated bodies, wait caps.
import http from 'node:http';
import { Worker } from 'node:worker_threads';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { HttpClient } from '../src/http.js';
import { RateLimiter } from '../src/ratelimit.js';
import { pages } from '../src/rest.js';
import { cursorPaging, pageNumber } from '../src/paginate.js';
import { serveDuringFile, startServer } from './helpers/serve.js';

type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;
let handler: Handler = (_q, r) => r.end('{}');
let hits = 0;

beforeAll(() => void (process.env.CONKIT_RETRY_BASE_MS = '10'));
const local = serveDuringFile((q, r) => {
  hits++;
  handler(q, r);
});
beforeEach(() => {
  hits = 0;
});

describe('HttpClient', () => {
  it('keeps its defaults when an option is passed as undefined (a spread must not remove the timeout)', () => {
    const opts = (c: HttpClient) => (c as unknown as { opts: { timeoutMs: number; retries: number } }).opts;
    const client = new HttpClient({ baseURL: local.url, timeoutMs: undefined, retries: undefined });
    expect(opts(client)).toMatchObject({ timeoutMs: 60_000, retries: 5 });
    client.close();
  });

  it('renews the token once on a 401 and carries on with the new one', async () => {
    let token = 'old-token';
    handler = (q, r) =>
      q.headers.authorization === 'Bearer new-token' ? r.end('{"ok":true}') : r.writeHead(401).end('expired');
    const client = new HttpClient({
      baseURL: local.url,
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
    const client = new HttpClient({ baseURL: local.url });
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
    const client = new HttpClient({ baseURL: local.url, maxWaitMs: 5_000 });
    await expect(client.get('/x')).rejects.toMatchObject({
      failureType: 'transient_error',
      message: expect.stringMatching(/stopped retrying after waiting 0 s in total \(limit 5 s\)/),
    });
    expect(hits).toBe(1);
    client.close();
  });

  it('follows redirects, keeps credentials on the same origin only, and stops a redirect loop', async () => {
    const other = await startServer((q, r) => {
      const { authorization = null, cookie = null, 'x-api-key': auth = null } = q.headers;
      r.end(JSON.stringify({ where: 'other', auth, authorization, cookie, path: q.url }));
    });
    const otherUrl = other.url;
    const lines: string[] = [];
    handler = (q, r) => {
      lines.push(`${q.method} ${q.url}`);
      const auth = q.headers['x-api-key'] ?? null;
      if (q.url?.startsWith('/old')) return r.writeHead(301, { location: '/new?x=1' }).end();
      if (q.url === '/new?x=1') return r.end(JSON.stringify({ where: 'new', method: q.method, auth }));
      if (q.url === '/away') return r.writeHead(302, { location: `${otherUrl}/landing` }).end();
      if (q.url === '/post') return r.writeHead(303, { location: '/new?x=1' }).end();
      if (q.url === '/post301') return r.writeHead(301, { location: '/new?x=1' }).end();
      if (q.url === '/keep') return r.writeHead(307, { location: '/echo' }).end();
      if (q.url === '/echo') return q.on('data', () => undefined).on('end', () => r.end('{"where":"echo"}'));
      r.writeHead(307, { location: '/loop' }).end();
    };
    const client = new HttpClient({
      baseURL: local.url,
      auth: { headers: () => ({ 'x-api-key': 'redirect-secret' }) },
    });
    await expect(client.get('/old', { params: { a: 1 } })).resolves.toMatchObject({
      data: { where: 'new', method: 'GET', auth: 'redirect-secret' },
    });
    // the hop goes to the Location as it is: the first hop's params are not added to it again
    expect(lines.splice(0)).toEqual(['GET /old?a=1', 'GET /new?x=1']);
    const secrets = { authorization: 'Basic c2VjcmV0', cookie: 'session=secret' };
    await expect(client.get('/away', { headers: secrets })).resolves.toMatchObject({
      data: { where: 'other', auth: null, authorization: null, cookie: null, path: '/landing' },
    });
    await expect(client.post('/post', { json: { a: 1 } })).resolves.toMatchObject({
      data: { where: 'new', method: 'GET' },
    });
    await expect(client.post('/post301', { form: { a: '1' } })).resolves.toMatchObject({
      data: { where: 'new', method: 'GET' },
    });
    await expect(client.post('/keep', { json: { a: 1 } })).resolves.toMatchObject({ data: { where: 'echo' } });
    expect(lines.splice(0)).toEqual([
      'GET /away',
      'POST /post',
      'GET /new?x=1',
      'POST /post301',
      'GET /new?x=1',
      'POST /keep',
      'POST /echo',
    ]);
    await expect(client.get('/loop')).rejects.toMatchObject({
      failureType: 'system_error',
      message: expect.stringMatching(/redirected more than 5 times \(last to \/loop\)\. Check the base URL/),
    });
    expect(lines).toHaveLength(6);
    client.close();
    await other.close();
  });

  it('counts every redirect hop against the rate limit', async () => {
    const at: number[] = [];
    handler = (q, r) => {
      at.push(Date.now());
      if (q.url === '/hop') return r.writeHead(302, { location: '/there' }).end();
      r.end('{}');
    };
    const client = new HttpClient({ baseURL: local.url, rateLimit: { perSecond: 2 } });
    for (let i = 0; i < 2; i++) await client.get('/hop');
    // four requests at 2 a second: the third waits for the first's window to pass
    expect(at).toHaveLength(4);
    expect(at[2] - at[0]).toBeGreaterThanOrEqual(1000);
    client.close();
  });

  it('names a bad base URL as a config error', async () => {
    const client = new HttpClient({ baseURL: 'not a url' });
    await expect(client.get('/x')).rejects.toMatchObject({ failureType: 'config_error' });
    client.close();
  });
});

describe('query strings on the wire', () => {
  // axios builds the query from params; this pins the request line a real server receives
  it('sends params encoded as axios does, undefined ones left out, after any query already in the path', async () => {
    const lines: string[] = [];
    handler = (q, r) => {
      lines.push(`${q.method} ${q.url}`);
      r.end('{}');
    };
    const client = new HttpClient({ baseURL: local.url });
    await client.get('/v1/responses', { params: { page: 2, 'created[gt]': '2016-12-01T00:00:00Z', skip: undefined } });
    await client.get('/v1/x?a=1', { params: { b: 'a b,c:d$e', c: 'x+y/z?&=#', d: true, ' padded ': 'é', n: 1.5 } });
    await client.get('/p#frag', { params: { q: 'x' } });
    await client.get(`${local.url}/absolute`, { params: { k: 'v' } });
    await client.get('/none', { params: { skip: undefined } });
    expect(lines).toEqual([
      'GET /v1/responses?page=2&created%5Bgt%5D=2016-12-01T00:00:00Z',
      'GET /v1/x?a=1&b=a+b,c:d$e&c=x%2By%2Fz%3F%26%3D%23&d=true&padded=%C3%A9&n=1.5',
      'GET /p?q=x',
      'GET /absolute?k=v',
      'GET /none',
    ]);
    client.close();
  });
});

describe('RateLimiter', () => {
  it('keeps the declared rate in every rolling window, bursts included', async () => {
    const limiter = new RateLimiter({ perSecond: 20 });
    const starts: number[] = [];
    for (let i = 0; i < 50; i++) {
      (await limiter.take())(); // answered at once
      starts.push(performance.now());
    }
    // any 20 consecutive departures span at least a second: no window of one second holds 21
    for (let i = 20; i < starts.length; i++) expect(starts[i] - starts[i - 20]).toBeGreaterThanOrEqual(999);
    // and the limit is used, not undershot by more than the safety margin: 50 in about 2 windows
    expect(starts[49] - starts[0]).toBeLessThan(2 * 1030 + 300);
  });
  it('counts a slot from when its request was answered: a late answer holds back request n+N a window after it', async () => {
    const limiter = new RateLimiter({ perSecond: 2 });
    const t0 = performance.now();
    const first = await limiter.take();
    (await limiter.take())();
    setTimeout(first, 300); // the first request is answered 300 ms after it left
    await limiter.take();
    // a service seeing the first request arrive as late as its answer still counts 2 in that second
    expect(performance.now() - t0).toBeGreaterThanOrEqual(300 + 1030 - 5);
  });
  it('trusts the server budget while it lasts and waits for its reset when spent', async () => {
    const limiter = new RateLimiter({ perMinute: 1 });
    limiter.observe({ 'x-rate-limit-remaining': '3', 'x-rate-limit-reset': '1' });
    const started = Date.now();
    for (let i = 0; i < 3; i++) (await limiter.take())();
    expect(Date.now() - started).toBeLessThan(200);
    (await limiter.take())();
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  });
});

describe('pages', () => {
  it('asks for the next page while the current one is out, and a failure of that request waits for its turn', async () => {
    handler = (q, r) => {
      const page = Number(new URL(q.url ?? '/', local.url).searchParams.get('page'));
      if (page === 3) return r.writeHead(404).end('no such page');
      r.end(JSON.stringify([{ page }, { page }]));
    };
    const client = new HttpClient({ baseURL: local.url });
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
    const client = new HttpClient({ baseURL: local.url });
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
