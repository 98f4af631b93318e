import { defineSource } from '@conkit/base';
import spec from './spec.json' with { type: 'json' };
import { httpOptions, type Config } from './client.js';
import responses from './streams/responses.js';
import declines from './streams/declines.js';
import endUsers from './streams/end_users.js';

export default defineSource<Config>({
  name: 'source-wootric',
  version: '0.1.0',
  spec,
  http: httpOptions,
  // a token and one small page: proves the credentials and the base URL
  check: async ({ http }) => {
    await http.get('/v1/responses', { params: { page: 1, per_page: 1 } });
  },
  streams: [responses, declines, endUsers],
});
