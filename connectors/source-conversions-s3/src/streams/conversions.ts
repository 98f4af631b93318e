import { checkpoint, defineStream, type JsonObject } from '@conkit/base';
import { createS3Client, listObjects, openObject, type S3Object } from '@conkit/base/s3';
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
    let state = parseState(ctx.state);
    const objects: S3Object[] = [];
    for await (const o of listObjects(s3, ctx.config)) {
      if (formatOf(o.key, ctx.config.format)) objects.push(o);
      else ctx.log.warn(`${o.key}: not a CSV or JSON file by its extension; skipped (set format to read it anyway)`);
    }
    const files = chooseFiles(objects, state, ctx.config.start_date, ctx.log);
    for (const f of files) {
      yield* fileRecords(openObject(s3, ctx.config, f, { log: ctx.log }), f.key, f.date, ctx.config, ctx.log);
      state = { ...state, files: { ...state.files, [f.key]: f.lastModified.toISOString() } };
      yield checkpoint(state as unknown as JsonObject);
    }
    state = settle(state, files.at(-1)?.date ?? state.last_complete_date);
    yield checkpoint(state as unknown as JsonObject);
    s3.destroy();
  },
});
