// Paginators: how to ask for the next page and when to stop. Each one stops on a short or empty
// page; the page loop (page-loop.ts) adds the guards every paginator shares: a page that repeats
// the previous one, or holds more records than were asked for, never starts an endless read.
import { systemError } from './errors.js';

export type PageToken = string | number;

export interface PageInfo {
  body: unknown;
  headers: Record<string, string>;
  records: unknown[];
  token: PageToken | undefined;
}

export interface Paginator {
  first(): PageToken | undefined;
  next(page: PageInfo): PageToken | undefined;
  /** The page size the request asks for, when there is one: a longer page means the service ignored it. */
  readonly size?: number;
}

/** page=1,2,3... until a page has fewer than `size` records, or `max` pages. */
export function pageNumber(opts: { first?: number; size: number; max?: number }): Paginator {
  const first = opts.first ?? 1;
  return {
    size: opts.size,
    first: () => first,
    next: ({ records, token }) => {
      const page = Number(token ?? first);
      if (records.length < opts.size) return undefined;
      if (opts.max !== undefined && page >= opts.max) return undefined;
      return page + 1;
    },
  };
}

/** offset=0,limit,2*limit... until a page has fewer than `limit` records. */
export function offsetPaging(opts: { limit: number }): Paginator {
  return {
    size: opts.limit,
    first: () => 0,
    next: ({ records, token }) => (records.length < opts.limit ? undefined : Number(token ?? 0) + records.length),
  };
}

/**
 * page=1,2,3... until a page comes back empty: for services that do not say how long a page is
 * (Listrak's paged reports).
 */
export function untilEmpty(opts: { first?: number } = {}): Paginator {
  const first = opts.first ?? 1;
  return {
    first: () => first,
    next: ({ records, token }) => (records.length === 0 ? undefined : Number(token ?? first) + 1),
  };
}

/** A next-page token read from the body or headers; stops when there is none. */
export function cursorPaging(opts: {
  next: (body: unknown, headers: Record<string, string>) => string | undefined | null;
}): Paginator {
  const seen = new Set<string>();
  return {
    first: () => undefined,
    next: ({ body, headers }) => {
      const token = opts.next(body, headers);
      if (token === undefined || token === null || token === '') return undefined;
      if (seen.has(token))
        throw systemError(`The service returned the page token '${token}' twice; stopping to avoid an endless read.`);
      seen.add(token);
      return token;
    },
  };
}

export function noPaging(): Paginator {
  return { first: () => undefined, next: () => undefined };
}
