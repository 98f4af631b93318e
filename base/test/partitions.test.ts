// The kit's concurrency: readPartitions reads up to N parts at once, hands every page out once,
// checkpoints a part only after its pages, closes every reader on an error or an early stop; the
// run's RequestPool caps requests across all of that, and a server's wait holds everyone back.
import { describe, expect, it } from 'vitest';
import { readPartitions } from '../src/partitions.js';
import { readBookmarkedParts } from '../src/bookmarks.js';
import { RequestPool, inSlot, withPool } from '../src/pool.js';
import { Checkpoint } from '../src/stream.js';
import type { JsonObject } from '../src/protocol.js';
import { configError } from '../src/errors.js';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpClient } from '../src/http.js';

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

function tracker() {
  const t = { now: 0, max: 0, closed: 0 };
  const reader = (pages: number, ms: number, failAt?: number) =>
    async function* (part: number): AsyncGenerator<JsonObject[]> {
      t.now++;
      t.max = Math.max(t.max, t.now);
      try {
        for (let i = 0; i < pages; i++) {
          await tick(ms * (1 + (part % 3)));
          if (part === failAt && i === 1) throw new Error(`part ${part} failed`);
          yield [{ part, page: i }];
        }
      } finally {
        t.now--;
        t.closed++;
      }
    };
  return { t, reader };
}

describe('readPartitions', () => {
  it('reads at most N parts at once, every page once, and checkpoints each part after its last page', async () => {
    const { t, reader } = tracker();
    const parts = Array.from({ length: 10 }, (_, i) => i);
    const seen: string[] = [];
    const open: number[][] = [];
    for await (const item of readPartitions({
      parts,
      read: reader(3, 2),
      done: (p, o) => (open.push([...o]), { done: p }),
      concurrency: 4,
    })) {
      if (item instanceof Checkpoint) {
        const p = item.state.done as number;
        // all of this part's pages went out before its checkpoint
        expect(seen.filter((s) => s.startsWith(`${p}/`))).toHaveLength(3);
        seen.push(`done ${p}`);
      } else for (const r of item) seen.push(`${r.part}/${r.page}`);
    }
    expect(t.max).toBe(4);
    expect(seen.filter((s) => !s.startsWith('done'))).toHaveLength(30);
    expect(new Set(seen).size).toBe(40);
    // `open` shrinks by one part per checkpoint and keeps the start order
    expect(open.map((o) => o.length)).toEqual([9, 8, 7, 6, 5, 4, 3, 2, 1, 0]);
    for (const o of open) expect([...o].sort((a, b) => a - b)).toEqual(o);
  });

  it('an error in one part ends the read with that error and closes every other reader', async () => {
    const { t, reader } = tracker();
    const gen = readPartitions({
      parts: [0, 1, 2, 3, 4, 5],
      read: reader(5, 2, 2),
      done: () => undefined,
      concurrency: 3,
    });
    await expect(
      (async () => {
        for await (const _ of gen) void _;
      })(),
    ).rejects.toThrow('part 2 failed');
    expect(t.now).toBe(0);
    expect(t.closed).toBeGreaterThanOrEqual(3);
  });

  it('a consumer that stops early leaves no reader open', async () => {
    const { t, reader } = tracker();
    for await (const item of readPartitions({
      parts: [0, 1, 2, 3],
      read: reader(50, 1),
      done: () => undefined,
      concurrency: 4,
    })) {
      if (!(item instanceof Checkpoint)) break;
    }
    expect(t.now).toBe(0);
    expect(t.closed).toBe(4);
  });
});

