// Reads one file's rows through the rules: yields records, reports every rejection with file,
// line, field and reason, and ends with a per-file summary.
import type { JsonObject, Logger } from '@conkit/base';
import { configError } from '@conkit/base';
import type { Readable } from 'node:stream';
import type { Config } from './config.js';
import { checkRow } from './rules.js';
import { csvRows, formatOf, jsonRows } from './readers.js';

const MAX_REPORTED = 20;

/** The file's valid rows as records, a batch at a time. The body is closed however the read ends. */
export async function* fileRecords(body: Readable, key: string, date: string, config: Config, log: Logger): AsyncGenerator<JsonObject[]> {
  try {
    yield* rowsOf(body, key, date, config, log);
  } finally {
    body.destroy();
  }
}

async function* rowsOf(body: Readable, key: string, date: string, config: Config, log: Logger): AsyncGenerator<JsonObject[]> {
  const format = formatOf(key, config.format)!;
  const batches = format === 'csv' ? csvRows(body, config.columns, config.csv_delimiter) : jsonRows(body);
  let read = 0;
  let rejected = 0;
  let warned = 0;
  for await (const rows of batches) {
    const out: JsonObject[] = [];
    for (const r of rows) {
      const verdict = 'error' in r ? ({ ok: false, field: 'row', reason: r.error } as const) : checkRow(r.row, date, config);
      if (!verdict.ok) {
        const where = `${key} line ${r.line}`;
        if (config.invalid_rows === 'fail') {
          // the rows before the bad one go out first: nothing already read is lost
          if (out.length) yield out;
          throw configError(`${where}: ${verdict.field}: ${verdict.reason}. Fix the file, or set invalid_rows to "skip" to read the valid rows.`);
        }
        if (++rejected <= MAX_REPORTED) log.warn(`${where}: row rejected (${verdict.field}): ${verdict.reason}`);
        continue;
      }
      for (const w of verdict.warnings) if (++warned <= MAX_REPORTED) log.warn(`${key} line ${r.line}: ${w}`);
      read++;
      const c = verdict.record;
      out.push({ url: c.url, date: c.date, channel: c.channel, device: c.device, transactions: c.transactions, revenue: c.revenue, _file: key, _line: r.line });
    }
    if (out.length) yield out;
  }
  const more = rejected > MAX_REPORTED ? ` (first ${MAX_REPORTED} reported)` : '';
  log.info(`${key}: ${read} rows read, ${rejected} rejected${more}, ${warned} warnings`);
}
