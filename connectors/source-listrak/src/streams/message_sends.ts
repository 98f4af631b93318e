import schema from '../schemas/message_sends.json' with { type: 'json' };
import { messageReport } from '../child-stream.js';

// ReportMessageContactSent takes no dates: sends are read in full every time
export default messageReport({
  name: 'message_sends',
  schema,
  operation: 'ReportMessageContactSent',
  item: 'WSMessageRecipient',
});
