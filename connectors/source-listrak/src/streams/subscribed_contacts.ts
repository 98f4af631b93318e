import { defineStream, partWindowStateSchema } from '@conkit/base';
import schema from '../schemas/subscribed_contacts.json' with { type: 'json' };
import type { Config } from '../config.js';
import { coerce } from '@conkit/base/soap';
import { byParts, listKey, lists, pages } from '../listrak.js';

// every list's contacts subscribed in the window, page by page, with a checkpoint after each list
export default defineStream<Config>({
  name: 'subscribed_contacts',
  schema,
  primaryKey: [['ContactID'], ['ListID']],
  cursorField: 'AdditionDate',
  stateMode: 'manual',
  stateSchema: partWindowStateSchema,
  read: (ctx) =>
    byParts(
      ctx,
      () => lists(ctx),
      listKey,
      async function* (l, range) {
        for await (const page of pages(ctx, 'ReportRangeSubscribedContacts', 'WSContactSubscriptionInfo', {
          ListID: l.ListID,
          ...range,
        })) {
          yield page.map((c) => coerce({ ...c, ListID: l.ListID }, schema));
        }
      },
    ),
});
