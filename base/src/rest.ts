// A REST stream as data: which request to send for a slice and page, where the records are in
// the body, how to page, and how to shape a record. The kit runs the loop.
import type { JsonObject } from './protocol.js';
import type { StreamContext, StreamDef } from './stream.js';
import { defineStream } from './stream.js';
import type { HttpClient, HttpRequest, HttpResponse } from './http.js';
import { pageLoop } from './page-loop.js';
import type { PageToken, Paginator } from './paginate.js';
import { noPaging } from './paginate.js';

export interface RequestArgs<C, S> {
  config: C;
  slice: S;
  page: PageToken | undefined;
  ctx: StreamContext<C>;
}

export interface RestStreamDef<C, S> extends Omit<StreamDef<C, S>, 'read'> {
  request: (args: RequestArgs<C, S>) => HttpRequest;
  /** A fresh paginator per slice (built from the config, e.g. for a configurable page size). */
  paginate?: (config: C) => Paginator;
  /** Where the records are in a response body (default: the body is the array). */
  records?: (body: unknown) => unknown[];
  /** Shapes one raw record; return undefined to drop it. */
  map?: (raw: JsonObject, ctx: StreamContext<C>, slice: S) => JsonObject | undefined;
  /** Hard cap on pages per slice: a guard against services that never stop. */
  maxPages?: number;
}

const asArray = (body: unknown): unknown[] =>
  Array.isArray(body) ? body : body === null || body === undefined ? [] : [body];

/**
 * The raw records of every page of one request, one array per page (for streams that shape their
 * own loop), through the kit's one page loop (page-loop.ts): the next page is requested before this
 * one is handed out, and a service that ignores its paging parameters cannot start an endless read.
 */
export function pages(
  http: HttpClient,
  request: (page: PageToken | undefined) => HttpRequest,
  paginator: Paginator,
  records: (body: unknown) => unknown[] = asArray,
  maxPages?: number,
): AsyncGenerator<JsonObject[]> {
  const first = request(paginator.first());
  return pageLoop<JsonObject>({
    what: `${first.method ?? 'GET'} ${first.path}`,
    log: http.log,
    paginator,
    maxPages,
    fetch: async (token) => {
      const res: HttpResponse<unknown> = await http.request(request(token));
      return { records: records(res.data) as JsonObject[], body: res.data, headers: res.headers };
    },
  });
}

/** The raw records of every page, one by one. */
export async function* paged(...args: Parameters<typeof pages>): AsyncGenerator<JsonObject> {
  for await (const page of pages(...args)) yield* page;
}

export function restStream<C, S = undefined>(def: RestStreamDef<C, S>): StreamDef<C, S> {
  const { request, paginate, records, map, maxPages, ...rest } = def;
  return defineStream<C, S>({
    ...rest,
    read: async function* (ctx, slice) {
      const paginator = paginate ? paginate(ctx.config) : noPaging();
      for await (const page of pages(
        ctx.http,
        (token) => request({ config: ctx.config, slice, page: token, ctx }),
        paginator,
        records,
        maxPages,
      )) {
        const out: JsonObject[] = [];
        for (const raw of page) {
          const rec = map ? map(raw, ctx, slice) : raw;
          if (rec) out.push(rec);
        }
        yield out;
      }
    },
  });
}
