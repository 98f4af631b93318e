import schema from '../schemas/declines.json' with { type: 'json' };
import { wootricStream } from '../wootric-stream.js';

export default wootricStream({
  name: 'declines',
  path: '/v1/declines',
  schema,
  filter: 'created',
  dateFields: ['created_at', 'updated_at'],
});
