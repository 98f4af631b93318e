import { defineSource } from '@conkit/base';
import { listObjects, withS3 } from '@conkit/base/s3';
import spec from './spec.json' with { type: 'json' };
import type { Config } from './config.js';
import { httpOptions } from './client.js';
import profiles from './streams/profiles.js';
import lists from './streams/lists.js';
import memberLists from './streams/member_lists.js';
import unsubscribes from './streams/unsubscribes.js';
import emailEvents from './streams/email_events.js';

export default defineSource<Config>({
  name: 'source-ometria',
  version: '0.1.0',
  spec,
  http: httpOptions,
  // one cheap API call (one list; a refused key is named by the kit, httpOptions' `credential`), then
  // (when the export is set) one listing of the bucket
  check: async ({ http, config }) => {
    await http.get('/v2/lists', { params: { mode: 'all', limit: 1, offset: 0 } });
    const exported = config.export;
    if (exported)
      await withS3(exported, 'list the export bucket', async (s3) => {
        for await (const _ of listObjects(s3, exported)) break;
      });
  },
  streams: [profiles, lists, memberLists, unsubscribes, emailEvents],
});
