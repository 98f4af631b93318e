// Paging that cannot run away: every paginator, against a real local server that ignores its paging
// parameters, ends with every record once and a WARN naming the endpoint (or, where records after a
// full page cannot be reached, a clear error), never an endless read or a duplicate record.
import { describe, expect, it } from 'vitest';
import { HttpClient } from '../src/http.js';
import { pages } from '../src/rest.js';
import { cursorPaging, noPaging, offsetPaging, pageNumber, untilEmpty, type Paginator } from '../src/paginate.js';
import { pageLoop } from '../src/page-loop.js';
import { slidingWindow } from '../src/sliding.js';
import type { Logger } from '../src/log.js';
import { serveDuringFile } from './helpers/serve.js';
import { fromZeroByAt, pageFrom } from './helpers/window.js';

const ROWS = Array.from({ length: 7 }, (_, i) => ({ id: i + 1 }));
let hits = 0;
/** What the server does with the paging parameters. */
let mode: 'ignore-all' | 'ignore-offset' = 'ignore-all';

const local = serveDuringFile((q, r) => {
  hits++;
  const limit = Number(new URL(q.url ?? '/', 'http://x').searchParams.get('limit') ?? 1000);
  const rows = mode === 'ignore-all' ? ROWS : ROWS.slice(0, limit);
  r.end(JSON.stringify({ items: rows, next: `t${hits}` }));
});

function recorder(): Logger & { warnings: string[] } {
  const warnings: string[] = [];
  return { warnings, debug: () => {}, info: () => {}, error: () => {}, warn: (m) => void warnings.push(m) };
}

async function readAll(paginator: Paginator, log: Logger): Promise<unknown[]> {
  const client = new HttpClient({ baseURL: local.url, log });
  const out: unknown[] = [];
  try {
    const it = pages(
      client,
      (token) => ({ path: '/things', params: { limit: 3, offset: token, page: token } }),
      paginator,
      (b) => (b as { items: unknown[] }).items,
      1000,
    );
    for await (const page of it) out.push(...page);
  } finally {
    client.close();
  }
  return out;
}

const paginators: [string, () => Paginator][] = [
  ['pageNumber', () => pageNumber({ size: 3 })],
  ['offsetPaging', () => offsetPaging({ limit: 3 })],
  ['untilEmpty', () => untilEmpty()],
  ['cursorPaging', () => cursorPaging({ next: (b) => (b as { next: string }).next })],
  ['noPaging', () => noPaging()],
];

describe('a service that ignores limit and offset (every page is the whole answer)', () => {
  for (const [name, make] of paginators) {
    it(`${name}: ends, every record once, with a WARN naming the endpoint`, async () => {
      mode = 'ignore-all';
      hits = 0;
      const log = recorder();
      const got = await readAll(make(), log);
      expect(got).toEqual(ROWS);
      expect(hits).toBeLessThanOrEqual(2);
      if (name !== 'noPaging')
        expect(log.warnings.join('\n')).toMatch(
          /GET \/things answered .*(ignores the page size|same records as the page before)/,
        );
    });
  }
});

describe('a service that honours limit but ignores offset (full pages repeat)', () => {
  for (const [name, make] of paginators.filter(([n]) => n === 'pageNumber' || n === 'offsetPaging')) {
    it(`${name}: the first page goes out once, then a clear error: records after it cannot be reached`, async () => {
      mode = 'ignore-offset';
      const log = recorder();
      const client = new HttpClient({ baseURL: local.url, log });
      const out: unknown[] = [];
      const read = async () => {
        for await (const page of pages(
          client,
          (token) => ({ path: '/things', params: { limit: 3, offset: token } }),
          make(),
          (b) => (b as { items: unknown[] }).items,
        ))
          out.push(...page);
      };
      await expect(read()).rejects.toMatchObject({
        failureType: 'system_error',
        message: expect.stringMatching(/GET \/things answered page .* same 3 records .* cannot be reached/),
      });
      expect(out).toEqual(ROWS.slice(0, 3));
      client.close();
    });
  }
});

describe('pageLoop on any transport', () => {
  it('stops a SOAP-style report whose Page parameter is ignored after the first page', async () => {
    const log = recorder();
    let calls = 0;
    const out: unknown[] = [];
    for await (const rows of pageLoop({
      what: 'ReportX',
      log,
      paginator: untilEmpty(),
      fetch: async () => ({ records: (calls++, [{ a: 1 }, { a: 2 }]) }),
    }))
      out.push(...rows);
    expect(out).toEqual([{ a: 1 }, { a: 2 }]);
    expect(calls).toBe(2);
    expect(log.warnings[0]).toMatch(/^ReportX answered page 2 with the same records/);
  });
});

describe('slidingWindow guards', () => {
  it('refuses a service that ignores the page parameter (a full page repeated) instead of looping', async () => {
    const rows = Array.from({ length: 10 }, (_, i) => ({ id: i, at: i }));
    const out: number[] = [];
    const read = async () => {
      for await (const r of slidingWindow({
        ...fromZeroByAt,
        pageSize: 3,
        maxPages: 5,
        fetch: async () => rows.slice(0, 3),
      }))
        out.push(r.id);
    };
    await expect(read()).rejects.toThrow(/ignores the page parameter/);
    expect(out).toEqual([0, 1, 2]);
  });

  it('refuses records out of cursor order (a service that did not sort as asked) instead of sliding past unread ones', async () => {
    const rows = [
      { id: 1, at: 5 },
      { id: 2, at: 9 },
      { id: 3, at: 7 },
    ];
    const read = async () => {
      for await (const _ of slidingWindow({
        ...fromZeroByAt,
        pageSize: 3,
        maxPages: 5,
        what: 'GET /v1/end_users (sort_key=updated_at)',
        fetch: async (_f, page) => (page === 1 ? rows : []),
      }))
        void _;
    };
    await expect(read()).rejects.toThrow(
      /^GET \/v1\/end_users \(sort_key=updated_at\) answered records out of cursor order \(7 after 9\)/,
    );
  });

  it('sends each record once when tied records change places between requests', async () => {
    // 40 records, 8 per cursor second; each request shuffles the order inside a second, as a service
    // sorting only by the cursor may; windows of 2 pages of 5 slide often over the ties
    const rows = Array.from({ length: 40 }, (_, i) => ({ id: i, at: Math.floor(i / 8) }));
    let seed = 7;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const out: number[] = [];
    for await (const r of slidingWindow({
      ...fromZeroByAt,
      pageSize: 5,
      maxPages: 2,
      fetch: async (from, page) =>
        pageFrom(rows, from, page, 5, (inRange) =>
          inRange
            .map((r) => ({ r, k: r.at + rand() }))
            .sort((a, b) => a.k - b.k)
            .map((x) => x.r),
        ),
    }))
      out.push(r.id);
    expect(new Set(out).size).toBe(out.length);
  });
});
