import { checkpoint, defineStream } from '@conkit/base';
import schema from '../schemas/profiles.json' with { type: 'json' };
import type { Config } from '../config.js';
import { dayBefore, ometriaPages } from '../client.js';
import { profile } from '../mapping.js';

// Profiles changed since the last run; the next run asks from this run's start, so nothing
// changed during the read is missed (Daasity's updated_at is that update-since value).
// `updateSince` is a date: the day before the bound's day (a wider window; rows upsert by key).
export default defineStream<Config>({
  name: 'profiles',
  schema,
  primaryKey: ['__sync_key'],
  cursorField: 'updated_at',
  stateMode: 'manual',
  stateSchema: { type: 'object', properties: { updated_since: { type: 'string', format: 'date-time' } } },
  read: async function* (ctx) {
    const since = ctx.since(ctx.state?.updated_since);
    for await (const page of ometriaPages(ctx.http, '/v2/profiles', { updateSince: dayBefore(since) }))
      yield page.map((p) => profile(p, ctx.config, { updated_at: since }));
    yield checkpoint({ updated_since: ctx.startedAt.toISOString() });
  },
});
