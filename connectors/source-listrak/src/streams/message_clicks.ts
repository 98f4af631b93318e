import schema from '../schemas/message_clicks.json' with { type: 'json' };
import { messageReport } from '../child-stream.js';

export default messageReport({
  name: 'message_clicks',
  schema,
  operation: 'ReportRangeMessageContactClick',
  item: 'WSContactClick',
  dateField: 'ClickDate',
});
