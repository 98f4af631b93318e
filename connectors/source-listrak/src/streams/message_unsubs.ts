import schema from '../schemas/message_unsubs.json' with { type: 'json' };
import { messageReport } from '../child-stream.js';

export default messageReport({
  name: 'message_unsubs',
  schema,
  operation: 'ReportRangeMessageContactRemoval',
  item: 'WSContactRemovalInfo',
  dateField: 'RemovalDate',
});
