import { bookmarksStateSchema, defineStream, readBookmarkedParts } from '@conkit/base';
import schema from '../schemas/member_lists.json' with { type: 'json' };
import type { Config } from '../config.js';
import { changePages, listIds } from '../client.js';
import { memberList } from '../mapping.js';

// list_enter/list_exit per list (archived lists too), lists read concurrently, a bookmark per list (the kit's
// readBookmarkedParts, which also drops what the undocumented `since` let through); limit/offset go through the page loop.
export default defineStream<Config>({
  name: 'member_lists',
  schema,
  primaryKey: ['__sync_key'],
  cursorField: 'event_at',
  stateMode: 'manual',
  stateSchema: bookmarksStateSchema('lists'),
  read: async function* (ctx) {
    yield* readBookmarkedParts({
      saved: ctx.state,
      field: 'lists',
      parts: await listIds(ctx.http),
      cursor: 'event_at',
      start: ctx.historyStart,
      concurrency: ctx.maxConcurrency,
      read: async function* (id, from) {
        for await (const page of changePages(ctx.http, id, from))
          yield page.map((c) => memberList(c, ctx.config, { list_id: id }));
      },
    });
  },
});
