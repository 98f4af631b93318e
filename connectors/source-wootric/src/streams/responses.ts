import schema from '../schemas/responses.json' with { type: 'json' };
import { wootricStream } from '../wootric-stream.js';

export default wootricStream({
  name: 'responses',
  path: '/v1/responses',
  schema,
  filter: 'created',
  dateFields: ['created_at', 'updated_at'],
});
