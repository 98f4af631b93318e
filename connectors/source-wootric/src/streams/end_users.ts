import schema from '../schemas/end_users.json' with { type: 'json' };
import { wootricStream } from '../wootric-stream.js';

// end users change after they are created, so they are read by update time; external_created_at
// stays the Unix timestamp Wootric sends (WIRE.md: end_users fields)
export default wootricStream({
  name: 'end_users',
  path: '/v1/end_users',
  schema,
  filter: 'updated',
  dateFields: ['created_at', 'updated_at', 'last_surveyed', 'last_seen_at'],
});
