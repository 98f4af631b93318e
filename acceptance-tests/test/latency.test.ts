// The servers' latency option (what the bench's latency table stands on): every response, whatever
// it is (data, 429, 599, an S3 listing, GetObject, a refused signature, an upload), leaves at least
// latencyMs after its request arrived; requests in flight together wait together, not in turn; and
// the servers count every request. Without the option the same requests answer far sooner, so the
// lower bounds below are what the option adds. Also: a replay rate limit that covers some paths only.
import { describe, expect, it } from 'vitest';
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { startReplayServer } from '../src/replay/server.js';
import { startS3Server } from '../src/s3/server.js';

const LATENCY = 200;
// 8 requests at once: one latency and the local work of 8 (a few hundred ms for the S3 SDK on a busy
// machine), far from the 8 latencies of requests held one after another
const AT_ONCE = LATENCY * 4;

// without the option the same requests answer in a few ms: the median, so one slow moment of a busy
// machine does not fail it
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** How long `f` took, in ms, and what it returned. */
async function timed<T>(f: () => Promise<T>): Promise<[number, T]> {
  const t = performance.now();
  const v = await f();
  return [performance.now() - t, v];
}

async function replayTimes(latencyMs?: number): Promise<{ times: number[]; statuses: number[]; received: number }> {
  const s = await startReplayServer({
    latencyMs,
    rateLimit: { count: 3, windowMs: 60_000 },
    exchanges: [{ name: 'item', request: { method: 'GET', path: '/item' }, response: { body: { id: 1 } } }],
  });
  s.addHandler((r) => (r.path === '/generated' ? { body: '[]' } : undefined));
  const get = (path: string) =>
    timed(async () => {
      const res = await fetch(`${s.url}${path}`);
      await res.arrayBuffer();
      return res.status;
    });
  // an exchange, a handler, a miss (599), then two over the rate limit (429)
  const results = [];
  for (const path of ['/item', '/generated', '/unknown', '/item', '/item']) results.push(await get(path));
  const received = s.received();
  await s.close();
  return { times: results.map(([t]) => t), statuses: results.map(([, st]) => st), received };
}

describe('replay server latencyMs', () => {
  it('holds every response, 429 and 599 included, and counts every request', async () => {
    const slow = await replayTimes(LATENCY);
    expect(slow.statuses).toEqual([200, 200, 599, 429, 429]);
    for (const t of slow.times) expect(t).toBeGreaterThanOrEqual(LATENCY);
    expect(slow.received).toBe(5);
    const fast = await replayTimes();
    expect(fast.statuses).toEqual(slow.statuses);
    expect(median(fast.times)).toBeLessThan(LATENCY / 2);
  });

  it('delays requests in flight together at once, not one after another', async () => {
    const s = await startReplayServer({ latencyMs: LATENCY });
    s.addHandler(() => ({ body: '{}' }));
    const [took, times] = await timed(() =>
      Promise.all(
        Array.from({ length: 8 }, (_, i) => timed(() => fetch(`${s.url}/p${i}`).then((r) => r.arrayBuffer()))),
      ),
    );
    expect(s.received()).toBe(8);
    expect(s.requests()).toHaveLength(8);
    for (const [t] of times) expect(t).toBeGreaterThanOrEqual(LATENCY);
    expect(took).toBeLessThan(AT_ONCE);
    await s.close();
  });
});

/** Times of an upload, a listing, a GetObject, a refused signature and 8 GetObject at once (clients warmed first). */
async function s3Times(latencyMs?: number) {
  const s3 = await startS3Server({ latencyMs });
  const client = s3.client();
  const stranger = new S3Client({
    region: s3.region,
    endpoint: s3.endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: s3.credentials.accessKeyId, secretAccessKey: 'wrong' },
    maxAttempts: 1,
  });
  const list = (c: S3Client) =>
    c.send(new ListObjectsV2Command({ Bucket: 'bkt' })).then(
      (r) => `listed ${r.KeyCount}`,
      (e: Error) => e.name,
    );
  const get = () =>
    client.send(new GetObjectCommand({ Bucket: 'bkt', Key: 'day-1.csv' })).then((r) => r.Body!.transformToString());
  try {
    await s3.createBucket('bkt');
    // a client's first request sets it up (hundreds of ms): not what is measured
    await Promise.all([list(client), list(stranger)]);
    const before = s3.requests.length;
    const [putMs] = await timed(() => s3.put('bkt', 'day-1.csv', 'a,1\n'));
    const [listMs, listed] = await timed(() => list(client));
    const [getMs, got] = await timed(get);
    const [refusedMs, refused] = await timed(() => list(stranger));
    const [allMs] = await timed(() => Promise.all(Array.from({ length: 8 }, get)));
    return {
      times: [putMs, listMs, getMs, refusedMs],
      allMs,
      answers: [listed, got, refused],
      methods: s3.requests.slice(before).map((r) => r.method),
    };
  } finally {
    stranger.destroy();
    await s3.close();
  }
}

describe('replay server rateLimit.paths', () => {
  it('counts and refuses only the requests to the limited paths', async () => {
    const s = await startReplayServer({ rateLimit: { count: 1, windowMs: 60_000, paths: '^/v1/' } });
    s.addHandler(() => ({ body: '{}' }));
    const statuses: number[] = [];
    for (const p of ['/oauth/token', '/v1/a', '/oauth/token', '/v1/b?page=2'])
      statuses.push(await fetch(`${s.url}${p}`).then(async (r) => (await r.arrayBuffer(), r.status)));
    expect(statuses).toEqual([200, 200, 200, 429]);
    expect([s.received(), s.rateLimited()]).toEqual([4, 1]);
    await s.close();
  });
});

describe('S3 server latencyMs', () => {
  it('holds uploads, listings, GetObject and refusals, concurrent ones together, and counts them', async () => {
    const slow = await s3Times(LATENCY);
    expect(slow.answers).toEqual(['listed 1', 'a,1\n', 'SignatureDoesNotMatch']);
    for (const t of slow.times) expect(t).toBeGreaterThanOrEqual(LATENCY);
    expect(slow.allMs).toBeGreaterThanOrEqual(LATENCY);
    expect(slow.allMs).toBeLessThan(AT_ONCE);
    expect(slow.methods).toEqual(['PUT', 'GET', 'GET', 'GET', ...Array<string>(8).fill('GET')]);
    const fast = await s3Times();
    expect(fast.answers).toEqual(slow.answers);
    expect(fast.methods).toEqual(slow.methods);
    expect(median(fast.times)).toBeLessThan(LATENCY / 2);
  });
});
