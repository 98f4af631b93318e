import { restStream, offsetPaging } from '@conkit/base';
import schema from '../schemas/unsubscribes.json' with { type: 'json' };
import type { Config } from '../config.js';
import { PAGE } from '../client.js';
import { unsubscribe } from '../mapping.js';
import { now, sinceOf } from '../since.js';

// since/before bound the window; the API answers oldest first, so the bookmark may move mid-read
export default restStream<Config>({
  name: 'unsubscribes',
  schema,
  primaryKey: ['__sync_key'],
  cursorField: 'event_at',
  sorted: true,
  request: ({ page, ctx }) => ({
    path: '/v2/unsubscribes',
    params: { since: sinceOf(ctx, ctx.cursor.start(undefined)), before: ctx.startedAt.toISOString(), limit: PAGE, offset: page },
  }),
  paginate: () => offsetPaging({ limit: PAGE }),
  map: (raw, ctx) => unsubscribe(raw, ctx.config, now()),
});
