// Ometria's self-serve data export: files the export writes to the customer's bucket, CSV with a
// header row, JSON lines or a JSON array, gzip or not. Layout, names and format are undocumented
// (WIRE.md): only keys naming email events are read. Listing, state and opening are the kit's (fileStream).
import type { Readable } from 'node:stream';
import { csvParse, csvRows, jsonRows, type Parsed, type S3Object } from '@conkit/base/s3';

/** An export file of email events: a readable format, and "email" in its key below the prefix. */
export const isEmailEventsFile = (key: string, prefix = ''): boolean =>
  /email/i.test(key.startsWith(prefix) ? key.slice(prefix.length) : key) &&
  /\.(csv|jsonl|ndjson|json)(\.gz)?$/i.test(key);

/** The rows of one export file, a batch at a time: CSV by its extension, else JSON lines or a JSON array. */
export const exportRows = (body: Readable, file: S3Object): AsyncIterable<Parsed[]> =>
  /\.csv(\.gz)?$/i.test(file.key)
    ? csvRows(body, { parser: () => csvParse({ relax_column_count: true }) })
    : jsonRows(body);
