import { checkpoint, defineStream, offsetPaging, paged, pages, type JsonObject } from '@conkit/base';
import schema from '../schemas/member_lists.json' with { type: 'json' };
import type { Config } from '../config.js';
import { PAGE, listsRequest } from '../client.js';
import { memberList } from '../mapping.js';
import { now, sinceOf, utcSeconds } from '../since.js';

// list_enter/list_exit events per list (every list, archived too). State keeps one bookmark per
// list (bounded by the number of lists), so a read that stops half way resumes each list where it
// was. The changes parameters are undocumented: `since` is sent and also applied here, and
// limit/offset run through the kit's page loop, which ends a read the service does not page.
export default defineStream<Config>({
  name: 'member_lists',
  schema,
  primaryKey: ['__sync_key'],
  cursorField: 'event_at',
  stateMode: 'manual',
  // per list, the newest change read so far
  stateSchema: {
    type: 'object',
    properties: { lists: { type: 'object', additionalProperties: { type: 'string', format: 'date-time' } } },
  },
  read: async function* (ctx) {
    const marks: Record<string, string> = { ...((ctx.state?.lists as Record<string, string> | undefined) ?? {}) };
    for await (const l of paged(ctx.http, listsRequest, offsetPaging({ limit: PAGE }))) {
      const id = String(l.id);
      const from = sinceOf(ctx, marks[id]);
      let mark = from;
      const request = (offset: string | number | undefined) => ({
        path: `/v2/lists/${encodeURIComponent(id)}/changes`,
        params: { since: utcSeconds(Date.parse(from)), limit: PAGE, offset },
      });
      for await (const page of pages(ctx.http, request, offsetPaging({ limit: PAGE }))) {
        const readAt = now();
        const recs = page
          .map((c) => memberList(c, id, ctx.config, readAt))
          .filter((r) => !(typeof r.event_at === 'string' && r.event_at < from));
        for (const r of recs) if (typeof r.event_at === 'string' && r.event_at > mark) mark = r.event_at;
        yield recs;
      }
      marks[id] = mark;
      yield checkpoint({ lists: marks as JsonObject });
    }
  },
});
