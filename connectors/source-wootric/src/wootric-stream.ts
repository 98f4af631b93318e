// The shape every Wootric table shares (WIRE.md): a bare JSON array per page, page 1..30 of at most
// 50 records, filtered by epoch seconds, sorted ascending by the filtered field because the request
// says so (sort_key and sort_order are always sent: end_users' default sort_key is the email), and
// read past the 1,500-record cap by sliding the lower bound (the kit's slidingWindow). A page whose
// cursor goes backwards is refused: sliding on an unsorted page would skip records. Timestamps
// leave as ISO-8601 UTC.
import type { JsonObject, JsonSchema, StreamDef } from '@conkit/base';
import { defineStream, epochSeconds, parseTimestamp, slidingWindowPages, toIsoUtc } from '@conkit/base';
import type { Config } from './client.js';

const PER_PAGE = 50;
const MAX_PAGES = 30;

export interface WootricTable {
  name: string;
  path: string;
  schema: JsonSchema;
  /** The query filter the API offers: created[gt] or updated[gt]. */
  filter: 'created' | 'updated';
  dateFields: string[];
}

export function wootricStream(t: WootricTable): StreamDef<Config> {
  const cursorField = `${t.filter}_at`;
  return defineStream<Config>({
    name: t.name,
    schema: t.schema,
    primaryKey: ['id'],
    cursorField,
    sorted: true,
    read: async function* (ctx) {
      // the upper bound is the sync's start: records arriving during a long sync wait for the next one
      const until = epochSeconds(ctx.startedAt) + 1;
      const start = new Date(ctx.since(ctx.cursor.start(undefined)));
      const pages = slidingWindowPages<JsonObject>({
        from: epochSeconds(start),
        pageSize: PER_PAGE,
        maxPages: MAX_PAGES,
        cursor: (r) => epochSeconds(parseTimestamp(r[cursorField]) ?? new Date(0)),
        id: (r) => r.id as number,
        fetch: async (from, page) => {
          // [gt] is exclusive; from - 1 makes the lower bound inclusive, so ties at a second are not lost
          const params = {
            [`${t.filter}[gt]`]: from - 1,
            [`${t.filter}[lt]`]: until,
            sort_key: cursorField,
            sort_order: 'asc',
            page,
            per_page: PER_PAGE,
          };
          return (await ctx.http.get<JsonObject[]>(t.path, { params })).data ?? [];
        },
        what: `GET ${t.path} (sort_key=${cursorField}, sort_order=asc)`,
      });
      for await (const page of pages) {
        // in place: the page's objects are this read's own (fresh from JSON.parse), and a copy per record
        // costs more than the conversion; an ISO value still parses to the same cursor if read again
        for (const r of page) for (const f of t.dateFields) if (f in r) r[f] = toIsoUtc(r[f]);
        yield page;
      }
    },
  });
}
