import { byLastModified, fileStream, type S3Object } from '@conkit/base/s3';
import schema from '../schemas/email_events.json' with { type: 'json' };
import type { Config } from '../config.js';
import { emailEvent } from '../mapping.js';
import { now } from '../since.js';
import { exportRows, isEmailEventsFile } from '../export-files.js';

// There is no REST endpoint for email events: they come from the data export in S3, file by file,
// each read once (state: the newest last-modified fully read and the keys that share it).
export default fileStream<Config, S3Object>({
  name: 'email_events',
  schema,
  primaryKey: ['__sync_key'],
  cursorField: 'event_at',
  s3: (config) => config.export ?? "email_events needs the 'export' settings (the S3 data export); nothing read",
  isFile: (key, _config, s3) => isEmailEventsFile(key, s3.prefix),
  files: 'email-event export files (CSV, JSON lines or JSON with "email" in the key below the prefix)',
  ledger: byLastModified(),
  parse: exportRows,
  row: ({ row }, _file, ctx) => emailEvent(row, ctx.config, now()),
});
