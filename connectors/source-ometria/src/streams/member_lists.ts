import { defineStream, readPartitions, type JsonObject } from '@conkit/base';
import schema from '../schemas/member_lists.json' with { type: 'json' };
import type { Config } from '../config.js';
import { changePages, listIds } from '../client.js';
import { memberList } from '../mapping.js';
import { now, sinceOf } from '../since.js';

// list_enter/list_exit per list (archived lists too), lists read concurrently; a bookmark per list, set once it is
// through. The undocumented `since` is sent and applied here; limit/offset go through the kit's page loop (WIRE.md).
export default defineStream<Config>({
  name: 'member_lists',
  schema,
  primaryKey: ['__sync_key'],
  cursorField: 'event_at',
  stateMode: 'manual',
  stateSchema: {
    type: 'object',
    properties: { lists: { type: 'object', additionalProperties: { type: 'string', format: 'date-time' } } },
  },
  read: async function* (ctx) {
    const marks: Record<string, string> = { ...((ctx.state?.lists as Record<string, string> | undefined) ?? {}) };
    const ids = await listIds(ctx.http);
    const newest = new Map(ids.map((id) => [id, sinceOf(ctx, marks[id])]));
    const read = async function* (id: string): AsyncGenerator<JsonObject[]> {
      const from = sinceOf(ctx, marks[id]);
      for await (const page of changePages(ctx.http, id, from)) {
        const readAt = now();
        const recs = page
          .map((c) => memberList(c, id, ctx.config, readAt))
          .filter((r) => !(typeof r.event_at === 'string' && r.event_at < from));
        for (const r of recs)
          if (typeof r.event_at === 'string' && r.event_at > (newest.get(id) ?? '')) newest.set(id, r.event_at);
        yield recs;
      }
    };
    const done = (id: string) => ({ lists: Object.assign(marks, { [id]: newest.get(id) }) });
    yield* readPartitions({ parts: ids, read, done, concurrency: ctx.maxConcurrency });
  },
});
