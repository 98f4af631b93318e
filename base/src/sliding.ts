// Reading an endpoint that caps how deep one query may page (Wootric allows 30 pages): when the cap
// is reached, the query's lower bound slides forward to the cursor of the last record seen and paging
// starts over. Records at that boundary come back in the next query; their ids are remembered so
// each record is yielded exactly once, however many windows a long history takes.
import { systemError } from './errors.js';
import { letItGo, startEarly } from './ahead.js';
import { fingerprint } from './page-loop.js';

export interface SlidingWindowOptions<R> {
  /** Lower bound, inclusive, in cursor units (e.g. epoch seconds). */
  from: number;
  /** One page of records with cursor >= fromInclusive, in ascending cursor order. */
  fetch: (fromInclusive: number, page: number) => Promise<R[]>;
  cursor: (r: R) => number;
  id: (r: R) => string | number;
  pageSize: number;
  maxPages: number;
  /** How to name the endpoint in an error, e.g. "GET /v1/end_users (sort_key=updated_at)". */
  what?: string;
}

export async function* slidingWindow<R>(opts: SlidingWindowOptions<R>): AsyncGenerator<R> {
  for await (const page of slidingWindowPages(opts)) yield* page;
}

/**
 * The same, one array per page. The next page is requested before this one is handed out (ahead.ts).
 * Ids are remembered for the newest cursor value seen (across pages and windows), so a record that
 * comes back at that value, at a window's boundary or because tied records shifted between two
 * requests, goes out once. A full page that repeats the previous one means the service ignores
 * `page`: an error, since the records after it cannot be reached; so is a record whose cursor is below
 * the one before it (the window would slide past records not yet read).
 */
export async function* slidingWindowPages<R>(opts: SlidingWindowOptions<R>): AsyncGenerator<R[]> {
  let from = opts.from;
  let page = 1;
  let last = Number.NEGATIVE_INFINITY;
  let idsAtLast = new Set<string | number>();
  let previous = '';
  let pending: Promise<R[]> | undefined = opts.fetch(from, page);
  while (pending) {
    const rows = await pending;
    pending = undefined;
    const print = fingerprint(rows);
    if (print && print === previous && rows.length >= opts.pageSize) {
      throw systemError(
        `${opts.what ?? 'The service'} answered page ${page} from ${from} with the same ${rows.length} records as the page before: it ignores the page parameter, so the records after them cannot be reached.`,
      );
    }
    previous = print;
    const fresh: R[] = [];
    for (const r of rows) {
      const c = opts.cursor(r);
      if (c === last) {
        const id = opts.id(r);
        if (idsAtLast.has(id)) continue;
        idsAtLast.add(id);
      } else if (c > last) {
        last = c;
        idsAtLast = new Set([opts.id(r)]);
      } else {
        // sliding on records out of order would skip the ones below the new lower bound
        throw systemError(
          `${opts.what ?? 'The service'} answered records out of cursor order (${c} after ${last}); stopping rather than skip records.`,
        );
      }
      fresh.push(r);
    }
    let stuck = false;
    if (rows.length >= opts.pageSize) {
      if (page < opts.maxPages) page++;
      else if (last <= from) stuck = true;
      else {
        // the cap is reached: the next window starts at the last cursor seen; the ids already out at
        // that value are skipped when they come again
        from = last;
        page = 1;
        previous = '';
      }
      if (!stuck) pending = startEarly(opts.fetch(from, page));
    }
    if (pending) await letItGo();
    yield fresh;
    if (stuck)
      throw systemError(
        `More than ${opts.pageSize * opts.maxPages} records share the cursor value ${from}; the API cannot page past them.`,
      );
  }
}
