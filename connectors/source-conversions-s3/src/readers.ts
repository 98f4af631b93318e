// How conversion files become rows, and which are read: the format by extension (or `format`),
// header-less CSV with the separator detected (csv-parse), JSON as an array, JSON lines or the
// single-quoted row file Botify's page shows (JSON5); one file a day. The kit lists, opens and parses.
import type { Readable } from 'node:stream';
import JSON5 from 'json5';
import { byDay, csvParse, csvRows as csvBatches, jsonRows as jsonBatches, type Parsed } from '@conkit/base/s3';
import type { Config, Field } from './config.js';
import { dateOfKey } from './rules.js';

export function formatOf(key: string, configured: Config['format']): 'csv' | 'json' | undefined {
  if (configured !== 'auto') return configured;
  const name = key.toLowerCase().replace(/\.gz$/, '');
  return /\.(csv|tsv|txt)$/.test(name) ? 'csv' : /\.(json|jsonl|ndjson)$/.test(name) ? 'json' : undefined;
}

/** The separator a line holds most of, among `,` `;` tab `|`. */
export function detectDelimiter(firstLine: string): string {
  let [best, most] = [',', 0];
  for (const d of [',', ';', '\t', '|']) {
    const n = firstLine.split(d).length - 1;
    if (n > most) [best, most] = [d, n];
  }
  return best;
}

export const csvRows = (body: Readable, columns: Field[], delimiter?: string): AsyncIterable<Parsed[]> =>
  csvBatches(body, {
    columns,
    parser: (head) =>
      csvParse({
        delimiter: delimiter ?? detectDelimiter(head.split(/\r?\n/)[0]),
        relax_column_count: true,
        trim: true,
        relax_quotes: true,
      }),
  });

export const jsonRows = (body: Readable): AsyncIterable<Parsed[]> => jsonBatches(body, JSON5.parse);

/** One file a day, dated by its name; a file that arrives late for an earlier day is read within 30 days of the newest. */
export const days = byDay<Config>({
  dateOf: dateOfKey,
  from: (c) => c.start_date,
  lateDays: 30,
  example: 'conversion-export-2020-09-22.csv',
});