describe('readBookmarkedParts', () => {
  const at = (min: number) => new Date(Date.UTC(2024, 0, 1, 0, min)).toISOString();
  // each part has changes at minutes 1..n; a part read from a bookmark gets only the later ones
  const changes = (part: string, n: number, from?: string) =>
    Array.from({ length: n }, (_, i) => ({ part, at: at(i + 1) })).filter((r) => !from || r.at > from);

  it("moves each part's bookmark to its newest record only once the part is through, and resumes each from there", async () => {
    const sizes: Record<string, number> = { a: 3, b: 5, c: 1, d: 0 };
    const states: JsonObject[] = [];
    const seen: string[] = [];
    const run = (saved: JsonObject | undefined, failing?: string) =>
      readBookmarkedParts({
        saved,
        field: 'lists',
        parts: Object.keys(sizes),
        cursor: 'at',
        start: at(0),
        concurrency: 3,
        read: async function* (part, from) {
          const rows = changes(part, sizes[part], from);
          for (let i = 0; i < rows.length; i += 2) {
            await tick(1 + (part.charCodeAt(0) % 3) * 3);
            if (part === failing && i > 0) throw new Error('the service failed');
            yield rows.slice(i, i + 2);
          }
        },
      });
    // b fails on its second page, while others are in flight or done
    await expect(
      (async () => {
        for await (const item of run(undefined, 'b'))
          if (item instanceof Checkpoint) states.push(item.state);
          else for (const r of item) seen.push(`${String(r.part)}@${String(r.at)}`);
      })(),
    ).rejects.toThrow('the service failed');
    const last = states.at(-1)!.lists as Record<string, string>;
    expect(last.b).toBeUndefined();
    expect(seen).toContain(`b@${at(1)}`);
    // every bookmark is the newest record of a part that was read to its end
    for (const [part, mark] of Object.entries(last)) expect(mark).toBe(at(sizes[part]));
    sizes.a = 4; // a new change arrives
    const again: string[] = [];
    let final: JsonObject | undefined;
    for await (const item of run(states.at(-1)))
      if (item instanceof Checkpoint) final = item.state;
      else for (const r of item) again.push(`${String(r.part)}@${String(r.at)}`);
    // nothing a finished part already gave is read again; every change is read
    for (const k of again) if (last[k.split('@')[0]]) expect(seen).not.toContain(k);
    const all = Object.entries(sizes).flatMap(([p, n]) => changes(p, n).map((r) => `${p}@${r.at}`));
    expect(new Set([...seen, ...again])).toEqual(new Set(all));
    expect(final).toEqual({ lists: { a: at(4), b: at(5), c: at(1) } }); // d has no change: no bookmark
  });

  it('a part reads from its bookmark (as ISO UTC), else from start; a service that ignores it repeats nothing older', async () => {
    const asked: Record<string, string> = {};
    const got: string[] = [];
    const saved = { lists: { a: '2024-01-01T00:02:00Z' } }; // a bookmark written without milliseconds
    for await (const item of readBookmarkedParts({
      saved,
      field: 'lists',
      parts: ['a', 'b'],
      cursor: 'at',
      start: at(3),
      concurrency: 2,
      read: async function* (part, from) {
        asked[part] = from;
        yield changes(part, 4); // every change, whatever was asked
      },
    }))
      if (!(item instanceof Checkpoint)) for (const r of item) got.push(`${String(r.part)}@${String(r.at)}`);
    expect(asked).toEqual({ a: at(2), b: at(3) });
    // the record at the bookmark itself is kept: the cursor's own granularity, never a gap
    expect(got.sort()).toEqual([`a@${at(2)}`, `a@${at(3)}`, `a@${at(4)}`, `b@${at(3)}`, `b@${at(4)}`]);
  });
});

describe('RequestPool', () => {
  it('caps requests across callers, and a request made inside a slot reuses it (no deadlock at 1)', async () => {
    const pool = new RequestPool(2);
    let now = 0;
    let max = 0;
    const request = async () => {
      now++;
      max = Math.max(max, now);
      await tick(5);
      now--;
    };
    await withPool(pool, () => Promise.all(Array.from({ length: 10 }, () => inSlot(request))));
    expect(max).toBe(2);
    const one = new RequestPool(1);
    const nested = await withPool(one, () => inSlot(() => inSlot(async () => 'token fetched inside an attempt')));
    expect(nested).toBe('token fetched inside an attempt');
  });

  it('until one request has gone through, one goes at a time; a config_error then stops every request not yet sent', async () => {
    const pool = new RequestPool(4);
    const calls: number[] = [];
    const results = await withPool(pool, () =>
      Promise.allSettled(
        [1, 2, 3, 4, 5].map((i) =>
          inSlot(async () => {
            calls.push(i);
            await tick(5);
            throw configError("Listrak refused the login: fix 'username' and 'password'");
          }),
        ),
      ),
    );
    // a wrong password is tried once, not once per stream at the same moment
    expect(calls).toEqual([1]);
    for (const r of results) expect(r.status === 'rejected' && String(r.reason)).toMatch(/refused the login/);
  });

  it('a pause holds back every request that has not left yet', async () => {
    const pool = new RequestPool(4);
    const started: number[] = [];
    const t0 = Date.now();
    await withPool(pool, async () => {
      pool.pause(150);
      await Promise.all([1, 2, 3].map(() => inSlot(async () => void started.push(Date.now() - t0))));
    });
    for (const at of started) expect(at).toBeGreaterThanOrEqual(140);
  });

  it('a bare 429 on one request holds back the requests of every other caller too, then all complete', async () => {
    const arrivals: { path: string; at: number }[] = [];
    let throttledAt = 0;
    const server = createServer((req, res) => {
      arrivals.push({ path: req.url ?? '', at: Date.now() });
      if (req.url === '/first' && !throttledAt) {
        throttledAt = Date.now();
        res.writeHead(429).end('{}'); // no Retry-After: the client's own backoff decides the wait
        return;
      }
      setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}'), 20);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const http = new HttpClient({ baseURL: url, retries: 3, backoffBaseMs: 400, backoffMaxMs: 400 });
    try {
      await withPool(new RequestPool(4), () =>
        Promise.all(['/first', '/a', '/b', '/c'].map((path) => http.request({ path }))),
      );
    } finally {
      http.close();
      server.close();
    }
    // '/first' went alone (nothing had gone through yet), was told 429, and every other request
    // waited out the backoff it drew (at least half of 400 ms, full jitter) before leaving
    expect(arrivals[0].path).toBe('/first');
    const others = arrivals.filter((a) => a.at > throttledAt && a.path !== '/first');
    expect(others.map((a) => a.path).sort()).toEqual(['/a', '/b', '/c']);
    for (const a of others) expect(a.at - throttledAt).toBeGreaterThanOrEqual(190);
  });
});
