import { singerFor } from './singer-for.js';

singerFor({
  connector: 'source-ometria',
  pii: {
    profiles: { email: "sha256(email + config['hash_seed'])", customer_name: null, first_name: null, last_name: null },
    unsubscribes: { email_address: "sha256(email_address + config['hash_seed'])" },
    email_events: { to_address: 'md5(to_address)' },
  },
});
