// The message_* tables, one paged report per message (child-stream.ts): table, schema, SOAP
// operation, the Result's item element, and the table's own date column (the cursor).
// ReportMessageContactSent takes no dates: sends are read in full every time.
import { messageReport as report } from '../child-stream.js';
import bounces from '../schemas/message_bounces.json' with { type: 'json' };
import clicks from '../schemas/message_clicks.json' with { type: 'json' };
import opens from '../schemas/message_opens.json' with { type: 'json' };
import reads from '../schemas/message_reads.json' with { type: 'json' };
import sends from '../schemas/message_sends.json' with { type: 'json' };
import unsubs from '../schemas/message_unsubs.json' with { type: 'json' };

export default [
  report('message_bounces', bounces, 'ReportRangeMessageContactBounces', 'WSContactBounce', 'BounceDate'),
  report('message_clicks', clicks, 'ReportRangeMessageContactClick', 'WSContactClick', 'ClickDate'),
  report('message_opens', opens, 'ReportRangeMessageContactOpen', 'WSContactOpen', 'OpenDate'),
  report('message_reads', reads, 'ReportRangeMessageContactRead', 'WSContactRead', 'ReadDate'),
  report('message_sends', sends, 'ReportMessageContactSent', 'WSMessageRecipient'),
  report('message_unsubs', unsubs, 'ReportRangeMessageContactRemoval', 'WSContactRemovalInfo', 'RemovalDate'),
];
