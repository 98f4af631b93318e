import { dateWindows, offsetPaging, restStream } from '@conkit/base';
import schema from '../schemas/unsubscribes.json' with { type: 'json' };
import type { Config } from '../config.js';
import { PAGE } from '../client.js';
import { unsubscribe } from '../mapping.js';
import { now, sinceOf, utcSeconds } from '../since.js';

interface Window {
  from: string;
  to: string;
  since: string;
  before: string;
}

// since/before as documented (no documented order or paging): 30-day windows, asked a second wider
// on both sides (whether the bounds are inclusive is not documented) and kept to [from, to) here, so
// each row comes once; limit/offset sent as a defence (client.ts). The bookmark moves per window.
export default restStream<Config, Window>({
  name: 'unsubscribes',
  schema,
  primaryKey: ['__sync_key'],
  cursorField: 'event_at',
  slices: function* (ctx) {
    for (const { start, end } of dateWindows({
      from: sinceOf(ctx, ctx.cursor.start(undefined)),
      to: ctx.startedAt,
      step: { days: 30 },
    })) {
      yield {
        from: start.toISOString(),
        to: end.toISOString(),
        since: utcSeconds(start.getTime() - 1000),
        before: utcSeconds(end.getTime() + 1000),
      };
    }
  },
  request: ({ slice, page }) => ({
    path: '/v2/unsubscribes',
    params: { since: slice.since, before: slice.before, limit: PAGE, offset: page },
  }),
  paginate: () => offsetPaging({ limit: PAGE }),
  map: (raw, ctx, w) => {
    const rec = unsubscribe(raw, ctx.config, now());
    const at = rec.event_at as string | null;
    return at === null || (at >= w.from && at < w.to) ? rec : undefined;
  },
});
