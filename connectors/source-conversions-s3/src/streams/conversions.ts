import { byDay, csvRows, fileStream, jsonRows, reject, type DatedFile } from '@conkit/base/s3';
import { parse as csvParse } from 'csv-parse';
import JSON5 from 'json5';
import schema from '../schemas/conversions.json' with { type: 'json' };
import type { Config } from '../config.js';
import { checkRow, dateOfKey, detectDelimiter, formatOf } from '../rules.js';

// One file a day, the date in its name (Botify); rows checked by the rules, each rejection reported.
export default fileStream<Config, DatedFile>({
  name: 'conversions',
  schema,
  primaryKey: [['url'], ['date'], ['channel'], ['device']],
  cursorField: 'date',
  s3: (config) => config,
  isFile: (key, config) => formatOf(key, config.format) !== undefined,
  files: 'CSV or JSON files by their extension (set format to read them anyway)',
  // a file that arrives late for an earlier day is still read within 30 days of the newest day
  ledger: byDay({ dateOf: dateOfKey, from: (c) => c.start_date, lateDays: 30, example: 'conversion-export-2020-09-22.csv' }),
  parse: (body, file, c) =>
    formatOf(file.key, c.format) === 'csv'
      ? csvRows(body, { columns: c.columns, parser: (head) => csvParse({ delimiter: c.csv_delimiter ?? detectDelimiter(head.split(/\r?\n/)[0]), relax_column_count: true, trim: true, relax_quotes: true }) })
      : jsonRows(body, JSON5.parse), // JSON, JSON lines, or Botify's single-quoted row file
  row: ({ row, line }, file, { config }, warn) => {
    const v = checkRow(row, file.date, config);
    if (!v.ok) return reject(v.field, v.reason);
    for (const w of v.warnings) warn(w);
    return { ...v.record, _file: file.key, _line: line };
  },
  invalidRows: (config) => config.invalid_rows,
});
