import { defineStream } from '@conkit/base';
import schema from '../schemas/lists.json' with { type: 'json' };
import type { Config } from '../config.js';
import { listPages } from '../client.js';
import { list } from '../mapping.js';

// All lists (mode=all), limit/offset sent as a defence (client.ts). The API has no filter and lists
// no update time; an incremental read keeps those whose stats were refreshed since the bookmark.
export default defineStream<Config>({
  name: 'lists',
  schema,
  primaryKey: ['__sync_key'],
  cursorField: 'updated_at',
  clientSideIncremental: true,
  read: async function* (ctx) {
    for await (const page of listPages(ctx.http)) yield page.map((l) => list(l, ctx.config));
  },
});
