// Ometria's self-serve data export: files the export writes to the customer's bucket, CSV with a
// header row, JSON lines or a JSON array, gzip or not, each read as a stream. A file is read once:
// the state is the newest last-modified fully read plus the keys that share it (bounded).
// Layout, names and format are undocumented (WIRE.md): only keys naming email events are read.
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { parse as csvParse } from 'csv-parse';
import { readBatches, type JsonObject } from '@conkit/base';
import type { S3Object } from '@conkit/base/s3';

export interface ExportState { last_modified?: string; keys: string[] }

export function exportState(raw: JsonObject | undefined): ExportState {
  return { last_modified: typeof raw?.last_modified === 'string' ? raw.last_modified : undefined, keys: Array.isArray(raw?.keys) ? (raw.keys as string[]) : [] };
}

/** An export file of email events: a readable format, and "email" in its key below the prefix. */
export const isEmailEventsFile = (key: string, prefix = ''): boolean =>
  /email/i.test(key.startsWith(prefix) ? key.slice(prefix.length) : key) && /\.(csv|jsonl|ndjson|json)(\.gz)?$/i.test(key);

/** Files not read yet, oldest first. */
export function unread(objects: S3Object[], state: ExportState): S3Object[] {
  return objects
    .filter((o) => {
      const lm = o.lastModified.toISOString();
      return !state.last_modified || lm > state.last_modified || (lm === state.last_modified && !state.keys.includes(o.key));
    })
    .sort((a, b) => a.lastModified.getTime() - b.lastModified.getTime() || a.key.localeCompare(b.key));
}

export function afterFile(state: ExportState, file: S3Object): ExportState {
  const lm = file.lastModified.toISOString();
  return lm === state.last_modified ? { last_modified: lm, keys: [...state.keys, file.key] } : { last_modified: lm, keys: [file.key] };
}

const LINES_PER_BATCH = 1000;

/** The rows of one export file, a batch at a time (one parsed chunk of CSV, or up to 1,000 lines). */
export async function* exportRows(body: Readable, key: string): AsyncGenerator<JsonObject[]> {
  if (/\.csv(\.gz)?$/i.test(key)) {
    const parser = body.pipe(csvParse({ columns: true, skip_empty_lines: true, relax_column_count: true }));
    body.on('error', (e) => parser.destroy(e));
    yield* readBatches<JsonObject>(parser);
    return;
  }
  let batch: JsonObject[] = [];
  let array: string[] | undefined; // a JSON array document (pretty-printed .json), parsed whole
  for await (const line of createInterface({ input: body, crlfDelay: Infinity })) {
    if (array) array.push(line);
    else if (!line.trim()) continue;
    else if (!batch.length && line.trimStart().startsWith('[')) array = [line];
    else batch.push(JSON.parse(line) as JsonObject);
    if (batch.length >= LINES_PER_BATCH) {
      yield batch;
      batch = [];
    }
  }
  if (array) yield JSON.parse(array.join('\n')) as JsonObject[];
  if (batch.length) yield batch;
}
