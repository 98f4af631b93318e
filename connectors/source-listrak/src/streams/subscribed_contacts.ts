import { checkpoint, defineStream } from '@conkit/base';
import schema from '../schemas/subscribed_contacts.json' with { type: 'json' };
import type { Config } from '../config.js';
import { coerce } from '../coerce.js';
import { lists, pages, window, windowState } from '../listrak.js';

// every list's contacts subscribed in the window, page by page
export default defineStream<Config>({
  name: 'subscribed_contacts',
  schema,
  primaryKey: [['ContactID'], ['ListID']],
  cursorField: 'AdditionDate',
  stateMode: 'manual',
  stateSchema: windowState,
  read: async function* (ctx) {
    const since = window(ctx, ctx.state?.until);
    if (!since) return;
    for await (const l of lists(ctx)) {
      for await (const page of pages(ctx, 'ReportRangeSubscribedContacts', 'WSSubscribedContact', { ListID: l.ListID, ...since })) {
        yield page.map((c) => coerce({ ...c, ListID: l.ListID }, schema));
      }
    }
    yield checkpoint({ until: ctx.startedAt.toISOString() });
  },
});
