// Row readers for file streams: the bytes of one file become rows a batch at a time (one parsed
// input chunk, or up to 1,000 objects, per batch), each with the line of the file it starts on, so
// a row rule can say where a bad row is. CSV through csv-parse (one version for the whole tree: the
// kit's, re-exported as `csvParse`), JSON as a streamed top-level array (stream-json) or objects one
// after another (JSON lines, or objects spanning lines).
import { createInterface } from 'node:readline';
import { Readable, type Duplex, type Transform } from 'node:stream';
import { readBatches } from './batches.js';
import type { JsonObject } from './protocol.js';

export { parse as csvParse } from 'csv-parse';

/** A row as parsed, with the line of the file it starts on, or why it could not be parsed. */
export type Parsed = { line: number; row: JsonObject } | { line: number; error: string };

/** Reads the first chunk, then hands back the bytes from byte 0 again. */
async function peek(input: Readable): Promise<{ head: string; rest: Readable }> {
  const it = input[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const first = await it.next();
  const head = first.done ? Buffer.alloc(0) : Buffer.from(first.value);
  const rest = Readable.from(
    (async function* () {
      if (head.length) yield head;
      for (let n = await it.next(); !n.done; n = await it.next()) yield n.value;
    })(),
    { objectMode: false },
  );
  return { head: head.toString('utf8'), rest };
}

/** Writes `from` into `to` with back-pressure; a failure of `from` destroys `to`. */
function feed(from: Readable, to: Duplex): void {
  void (async () => {
    for await (const chunk of from) if (!to.write(chunk)) await new Promise((r) => to.once('drain', r));
    to.end();
  })().catch((e: Error) => to.destroy(e));
}

export interface CsvOptions {
  /** A csv-parse parser (`csvParse`, with `relax_column_count`: a blank line is one empty cell), given the first chunk. */
  parser(head: string): Transform;
  columns?: string[]; // the names of a header-less file's columns; default: the first record names them
}

/** CSV rows a batch at a time (one parsed input chunk per batch); blank lines are skipped, lines counted. */
export async function* csvRows(body: Readable, opts: CsvOptions): AsyncGenerator<Parsed[]> {
  const { head, rest } = await peek(body);
  try {
    if (!head.trim()) return;
    const parser = opts.parser(head);
    feed(rest, parser);
    let [columns, line] = [opts.columns, 1];
    for await (const records of readBatches<string[]>(parser)) {
      const batch: Parsed[] = [];
      for (const record of records) {
        const at = line++;
        // a record spans its line plus the line breaks inside its quoted cells (cheaper than csv-parse's `info`)
        for (const cell of record) if (cell.includes('\n')) line += cell.split('\n').length - 1;
        if (record.length === 1 && record[0] === '') continue;
        if (!columns) columns = record;
        else {
          const row: JsonObject = {};
          for (let i = 0; i < columns.length && i < record.length; i++) row[columns[i]] = record[i];
          batch.push({ line: at, row });
        }
      }
      if (batch.length) yield batch;
    }
  } finally {
    rest.destroy(); // a consumer that stops early releases the body
  }
}

const OBJECTS_PER_BATCH = 1000;
interface StreamArray {
  withParserAsStream(): NodeJS.ReadWriteStream;
}

/**
 * JSON rows a batch at a time: a top-level array (streamed, never held whole), or objects one after
 * another, one a line (JSON lines) or spanning lines and separated by commas, read with `parse`
 * (JSON.parse by default; JSON5's for single-quoted row files). A bad object is a Parsed error.
 */
export async function* jsonRows(
  body: Readable,
  parse: (text: string) => unknown = JSON.parse,
): AsyncGenerator<Parsed[]> {
  const { head, rest } = await peek(body);
  try {
    const start = head.trimStart()[0];
    if (start === '[') {
      const streamArray = (await import('stream-json/streamers/stream-array.js')).default as unknown as StreamArray;
      const items = streamArray.withParserAsStream() as unknown as Duplex;
      feed(rest, items);
      for await (const b of readBatches<{ key: number; value: JsonObject }>(items))
        yield b.map(({ key, value }) => ({ line: key + 1, row: value }));
    } else if (start !== undefined) yield* jsonObjects(rest, parse);
  } finally {
    rest.destroy(); // a consumer that stops early releases the body
  }
}

async function* jsonObjects(rest: Readable, parse: (text: string) => unknown): AsyncGenerator<Parsed[]> {
  let batch: Parsed[] = [];
  let [buffer, depth, startLine, line] = ['', 0, 0, 0];
  for await (const text of createInterface({ input: rest, crlfDelay: Infinity })) {
    line++;
    const t = text.trim();
    if (!buffer && (!t || t === '[' || t === ']')) continue;
    if (!buffer) startLine = line;
    buffer += `${text}\n`;
    // braces inside quoted strings are rare in row files; counting them naively ends an object
    for (const ch of t) depth += ch === '{' ? 1 : ch === '}' ? -1 : 0;
    if (depth > 0) continue;
    const candidate = buffer.trim().replace(/,$/, '');
    [buffer, depth] = ['', 0];
    try {
      batch.push({ line: startLine, row: parse(candidate) as JsonObject });
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
