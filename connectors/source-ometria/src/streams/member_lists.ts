import { checkpoint, defineStream, offsetPaging, paged, type JsonObject } from '@conkit/base';
import schema from '../schemas/member_lists.json' with { type: 'json' };
import type { Config } from '../config.js';
import { PAGE } from '../client.js';
import { memberList } from '../mapping.js';
import { now, sinceOf } from '../since.js';

// Membership changes per list. State keeps one bookmark per list (bounded by the number of lists,
// not of members), so a read that stops half way resumes each list where it was.
export default defineStream<Config>({
  name: 'member_lists',
  schema,
  primaryKey: ['__sync_key'],
  cursorField: 'event_at',
  stateMode: 'manual',
  // per list, the newest change read so far
  stateSchema: { type: 'object', properties: { lists: { type: 'object', additionalProperties: { type: 'string', format: 'date-time' } } } },
  read: async function* (ctx) {
    const marks: Record<string, string> = { ...((ctx.state?.lists as Record<string, string> | undefined) ?? {}) };
    const lists = paged(ctx.http, (offset) => ({ path: '/v2/lists', params: { limit: PAGE, offset } }), offsetPaging({ limit: PAGE }));
    for await (const l of lists) {
      const id = String(l.id);
      let mark = sinceOf(ctx, marks[id]);
      const request = (offset: string | number | undefined) => ({ path: `/v2/lists/${encodeURIComponent(id)}/changes`, params: { since: sinceOf(ctx, marks[id]), limit: PAGE, offset } });
      for await (const c of paged(ctx.http, request, offsetPaging({ limit: PAGE }))) {
        const rec = memberList(c, l.id, ctx.config, now());
        if (typeof rec.event_at === 'string' && rec.event_at > mark) mark = rec.event_at;
        yield rec;
      }
      marks[id] = mark;
      yield checkpoint({ lists: marks as JsonObject });
    }
  },
});
