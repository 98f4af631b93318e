// The one paging loop every transport shares (HTTP pages, SOAP reports): ask for a page, let the
// paginator choose the next token, ask for that page before handing this one out (ahead.ts), and
// refuse to run away. A service that ignores its paging parameters answers every page with the same
// rows; without a guard the read would never end and would write the same records again and again.
import type { Logger } from './log.js';
import { systemError } from './errors.js';
import { letItGo, startEarly } from './ahead.js';
import type { PageToken, Paginator } from './paginate.js';

export interface FetchedPage<R> {
  records: R[];
  body?: unknown;
  headers?: Record<string, string>;
}

export interface PageLoop<R> {
  /** Fetches one page; retries belong to the transport underneath. */
  fetch: (token: PageToken | undefined) => Promise<FetchedPage<R>>;
  paginator: Paginator;
  /** How to name the endpoint in a WARN or an error, e.g. "GET /v2/lists". */
  what: string;
  log?: Logger;
  /** Hard cap on pages: a guard against services that never stop. */
  maxPages?: number;
}

/** A page's identity for the repeat check: its length and its first and last records. */
export const fingerprint = (rows: unknown[]): string =>
  rows.length === 0 ? '' : `${rows.length}:${JSON.stringify(rows[0])}:${JSON.stringify(rows[rows.length - 1])}`;

/**
 * Every page, one array each, in order. Guards:
 * - a page that repeats the previous page's records is not handed out again. Where the service
 *   evidently ignores paging altogether (the repeated page is longer than asked for, or the
 *   paginator asks for no size) the first page was the whole answer: the read ends with a WARN.
 *   Where the repeated page is exactly full, records after it may exist that the service will not
 *   give: that is an error, never a silent loss.
 * - a page longer than asked for is handed out and paging goes on (the next page either brings new
 *   records or repeats this one, which ends the read as above).
 */
export async function* pageLoop<R>(loop: PageLoop<R>): AsyncGenerator<R[]> {
  const { paginator, what } = loop;
  let token = paginator.first();
  let pending: Promise<FetchedPage<R>> | undefined = loop.fetch(token);
  let previous = '';
  let warnedLong = false;
  for (let count = 1; pending; count++) {
    const page: FetchedPage<R> = await pending;
    pending = undefined;
    const rows = page.records;
    const print = fingerprint(rows);
    if (print && print === previous) {
      if (paginator.size !== undefined && rows.length === paginator.size) {
        throw systemError(
          `${what} answered page ${String(token)} with the same ${rows.length} records as the page before: it ignores the paging parameters, so records after them cannot be reached. Nothing after the first page was read; report this to the connector's maintainers.`,
        );
      }
      loop.log?.warn(
        `${what} answered page ${String(token)} with the same records as the page before: it ignores the paging parameters, so the first page was the whole answer. Stopped paging.`,
      );
      return;
    }
    previous = print;
    if (paginator.size !== undefined && rows.length > paginator.size && !warnedLong) {
      warnedLong = true;
      loop.log?.warn(
        `${what} answered ${rows.length} records where at most ${paginator.size} were asked for: it ignores the page size.`,
      );
    }
    // a paginator that refuses to go on (a repeated token) fails after this page is out, not instead of it
    let failure: { error: unknown } | undefined;
    try {
      token = paginator.next({ body: page.body, headers: page.headers ?? {}, records: rows, token });
      if (token !== undefined && (loop.maxPages === undefined || count < loop.maxPages))
        pending = startEarly(loop.fetch(token));
    } catch (error) {
      failure = { error };
    }
    if (pending) await letItGo();
    yield rows;
    if (failure) throw failure.error;
  }
}
