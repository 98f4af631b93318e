import { defineStream } from '@conkit/base';
import schema from '../schemas/lists.json' with { type: 'json' };
import type { Config } from '../config.js';
import { coerce } from '@conkit/base/soap';
import { lists } from '../listrak.js';

export default defineStream<Config>({
  name: 'lists',
  schema,
  primaryKey: ['ListID'],
  read: async function* (ctx) {
    for await (const l of lists(ctx)) yield coerce(l, schema);
  },
});
