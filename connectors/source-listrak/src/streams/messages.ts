import { defineStream, partWindowStateSchema } from '@conkit/base';
import { coerce } from '@conkit/base/soap';
import schema from '../schemas/messages.json' with { type: 'json' };
import type { Config } from '../config.js';
import { byList, listMessages } from '../listrak.js';

// messages sent in the window since the previous run's end (ReportListMessageActivity per list),
// with a checkpoint after each list
export default defineStream<Config>({
  name: 'messages',
  schema,
  primaryKey: ['MsgID'],
  cursorField: 'SendDate',
  stateMode: 'manual',
  stateSchema: partWindowStateSchema,
  read: (ctx) =>
    byList(ctx, async function* (l, range) {
      yield (await listMessages(ctx, l.ListID, range)).map((m) =>
        coerce({ ...m, ListID: m.ListID ?? l.ListID }, schema),
      );
    }),
});
