import schema from '../schemas/message_reads.json' with { type: 'json' };
import { messageReport } from '../child-stream.js';

export default messageReport({
  name: 'message_reads',
  schema,
  operation: 'ReportRangeMessageContactRead',
  item: 'WSContactRead',
  dateField: 'ReadDate',
});
