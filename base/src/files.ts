// File streams: a connector declares vendor facts (which keys are its files, which are unread, how
// bytes become rows, the row rules); the kit lists, picks, opens (closed in `finally`, also when the
// consumer stops early), reads up to max_concurrency files at once (partitions.ts), parses a batch at
// a time, checkpoints after each file, keeps state bounded.
import type { Readable } from 'node:stream';
import { configError, systemError } from './errors.js';
import type { JsonObject, JsonSchema } from './protocol.js';
import { checkpoint, defineStream, type StreamContext, type StreamDef } from './stream.js';
import { readPartitions } from './partitions.js';
import type { Parsed } from './rows.js';
import { createS3Client, listObjects, type S3Connection, type S3Object, type S3Settings } from './s3-client.js';
import { S3ObjectGoneError } from './s3-errors.js';
import { openObject } from './s3-object.js';

/** Which files are unread and what state says so; the state stays bounded however many files were read. */
export interface FileLedger<F extends S3Object, C> {
  stateSchema: JsonSchema;
  unread(objects: S3Object[], state: JsonObject | undefined, ctx: StreamContext<C>): F[]; // to read, in order
  // the state once `file` is fully read; `open`: the chosen files not finished yet (files are read
  // concurrently, so they finish out of order), in the order unread() gave them
  read(state: JsonObject | undefined, file: F, open: readonly F[]): JsonObject;
  end(state: JsonObject | undefined, files: F[]): JsonObject; // the state at the end of the run
}

/** Binary order of keys (UTF-16 code units: S3's UTF-8 byte order outside astral characters), not locale collation. */
export const byKey = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const byTime = (a: S3Object, b: S3Object): number =>
  a.lastModified.getTime() - b.lastModified.getTime() || byKey(a.key, b.key);

/**
 * Files read once each, oldest first. State: the newest last-modified up to which every file is read
 * and the keys that share it, `{ last_modified, keys }` (a file is unread when it is newer, or as new
 * and not listed), and `later`: files finished while an older one was still being read (key ->
 * last-modified), folded into the watermark once the older ones are through, so it stays small.
 */
export function byLastModified<C>(): FileLedger<S3Object, C> {
  const parse = (s: JsonObject | undefined) => ({
    last_modified: typeof s?.last_modified === 'string' ? s.last_modified : undefined,
    keys: Array.isArray(s?.keys) ? (s.keys as string[]) : [],
    later: s?.later && typeof s.later === 'object' ? { ...(s.later as Record<string, string>) } : {},
  });
  const lm = (o: S3Object) => o.lastModified.toISOString();
  const written = ({ later, ...mark }: ReturnType<typeof parse>): JsonObject =>
    (Object.keys(later).length ? { ...mark, later } : mark) as JsonObject;
  return {
    stateSchema: {
      type: 'object',
      properties: {
        last_modified: { type: 'string', format: 'date-time' },
        keys: { type: 'array', items: { type: 'string' } },
        later: { type: 'object', additionalProperties: { type: 'string', format: 'date-time' } },
      },
    },
    unread: (objects, raw) => {
      const s = parse(raw);
      const done = (o: S3Object) =>
        (s.last_modified && (lm(o) < s.last_modified || (lm(o) === s.last_modified && s.keys.includes(o.key)))) ||
        s.later[o.key] === lm(o);
      return objects.filter((o) => !done(o)).sort(byTime);
    },
    read: (raw, file, open) => {
      const s = parse(raw);
      s.later[file.key] = lm(file);
      // every file up to the oldest one still open is through: those move into the watermark
      // open keeps unread()'s order, oldest first
      const oldest = open.length ? lm(open[0]) : undefined;
      const through = Object.entries(s.later)
        .filter(([, at]) => !oldest || at <= oldest)
        .sort(([ka, a], [kb, b]) => byKey(a, b) || byKey(ka, kb));
      for (const [key, at] of through) {
        if (at === s.last_modified) s.keys.push(key);
        else [s.last_modified, s.keys] = [at, [key]];
      }
      const later = Object.fromEntries(Object.entries(s.later).filter(([k]) => !through.some(([t]) => t === k)));
      return written({ ...s, later });
    },
    end: (raw) => written(parse(raw)),
  };
}

export interface DatedFile extends S3Object {
  date: string;
}

