import { restStream, offsetPaging } from '@conkit/base';
import schema from '../schemas/lists.json' with { type: 'json' };
import type { Config } from '../config.js';
import { PAGE } from '../client.js';
import { list } from '../mapping.js';
import { now } from '../since.js';

// The API has no filter on lists; an incremental read keeps those whose stats changed since the bookmark.
export default restStream<Config>({
  name: 'lists',
  schema,
  primaryKey: ['__sync_key'],
  cursorField: 'updated_at',
  request: ({ page }) => ({ path: '/v2/lists', params: { limit: PAGE, offset: page } }),
  paginate: () => offsetPaging({ limit: PAGE }),
  map: (raw, ctx) => {
    const rec = list(raw, ctx.config, now());
    const bound = ctx.syncMode === 'incremental' ? ctx.cursor.start(undefined) : undefined;
    return bound && typeof rec.updated_at === 'string' && rec.updated_at < String(bound) ? undefined : rec;
  },
});
