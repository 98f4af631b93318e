// Reading an endpoint that caps how deep one query may page (Wootric allows 30 pages): when the cap
// is reached, the query's lower bound slides forward to the cursor of the last record seen and paging
// starts over. Records at that boundary come back in the next query; their ids are remembered so
// each record is yielded exactly once, however many windows a long history takes.
import { systemError } from './errors.js';
import { letItGo, startEarly } from './ahead.js';

export interface SlidingWindowOptions<R> {
  /** Lower bound, inclusive, in cursor units (e.g. epoch seconds). */
  from: number;
  /** One page of records with cursor >= fromInclusive, in ascending cursor order. */
  fetch: (fromInclusive: number, page: number) => Promise<R[]>;
  cursor: (r: R) => number;
  id: (r: R) => string | number;
  pageSize: number;
  maxPages: number;
}

export async function* slidingWindow<R>(opts: SlidingWindowOptions<R>): AsyncGenerator<R> {
  for await (const page of slidingWindowPages(opts)) yield* page;
}

/** The same, one array per page. The next page is requested before this one is handed out (ahead.ts). */
export async function* slidingWindowPages<R>(opts: SlidingWindowOptions<R>): AsyncGenerator<R[]> {
  let from = opts.from;
  let page = 1;
  let boundary = new Set<string | number>();
  let last = Number.NEGATIVE_INFINITY;
  let idsAtLast = new Set<string | number>();
  let pending: Promise<R[]> | undefined = opts.fetch(from, page);
  while (pending) {
    const rows = await pending;
    pending = undefined;
    const fresh: R[] = [];
    for (const r of rows) {
      const c = opts.cursor(r);
      if (c === from && boundary.has(opts.id(r))) continue;
      if (c !== last) {
        last = c;
        idsAtLast = new Set();
      }
      idsAtLast.add(opts.id(r));
      fresh.push(r);
    }
    let stuck = false;
    if (rows.length >= opts.pageSize) {
      if (page < opts.maxPages) page++;
      else if (last <= from) stuck = true;
      else {
        // the cap is reached: the next window starts at the last cursor seen, skipping the ids already out
        boundary = idsAtLast;
        from = last;
        page = 1;
        last = Number.NEGATIVE_INFINITY;
        idsAtLast = new Set();
      }
      if (!stuck) pending = startEarly(opts.fetch(from, page));
    }
    if (pending) await letItGo();
    yield fresh;
    if (stuck) throw systemError(`More than ${opts.pageSize * opts.maxPages} records share the cursor value ${from}; the API cannot page past them.`);
  }
}
