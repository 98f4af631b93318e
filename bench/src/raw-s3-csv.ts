// The raw pipeline for S3 files: GetObject stream, gunzip when .gz, csv-parse, JSON.stringify each
// row (optionally mapped to the connector's columns, raw-maps.ts) as a RECORD line, write with back-pressure.
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { parse } from 'csv-parse';
import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';
import { rawMap } from './raw-maps.js';

const [endpoint, keyId, secret, bucket, key, stream, header, mapName, root] = process.argv.slice(2);
const map = await rawMap(root ?? '', mapName);
const s3 = new S3Client({
  region: 'us-east-1',
  endpoint,
  forcePathStyle: true,
  credentials: { accessKeyId: keyId, secretAccessKey: secret },
});
const body = (await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }))).Body as Readable;
const rows = (key.endsWith('.gz') ? body.pipe(createGunzip()) : body).pipe(
  parse({ columns: header === 'header' ? true : undefined }),
);
let buf = '';
for await (const row of rows) {
  buf +=
    JSON.stringify({
      type: 'RECORD',
      record: { stream, data: map ? map(row as Record<string, unknown>) : row, emitted_at: Date.now() },
    }) + '\n';
  if (buf.length > 65536) {
    if (!process.stdout.write(buf)) await new Promise((r) => process.stdout.once('drain', r));
    buf = '';
  }
}
process.stdout.write(buf);
s3.destroy();
