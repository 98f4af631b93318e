import { dateWindows, noPaging, restStream } from '@conkit/base';
import schema from '../schemas/unsubscribes.json' with { type: 'json' };
import type { Config } from '../config.js';
import { unsubscribe } from '../mapping.js';
import { now, sinceOf, utcSeconds } from '../since.js';

interface Window { from: string; to: string; since: string; before: string }

// Documented parameters only (since, before; no paging, no documented order): 30-day windows, one
// request each, asked a second wider on both sides (whether the bounds are inclusive is not
// documented) and kept to [from, to) here, so each row comes once. The bookmark moves per window.
export default restStream<Config, Window>({
  name: 'unsubscribes',
  schema,
  primaryKey: ['__sync_key'],
  cursorField: 'event_at',
  slices: function* (ctx) {
    for (const { start, end } of dateWindows({ from: sinceOf(ctx, ctx.cursor.start(undefined)), to: ctx.startedAt, step: { days: 30 } })) {
      yield { from: start.toISOString(), to: end.toISOString(), since: utcSeconds(start.getTime() - 1000), before: utcSeconds(end.getTime() + 1000) };
    }
  },
  request: ({ slice }) => ({ path: '/v2/unsubscribes', params: { since: slice.since, before: slice.before } }),
  paginate: () => noPaging(),
  map: (raw, ctx, w) => {
    const rec = unsubscribe(raw, ctx.config, now());
    const at = rec.event_at as string | null;
    return at === null || (at >= w.from && at < w.to) ? rec : undefined;
  },
});
