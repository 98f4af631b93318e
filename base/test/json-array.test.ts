import { describe, expect, it } from 'vitest';
import { HttpClient } from '../src/http.js';
import { streamJsonArray } from '../src/json-array.js';
import { serveDuringFile } from './helpers/serve.js';

let drops = 0;
const ITEMS = Array.from({ length: 20_000 }, (_, i) => ({ id: i, tag: `t${i}` }));
const BODY = JSON.stringify(ITEMS);

const local = serveDuringFile((req, res) => {
  if (req.url === '/unauthorized') return void res.writeHead(401).end('{"error":"bad key"}');
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(BODY.length) });
  if (drops > 0) {
    drops--;
    res.write(BODY.slice(0, Math.floor(BODY.length * 0.6)));
    setTimeout(() => req.socket.destroy(), 10);
    return;
  }
  res.end(BODY);
});

describe('streamJsonArray', () => {
  it('yields every item of a large array once, even when the body breaks off mid-way', async () => {
    drops = 2;
    process.env.CONKIT_RETRY_BASE_MS = '10';
    const client = new HttpClient({ baseURL: local.url });
    const got: number[] = [];
    for await (const item of streamJsonArray<{ id: number }>(client, { path: '/items' })) got.push(item.id);
    client.close();
    expect(drops).toBe(0);
    expect(got).toEqual(ITEMS.map((i) => i.id));
  });

  it('reports a rejected credential as a config_error without retrying the stream', async () => {
    const client = new HttpClient({
      baseURL: local.url,
      auth: { headers: () => ({}), credential: 'API key (api_key)' },
    });
    const it = streamJsonArray(client, { path: '/unauthorized' });
    await expect(it.next()).rejects.toMatchObject({
      failureType: 'config_error',
      message: expect.stringMatching(/rejected the API key/),
    });
    client.close();
  });
});
