import { restStream, noPaging } from '@conkit/base';
import schema from '../schemas/lists.json' with { type: 'json' };
import type { Config } from '../config.js';
import { ALL_LISTS } from '../client.js';
import { list } from '../mapping.js';
import { now } from '../since.js';

// All lists (mode=all) in one request. The API has no filter and lists no update time; an
// incremental read keeps those whose stats were refreshed since the bookmark.
export default restStream<Config>({
  name: 'lists',
  schema,
  primaryKey: ['__sync_key'],
  cursorField: 'updated_at',
  request: () => ALL_LISTS,
  paginate: () => noPaging(),
  map: (raw, ctx) => {
    const rec = list(raw, ctx.config, now());
    const bound = ctx.syncMode === 'incremental' ? ctx.cursor.start(undefined) : undefined;
    return bound && typeof rec.updated_at === 'string' && rec.updated_at < String(bound) ? undefined : rec;
  },
});
