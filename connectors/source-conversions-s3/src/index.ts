import { defineSource } from '@conkit/base';
import { listObjects, readHead, withS3, type S3Object } from '@conkit/base/s3';
import spec from './spec.json' with { type: 'json' };
import type { Config } from './config.js';
import conversions from './streams/conversions.js';

export default defineSource<Config>({
  name: 'source-conversions-s3',
  version: '0.1.0',
  spec,
  // lists the bucket and reads the first bytes of the newest file (an empty one whole, without a
  // Range: any byte range of an empty object is unsatisfiable, 416 InvalidRange on S3)
  check: ({ config }) =>
    withS3(config, 'list and read the bucket', async (s3) => {
      let newest: S3Object | undefined;
      for await (const o of listObjects(s3, config)) if (!newest || o.lastModified > newest.lastModified) newest = o;
      if (!newest) return `Bucket '${config.bucket}' has no files under '${config.prefix ?? ''}'. Check 'prefix'.`;
      await readHead(s3, config, newest, 512);
      return undefined;
    }),
  streams: [conversions],
});
