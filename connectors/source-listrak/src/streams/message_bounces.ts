import schema from '../schemas/message_bounces.json' with { type: 'json' };
import { messageReport } from '../child-stream.js';

export default messageReport({
  name: 'message_bounces',
  schema,
  operation: 'ReportRangeMessageContactBounces',
  item: 'WSContactBounce',
  dateField: 'BounceDate',
});
