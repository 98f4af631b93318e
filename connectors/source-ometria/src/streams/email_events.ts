import { byLastModified, csvParse, csvRows, fileStream, jsonRows, type S3Object } from '@conkit/base/s3';
import schema from '../schemas/email_events.json' with { type: 'json' };
import type { Config } from '../config.js';
import { emailEvent } from '../mapping.js';

// There is no REST endpoint for email events: they come from the self-serve data export the
// customer's bucket receives, file by file, each read once (state: the newest last-modified fully
// read and the keys that share it). Layout, names and format are undocumented (WIRE.md): keys naming
// email events below the prefix, CSV with a header row (by extension), else JSON lines or an array.
export default fileStream<Config, S3Object>({
  name: 'email_events',
  schema,
  primaryKey: ['__sync_key'],
  cursorField: 'event_at',
  s3: (config) => config.export ?? "email_events needs the 'export' settings (the S3 data export); nothing read",
  isFile: (key, _config, { prefix = '' }) =>
    /email/i.test(key.startsWith(prefix) ? key.slice(prefix.length) : key) &&
    /\.(csv|jsonl|ndjson|json)(\.gz)?$/i.test(key),
  files: 'email-event export files (CSV, JSON lines or JSON with "email" in the key below the prefix)',
  ledger: byLastModified(),
  parse: (body, file) =>
    /\.csv(\.gz)?$/i.test(file.key)
      ? csvRows(body, { parser: () => csvParse({ relax_column_count: true }) })
      : jsonRows(body),
  row: ({ row }, _file, ctx) => emailEvent(row, ctx.config),
});
