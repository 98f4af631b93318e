import schema from '../schemas/end_users.json' with { type: 'json' };
import { wootricStream } from '../wootric-stream.js';

// end users change after they are created, so they are read by update time
export default wootricStream({
  name: 'end_users', path: '/v1/end_users', schema, filter: 'updated',
  dateFields: ['created_at', 'updated_at', 'last_surveyed', 'external_created_at'],
});
