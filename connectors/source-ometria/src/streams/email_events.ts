import { checkpoint, defineStream, type JsonObject } from '@conkit/base';
import { createS3Client, listObjects, openObject, type S3Object } from '@conkit/base/s3';
import schema from '../schemas/email_events.json' with { type: 'json' };
import type { Config } from '../config.js';
import { emailEvent } from '../mapping.js';
import { now } from '../since.js';
import { afterFile, exportRows, exportState, isEmailEventsFile, unread } from '../export-files.js';

// There is no REST endpoint for email events: they come from the data export in S3, file by file.
export default defineStream<Config>({
  name: 'email_events',
  schema,
  primaryKey: ['__sync_key'],
  cursorField: 'event_at',
  stateMode: 'manual',
  // the newest export file read, and the keys read at that same instant
  stateSchema: { type: 'object', properties: { last_modified: { type: 'string', format: 'date-time' }, keys: { type: 'array', items: { type: 'string' } } } },
  read: async function* (ctx) {
    const exp = ctx.config.export;
    if (!exp) return ctx.log.warn("email_events needs the 'export' settings (the S3 data export); nothing read");
    const s3 = createS3Client(exp);
    let state = exportState(ctx.state);
    const objects: S3Object[] = [];
    const skipped: S3Object[] = [];
    for await (const o of listObjects(s3, exp)) (isEmailEventsFile(o.key, exp.prefix) ? objects : o.key.endsWith('/') ? [] : skipped).push(o);
    if (skipped.length) ctx.log.warn(`email_events skipped ${skipped.length} key(s) under the export prefix that are not email-event export files (CSV, JSON lines or JSON with "email" in the key below the prefix), e.g. '${skipped[0].key}'`);
    for (const f of unread(objects, state)) {
      for await (const rows of exportRows(openObject(s3, exp, f, { log: ctx.log }), f.key)) {
        const readAt = now();
        yield rows.map((row) => emailEvent(row, ctx.config, readAt));
      }
      state = afterFile(state, f);
      yield checkpoint(state as unknown as JsonObject);
    }
    yield checkpoint(state as unknown as JsonObject);
    s3.destroy();
  },
});
