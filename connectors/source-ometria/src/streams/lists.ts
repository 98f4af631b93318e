import { offsetPaging, restStream } from '@conkit/base';
import schema from '../schemas/lists.json' with { type: 'json' };
import type { Config } from '../config.js';
import { PAGE, listsRequest } from '../client.js';
import { list } from '../mapping.js';
import { now } from '../since.js';

// All lists (mode=all), limit/offset sent as a defence (client.ts). The API has no filter and lists
// no update time; an incremental read keeps those whose stats were refreshed since the bookmark.
export default restStream<Config>({
  name: 'lists',
  schema,
  primaryKey: ['__sync_key'],
  cursorField: 'updated_at',
  request: ({ page }) => listsRequest(page),
  paginate: () => offsetPaging({ limit: PAGE }),
  map: (raw, ctx) => {
    const rec = list(raw, ctx.config, now());
    const bound = ctx.syncMode === 'incremental' ? ctx.cursor.start(undefined) : undefined;
    return bound && typeof rec.updated_at === 'string' && rec.updated_at < String(bound) ? undefined : rec;
  },
});
