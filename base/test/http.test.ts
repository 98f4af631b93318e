// The HTTP client against a real local server: auth renewal, pacing, truncated bodies, wait caps.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { HttpClient } from '../src/http.js';
import { RateLimiter } from '../src/ratelimit.js';

type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;
let handler: Handler = (_q, r) => r.end('{}');
let server: http.Server;
let url = '';
let hits = 0;

beforeAll(async () => {
  process.env.CONKIT_RETRY_BASE_MS = '10';
  server = http.createServer((q, r) => { hits++; handler(q, r); });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
beforeEach(() => { hits = 0; });
afterAll(() => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }));

describe('HttpClient', () => {
  it('renews the token once on a 401 and carries on with the new one', async () => {
    let token = 'old-token';
    handler = (q, r) => (q.headers.authorization === 'Bearer new-token' ? r.end('{"ok":true}') : r.writeHead(401).end('expired'));
    const client = new HttpClient({ baseURL: url, auth: { headers: () => ({ authorization: `Bearer ${token}` }), refresh: async () => { token = 'new-token'; } } });
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
    await expect(client.get('/x')).rejects.toMatchObject({ failureType: 'transient_error', message: expect.stringMatching(/not valid JSON.*gave up after 6 attempts/) });
    client.close();
  });

  it('stops retrying when the total wait would pass the cap', async () => {
    handler = (_q, r) => r.writeHead(429, { 'retry-after': '30' }).end();
    const client = new HttpClient({ baseURL: url, maxWaitMs: 5_000 });
    await expect(client.get('/x')).rejects.toMatchObject({ failureType: 'transient_error', message: expect.stringMatching(/stopped retrying after waiting 0 s in total \(limit 5 s\)/) });
    expect(hits).toBe(1);
    client.close();
  });

  it('names a bad base URL as a config error', async () => {
    const client = new HttpClient({ baseURL: 'not a url' });
    await expect(client.get('/x')).rejects.toMatchObject({ failureType: 'config_error' });
    client.close();
  });
});

describe('RateLimiter', () => {
  it('spaces requests to the declared rate after a one-second burst', async () => {
    const limiter = new RateLimiter({ perSecond: 20 });
    const started = Date.now();
    for (let i = 0; i < 30; i++) await limiter.take();
    // 20 go at once, the next 10 at 50 ms intervals: at least ~500 ms in all
    expect(Date.now() - started).toBeGreaterThanOrEqual(450);
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
