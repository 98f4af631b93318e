import { singerFor } from './singer-for.js';

const email = "sha256(EmailAddress + config['hash_seed'])";
singerFor({
  connector: 'source-listrak',
  pii: {
    lists: {
      FromEmail: "sha256(FromEmail + config['hash_seed'])",
      DomainAliasEmail: "sha256(DomainAliasEmail + config['hash_seed'])",
      FromName: null,
    },
    // EmailAddress is part of these streams' key: hashed in place, it still identifies a record
    ...Object.fromEntries(
      [
        'message_bounces',
        'message_clicks',
        'message_opens',
        'message_reads',
        'message_sends',
        'message_unsubs',
        'subscribed_contacts',
      ].map((s) => [s, { EmailAddress: email }]),
    ),
  },
});
