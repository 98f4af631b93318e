import schema from '../schemas/message_opens.json' with { type: 'json' };
import { messageReport } from '../child-stream.js';

export default messageReport({
  name: 'message_opens',
  schema,
  operation: 'ReportRangeMessageContactOpen',
  item: 'WSContactOpen',
  dateField: 'OpenDate',
});
