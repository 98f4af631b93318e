import { defineSource } from '@conkit/base';
import spec from './spec.json' with { type: 'json' };
import type { Config } from './config.js';
import { soapClient } from './listrak.js';
import lists from './streams/lists.js';
import messages from './streams/messages.js';
import messageBounces from './streams/message_bounces.js';
import messageClicks from './streams/message_clicks.js';
import messageOpens from './streams/message_opens.js';
import messageReads from './streams/message_reads.js';
import messageSends from './streams/message_sends.js';
import messageUnsubs from './streams/message_unsubs.js';
import subscribedContacts from './streams/subscribed_contacts.js';

export default defineSource<Config>({
  name: 'source-listrak',
  version: '0.1.0',
  spec,
  // the cheapest call that needs a valid login
  check: async ({ config, log }) => {
    await (await soapClient(config, log)).call('GetContactListCollection', {});
  },
  streams: [
    lists,
    messages,
    messageBounces,
    messageClicks,
    messageOpens,
    messageReads,
    messageSends,
    messageUnsubs,
    subscribedContacts,
  ],
});
