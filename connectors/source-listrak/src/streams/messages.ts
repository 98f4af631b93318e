import { checkpoint, defineStream } from '@conkit/base';
import schema from '../schemas/messages.json' with { type: 'json' };
import type { Config } from '../config.js';
import { coerce } from '../coerce.js';
import { messages, window, windowState } from '../listrak.js';

// messages sent in the window since the previous run's end (ReportListMessageActivity per list)
export default defineStream<Config>({
  name: 'messages',
  schema,
  primaryKey: ['MsgID'],
  cursorField: 'SendDate',
  stateMode: 'manual',
  stateSchema: windowState,
  read: async function* (ctx) {
    const since = window(ctx, ctx.state?.until);
    if (!since) return;
    for await (const m of messages(ctx, since)) yield coerce(m, schema);
    yield checkpoint({ until: ctx.startedAt.toISOString() });
  },
});