export interface ByDayOptions<C> {
  dateOf(key: string): string | undefined; // the day (YYYY-MM-DD) of a key; undefined: WARN, skipped
  from?(config: C): string | undefined; // files dated before it are skipped
  lateDays?: number; // how late a file for an earlier day may arrive and still be read (default 30)
  example?: string; // a dated name, for the WARN about a name without a date
}

/**
 * One file a day: of two for one day the later by last-modified (on a tie, the key last in S3's
 * binary order), whatever order the listing came in. State `{ last_complete_date, files }`: the
 * day up to which everything is read, and the keys read after it (key -> last-modified), which are
 * those of the last `lateDays` days, so a file that arrives late is read once and the state stays small.
 */
export function byDay<C>(opts: ByDayOptions<C>): FileLedger<DatedFile, C> {
  const late = opts.lateDays ?? 30;
  const parse = (s: JsonObject | undefined) => ({
    last_complete_date: typeof s?.last_complete_date === 'string' ? s.last_complete_date : undefined,
    files:
      s?.files && typeof s.files === 'object' && !Array.isArray(s.files)
        ? { ...(s.files as Record<string, string>) }
        : {},
  });
  return {
    stateSchema: {
      type: 'object',
      properties: {
        last_complete_date: { type: 'string', format: 'date' },
        files: { type: 'object', additionalProperties: { type: 'string', format: 'date-time' } },
      },
    },
    unread: (objects, raw, { config, log }) => {
      const s = parse(raw);
      const from = opts.from?.(config);
      const days = new Map<string, DatedFile[]>();
      for (const o of objects) {
        const date = opts.dateOf(o.key);
        if (!date)
          log.warn(
            `${o.key}: the file name carries no date${opts.example ? ` (expected one like ${opts.example})` : ''}; skipped`,
          );
        else if (!from || date >= from) days.set(date, [...(days.get(date) ?? []), { ...o, date }]);
      }
      const chosen: DatedFile[] = [];
      for (const [date, files] of days) {
        const winner = files.sort(byTime)[files.length - 1];
        if (files.length > 1) {
          const tie =
            files[files.length - 2].lastModified.getTime() === winner.lastModified.getTime()
              ? ' (a tie: the key that sorts last)'
              : '';
          log.warn(
            `${files.length} files for ${date}: ${files.map((f) => `${f.key} (${f.lastModified.toISOString()})`).join(', ')}; reading ${winner.key}, the later by last-modified${tie}`,
          );
        }
        const read =
          (s.last_complete_date && date <= s.last_complete_date) ||
          s.files[winner.key] === winner.lastModified.toISOString();
        if (!read) chosen.push(winner);
      }
      return chosen.sort((a, b) => byKey(a.date, b.date) || byKey(a.key, b.key));
    },
    read: (raw, file) =>
      ({ ...parse(raw), files: { ...parse(raw).files, [file.key]: file.lastModified.toISOString() } }) as JsonObject,
    end: (raw, files) => {
      const s = parse(raw);
      const newest = files.at(-1)?.date ?? s.last_complete_date;
      if (!newest) return s as JsonObject;
      const cut = new Date(Date.parse(`${newest}T00:00:00Z`) - late * 86_400_000).toISOString().slice(0, 10);
      const line = s.last_complete_date && s.last_complete_date > cut ? s.last_complete_date : cut;
      const kept = Object.entries(s.files).filter(([k]) => (opts.dateOf(k) ?? '') > line);
      return { last_complete_date: line, files: Object.fromEntries(kept) };
    },
  };
}

const REJECTED = Symbol('rejected');
export interface Rejected {
  [REJECTED]: true;
  field: string;
  reason: string;
}
/** What a row rule returns for a row that is not read: the field at fault and why. */
export const reject = (field: string, reason: string): Rejected => ({ [REJECTED]: true, field, reason });

export interface FileStreamDef<C, F extends S3Object> extends Omit<
  StreamDef<C>,
  'read' | 'slices' | 'stateMode' | 'stateSchema'
