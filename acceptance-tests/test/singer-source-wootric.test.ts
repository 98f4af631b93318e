import { singerFor } from './singer-for.js';

singerFor({
  connector: 'source-wootric',
  pii: { end_users: { email: "sha256(email + config['hash_seed'])" } },
  faults: true,
});
