import { dateWindows, defineStream, type DateWindow } from '@conkit/base';
import schema from '../schemas/unsubscribes.json' with { type: 'json' };
import type { Config } from '../config.js';
import { ometriaPages, utcSeconds } from '../client.js';
import { unsubscribe } from '../mapping.js';

// since/before as documented (no documented order or paging): 30-day windows, asked a second wider
// on both sides (whether the bounds are inclusive is not documented) and kept to [start, end) by the
// kit (clientSideIncremental), so each row comes once; limit/offset sent as a defence (client.ts).
// The bookmark moves per window.
export default defineStream<Config, DateWindow>({
  name: 'unsubscribes',
  schema,
  primaryKey: ['__sync_key'],
  cursorField: 'event_at',
  clientSideIncremental: true,
  slices: (ctx) => dateWindows({ from: ctx.since(ctx.cursor.start(undefined)), to: ctx.startedAt, step: { days: 30 } }),
  read: async function* (ctx, { start, end }) {
    const params = { since: utcSeconds(start.getTime() - 1000), before: utcSeconds(end.getTime() + 1000) };
    for await (const page of ometriaPages(ctx.http, '/v2/unsubscribes', params))
      yield page.map((u) => unsubscribe(u, ctx.config));
  },
});
