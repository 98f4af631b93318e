// Row readers that never hold a whole file: CSV (header-less, separator detected or configured)
// through csv-parse, and JSON as an array (stream-json), as JSON lines, or as the row file Botify's
// page shows (single-quoted keys and strings, objects separated by commas, a trailing comma) through
// JSON5, one object at a time.
import { createInterface } from 'node:readline';
import { Readable, type Duplex } from 'node:stream';
import { parse as csvParse } from 'csv-parse';
import { readBatches } from '@conkit/base';
import JSON5 from 'json5';
import streamArrayModule from 'stream-json/streamers/stream-array.js';
import type { Config, Field } from './config.js';
import type { Row } from './rules.js';

const streamArray = streamArrayModule as unknown as { withParserAsStream(): NodeJS.ReadWriteStream };

export interface LineRow { line: number; row: Row }
export type RowOrError = LineRow | { line: number; error: string };

export function formatOf(key: string, configured: Config['format']): 'csv' | 'json' | undefined {
  if (configured !== 'auto') return configured;
  const name = key.toLowerCase().replace(/\.gz$/, '');
  if (/\.(csv|tsv|txt)$/.test(name)) return 'csv';
  if (/\.(json|jsonl|ndjson)$/.test(name)) return 'json';
  return undefined;
}

const DELIMITERS = [',', ';', '\t', '|'] as const;

export function detectDelimiter(firstLine: string): string {
  let best: string = ',';
  let most = 0;
  for (const d of DELIMITERS) {
    const n = firstLine.split(d).length - 1;
    if (n > most) [best, most] = [d, n];
  }
  return best;
}

/** Reads the first chunk to look at, then hands back a stream that still starts at byte 0. */
async function peek(input: Readable): Promise<{ head: string; rest: AsyncIterable<Buffer> }> {
  const it = input[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const first = await it.next();
  const head = first.done ? Buffer.alloc(0) : Buffer.from(first.value);
  return {
    head: head.toString('utf8'),
    rest: (async function* () {
      if (head.length) yield head;
      for (let n = await it.next(); !n.done; n = await it.next()) yield n.value;
    })(),
  };
}

/** Rows a batch at a time: one parsed input chunk per batch, so no promise per row. */
export async function* csvRows(input: Readable, columns: Field[], delimiter?: string): AsyncGenerator<RowOrError[]> {
  const { head, rest } = await peek(input);
  if (!head.trim()) return;
  const sep = delimiter ?? detectDelimiter(head.split(/\r?\n/)[0]);
  // Line numbers are counted here rather than with csv-parse's `info`, whose per-record snapshot
  // costs more than the parsing: a record spans one line plus the line breaks inside its quoted fields.
  const parser = csvParse({ delimiter: sep, relax_column_count: true, skip_empty_lines: false, trim: true, relax_quotes: true });
  const feed = (async () => {
    for await (const chunk of rest) if (!parser.write(chunk)) await new Promise((r) => parser.once('drain', r));
    parser.end();
  })();
  feed.catch((e) => parser.destroy(e as Error));
  let line = 1;
  for await (const records of readBatches<string[]>(parser)) {
    const batch: RowOrError[] = [];
    for (const record of records) {
      const at = line;
      line++;
      for (const field of record) if (field.includes('\n')) line += field.split('\n').length - 1;
      if (record.length === 1 && record[0] === '') continue;
      const row: Row = {};
      for (let i = 0; i < columns.length; i++) row[columns[i]] = record[i];
      batch.push({ line: at, row });
    }
    if (batch.length) yield batch;
  }
  await feed;
}

const OBJECTS_PER_BATCH = 1000;

export async function* jsonRows(input: Readable): AsyncGenerator<RowOrError[]> {
  const { head, rest } = await peek(input);
  const start = head.trimStart()[0];
  if (start === undefined) return;
  if (start === '[') {
    const items = streamArray.withParserAsStream() as unknown as Duplex;
    const pump = (async () => {
      for await (const chunk of rest) if (!items.write(chunk)) await new Promise((r) => items.once('drain', r));
      items.end();
    })();
    pump.catch((e) => items.destroy(e as Error));
    for await (const batch of readBatches<{ key: number; value: Row }>(items)) yield batch.map(({ key, value }) => ({ line: key + 1, row: value }));
    await pump;
    return;
  }
  // JSON lines, or Botify's row file: objects one after another, maybe spanning lines
  let batch: RowOrError[] = [];
  let buffer = '';
  let depth = 0;
  let startLine = 0;
  let line = 0;
  for await (const text of createInterface({ input: Readable.from(rest), crlfDelay: Infinity })) {
    line++;
    const t = text.trim();
    if (!buffer && (!t || t === '[' || t === ']')) continue;
    if (!buffer) startLine = line;
    buffer += `${text}\n`;
    // braces inside quoted strings are rare in this data; counting them naively ends an object
    for (const ch of t) depth += ch === '{' ? 1 : ch === '}' ? -1 : 0;
    if (depth > 0) continue;
    const candidate = buffer.trim().replace(/,$/, '');
    buffer = '';
    depth = 0;
    try {
      batch.push({ line: startLine, row: JSON5.parse(candidate) as Row });
    } catch (e) {
      batch.push({ line: startLine, error: `not a JSON object (${(e as Error).message})` });
    }
    if (batch.length >= OBJECTS_PER_BATCH) {
      yield batch;
      batch = [];
    }
  }
  if (buffer.trim()) batch.push({ line: startLine, error: 'the file ends inside an object' });
  if (batch.length) yield batch;
}
