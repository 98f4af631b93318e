import { checkpoint, defineStream, type JsonObject } from '@conkit/base';
import { S3ObjectGoneError, createS3Client, listObjects, openObject, type S3Object } from '@conkit/base/s3';
import schema from '../schemas/conversions.json' with { type: 'json' };
import type { Config } from '../config.js';
import { chooseFiles, parseState, settle } from '../delivery.js';
import { fileRecords } from '../file-rows.js';
import { formatOf } from '../readers.js';

export default defineStream<Config>({
  name: 'conversions',
  schema,
  primaryKey: [['url'], ['date'], ['channel'], ['device']],
  cursorField: 'date',
  stateMode: 'manual',
  // the last day known complete, and the files read since (key -> LastModified)
  stateSchema: { type: 'object', properties: { last_complete_date: { type: 'string', format: 'date' }, files: { type: 'object', additionalProperties: { type: 'string', format: 'date-time' } } } },
  read: async function* (ctx) {
    const s3 = createS3Client(ctx.config);
    try {
      let state = parseState(ctx.state);
      const objects: S3Object[] = []; // one day's file a day: the listing is small enough to hold
      for await (const o of listObjects(s3, ctx.config)) {
        if (formatOf(o.key, ctx.config.format)) objects.push(o);
        else ctx.log.warn(`${o.key}: not a CSV or JSON file by its extension; skipped (set format to read it anyway)`);
      }
      const files = chooseFiles(objects, state, ctx.config.start_date, ctx.log);
      for (const f of files) {
        let rows = 0;
        try {
          for await (const batch of fileRecords(openObject(s3, ctx.config, f, { log: ctx.log }), f.key, f.date, ctx.config, ctx.log)) {
            rows += batch.length;
            yield batch;
          }
        } catch (e) {
          // deleted after it was listed: not read, so not remembered; a copy that comes back is read then
          if (!(e instanceof S3ObjectGoneError) || rows > 0) throw e;
          ctx.log.warn(`${f.key}: deleted after it was listed (NoSuchKey); skipped`);
          continue;
        }
        state = { ...state, files: { ...state.files, [f.key]: f.lastModified.toISOString() } };
        yield checkpoint(state as unknown as JsonObject);
      }
      state = settle(state, files.at(-1)?.date ?? state.last_complete_date);
      yield checkpoint(state as unknown as JsonObject);
    } finally {
      s3.destroy();
    }
  },
});