> {
  /** Where the files are, or the WARN to log when that is not configured (nothing is read then). */
  s3(config: C): S3Settings | string;
  /** Whether a listed key is one of this stream's files; the others are counted in one WARN. */
  isFile(key: string, config: C, s3: S3Settings): boolean;
  files: string; // what the files are, for that WARN ("CSV or JSON files")
  ledger: FileLedger<F, C>;
  /** The rows of one file (csvRows, jsonRows, or the vendor's own), from its (gunzipped) bytes. */
  parse(body: Readable, file: F, config: C): AsyncIterable<Parsed[]>;
  /** The row rules and mapping: a record, or reject(field, reason); `warn` notes a row read with a change. */
  row(
    parsed: { line: number; row: JsonObject },
    file: F,
    ctx: StreamContext<C>,
    warn: (message: string) => void,
  ): JsonObject | Rejected;
  invalidRows?(config: C): 'skip' | 'fail'; // 'fail' (default): a bad row ends the read; 'skip': counted, 20 reported
  connect?(s: S3Settings): S3Connection; // default createS3Client (tests count the closes)
}

const REPORTED = 20; // rejected rows and warnings reported per file

/** A stream over files in S3; see FileStreamDef. One checkpoint after each file and one at the end. */
export function fileStream<C, F extends S3Object>(def: FileStreamDef<C, F>): StreamDef<C> {
  const { s3: where, isFile, files: what, ledger, parse, row, invalidRows, connect = createS3Client, ...stream } = def;
  return defineStream<C>({
    ...stream,
    stateMode: 'manual',
    stateSchema: ledger.stateSchema,
    read: async function* (ctx) {
      const s = where(ctx.config);
      if (typeof s === 'string') return ctx.log.warn(s);
      const conn = connect(s);
      try {
        const [objects, skipped]: S3Object[][] = [[], []];
        for await (const o of listObjects(conn, s)) (isFile(o.key, ctx.config, s) ? objects : skipped).push(o);
        if (skipped.length)
          ctx.log.warn(
            `${def.name} skipped ${skipped.length} key(s) under the prefix that are not ${what}, e.g. '${skipped[0].key}'`,
          );
        let state = ctx.state;
        const chosen = ledger.unread(objects, state, ctx);
        const gone = new Set<F>(); // deleted after listing: not read, so not remembered
        yield* readPartitions({
          parts: chosen,
          read: (f) => readFile(conn, s, f, ctx, gone),
          done: (f, open) => (gone.has(f) ? undefined : (state = ledger.read(state, f, open))),
          concurrency: ctx.maxConcurrency,
        });
        yield checkpoint(ledger.end(state, chosen));
      } finally {
        conn.destroy();
      }
    },
  });

  /** Yields the file's records; a file deleted after listing is added to `gone` instead. */
  async function* readFile(conn: S3Connection, s: S3Settings, f: F, ctx: StreamContext<C>, gone: Set<F>) {
    const body = openObject(conn, s, f, { log: ctx.log });
    const tally = { read: 0, rejected: 0, warned: 0, line: 0 };
    const warn = (msg: string): void =>
      void (++tally.warned <= REPORTED && ctx.log.warn(`${f.key} line ${tally.line}: ${msg}`));
    try {
      for await (const rows of parse(body, f, ctx.config)) {
        const out: JsonObject[] = [];
        for (const r of rows) {
          tally.line = r.line;
          const v = 'error' in r ? reject('row', r.error) : row(r, f, ctx, warn);
          if (!(REJECTED in v) && out.push(v)) continue;
          const at = `${f.key} line ${r.line}: ${v.field}: ${v.reason}`;
          if ((invalidRows?.(ctx.config) ?? 'fail') === 'fail') {
            if (out.length) yield out; // the rows before the bad one go out first
            if (!invalidRows) throw systemError(`${at}. The file cannot be read.`);
            throw configError(`${at}. Fix the file, or set invalid_rows to "skip" to read the valid rows.`);
          }
          if (++tally.rejected <= REPORTED)
            ctx.log.warn(`${f.key} line ${r.line}: row rejected (${v.field}): ${v.reason}`);
        }
        tally.read += out.length;
        if (out.length) yield out;
      }
    } catch (e) {
      if (!(e instanceof S3ObjectGoneError) || tally.read + tally.rejected > 0) throw e;
      ctx.log.warn(`${f.key}: deleted after it was listed (NoSuchKey); skipped`);
      gone.add(f);
      return;
    } finally {
      body.destroy();
    }
    const more = tally.rejected > REPORTED ? ` (first ${REPORTED} reported)` : '';
    ctx.log.info(`${f.key}: ${tally.read} rows read, ${tally.rejected} rejected${more}, ${tally.warned} warnings`);
  }
}
