import { defineStream, partWindowStateSchema } from '@conkit/base';
import { coerce } from '@conkit/base/soap';
import schema from '../schemas/subscribed_contacts.json' with { type: 'json' };
import type { Config } from '../config.js';
import { byList, pages } from '../listrak.js';

// every list's contacts subscribed in the window, page by page, with a checkpoint after each list
export default defineStream<Config>({
  name: 'subscribed_contacts',
  schema,
  primaryKey: [['ContactID'], ['ListID']],
  cursorField: 'AdditionDate',
  stateMode: 'manual',
  stateSchema: partWindowStateSchema,
  read: (ctx) =>
    byList(ctx, async function* ({ ListID }, range) {
      const contacts = pages(ctx, 'ReportRangeSubscribedContacts', 'WSContactSubscriptionInfo', { ListID, ...range });
      for await (const page of contacts) yield page.map((c) => coerce({ ...c, ListID }, schema));
    }),
});
