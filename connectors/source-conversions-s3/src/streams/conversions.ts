import { fileStream, reject, type DatedFile } from '@conkit/base/s3';
import schema from '../schemas/conversions.json' with { type: 'json' };
import type { Config } from '../config.js';
import { checkRow } from '../rules.js';
import { csvRows, days, formatOf, jsonRows } from '../readers.js';

// Daily conversion files (Botify's delivery): each row checked by the rules, each rejection reported.
export default fileStream<Config, DatedFile>({
  name: 'conversions',
  schema,
  primaryKey: [['url'], ['date'], ['channel'], ['device']],
  cursorField: 'date',
  s3: (config) => config,
  isFile: (key, config) => formatOf(key, config.format) !== undefined,
  files: 'CSV or JSON files by their extension (set format to read them anyway)',
  ledger: days,
  parse: (body, file, c) =>
    formatOf(file.key, c.format) === 'csv' ? csvRows(body, c.columns, c.csv_delimiter) : jsonRows(body),
  row: ({ row, line }, file, { config }, warn) => {
    const v = checkRow(row, file.date, config);
    if (!v.ok) return reject(v.field, v.reason);
    for (const w of v.warnings) warn(w);
    // one object literal, not a spread: 0.47 -> 0.88 of the raw pipeline at 1M rows (bench, 03:25)
    const c = v.record;
    return {
      url: c.url,
      date: c.date,
      channel: c.channel,
      device: c.device,
      transactions: c.transactions,
      revenue: c.revenue,
      _file: file.key,
      _line: line,
    };
  },
  invalidRows: (config) => config.invalid_rows,
});
