// fileStream against the real local S3 server (s3rver behind the harness's SigV4-checking proxy),
// through the real AWS SDK: list, pick unread, open, parse a batch at a time, checkpoint per file;
// a state from an earlier run resumes with no gap and no duplicate; the S3 client is closed when a
// file fails midway and when the consumer stops early; the state stays bounded however many files.
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { startS3Server, type S3Server } from '../../acceptance-tests/src/s3/server.js';
import { ConnectorError } from '../src/errors.js';
import { byDay, byLastModified, fileStream, reject, type FileLedger } from '../src/files.js';
import { csvParse, csvRows, jsonRows, type Parsed } from '../src/rows.js';
import type { JsonObject } from '../src/protocol.js';
import { createS3Client, type S3Object, type S3Settings } from '../src/s3.js';
import { Checkpoint, type StreamContext, type StreamDef } from '../src/stream.js';

beforeAll(() => void (process.env.CONKIT_RETRY_BASE_MS = '10'));

let s3: S3Server | undefined;
afterEach(async () => {
  await s3?.close();
  s3 = undefined;
});

interface Config {
  s3: S3Settings;
}
const warnings: string[] = [];
const log = { debug: () => {}, info: () => {}, warn: (m: string) => void warnings.push(m), error: () => {} };
const ctxOf = (state?: JsonObject, maxConcurrency = 4): StreamContext<Config> =>
  ({
    config: {
      s3: {
        bucket: 'bkt',
        prefix: 'x/',
        endpoint: s3!.endpoint,
        aws_access_key_id: s3!.credentials.accessKeyId,
        aws_secret_access_key: s3!.credentials.secretAccessKey,
      },
    },
    stream: 'events',
    syncMode: 'incremental',
    state,
    log,
    maxConcurrency,
  }) as unknown as StreamContext<Config>;

/** A stream of `{ id, file }` records; counts the S3 connections opened and closed. */
function events(ledger: FileLedger<S3Object, Config> = byLastModified(), invalidRows?: 'skip' | 'fail') {
  const conns = { opened: 0, closed: 0 };
  const stream = fileStream<Config, S3Object>({
    name: 'events',
    schema: { type: 'object' },
    primaryKey: ['id'],
    s3: (c) => c.s3,
    isFile: (key) => /\.(csv|jsonl?)(\.gz)?$/.test(key),
    files: 'event files',
    ledger,
    parse: (body, f) =>
      /\.csv/.test(f.key) ? csvRows(body, { parser: () => csvParse({ relax_column_count: true }) }) : jsonRows(body),
    row: ({ row }, f) => (row.id === 'bad' ? reject('id', 'is bad') : { id: String(row.id), file: f.key }),
    ...(invalidRows ? { invalidRows: () => invalidRows } : {}),
    connect: (s) => {
      conns.opened++;
      const c = createS3Client(s);
      return { client: c.client, destroy: () => void (conns.closed++, c.destroy()) };
    },
  });
  return { stream, conns };
}

/** Reads the stream; `stopAfter` checkpoints, the consumer stops (as the kit does when output fails). */
async function read(stream: StreamDef<Config>, state?: JsonObject, stopAfter = Infinity, concurrency = 4) {
  const ids: string[] = [];
  const states: JsonObject[] = [];
  for await (const item of stream.read(ctxOf(state, concurrency), undefined)) {
    if (item instanceof Checkpoint) {
      states.push(item.state);
      if (states.length >= stopAfter) break;
    } else for (const r of [item].flat()) ids.push(r.id as string);
  }
  return { ids, states, state: states.at(-1) };
}

const pause = () => new Promise((r) => setTimeout(r, 1100)); // S3 LastModified has whole seconds

describe('fileStream', () => {
  it('lists, skips other keys, reads CSV, JSON lines, a JSON array and gzip, and checkpoints after each file', async () => {
    s3 = await startS3Server();
    await s3.put('bkt', 'x/a.csv', 'id,n\n1,"two\nlines"\n\n2,x\n');
    await pause();
    // b and c are put at the start of a fresh second, so they share their LastModified second (the
    // state keeps the keys sharing the newest one); put across a second boundary they would not
    await new Promise((r) => setTimeout(r, 1000 - (Date.now() % 1000) + 10));
    await s3.put('bkt', 'x/b.jsonl.gz', gzipSync('{"id":3}\n\n{"id":4}\n'));
    await s3.put('bkt', 'x/c.json', '[\n {"id": 5},\n {"id": 6}\n]\n');
    await s3.put('bkt', 'x/readme.txt', 'not data');
    await s3.put('bkt', 'y/d.csv', 'id\n99\n');
    warnings.length = 0;
    const { stream, conns } = events();
    const run = await read(stream);
    expect(run.ids).toEqual(['1', '2', '3', '4', '5', '6']);
    expect(run.states).toHaveLength(4); // one per file, one at the end
    expect(run.states[0]).toMatchObject({ keys: ['x/a.csv'] });
    expect(run.state).toMatchObject({ keys: ['x/b.jsonl.gz', 'x/c.json'] });
    expect(warnings).toEqual([
      expect.stringMatching(
        /^events skipped 1 key\(s\) under the prefix that are not event files, e\.g\. 'x\/readme\.txt'/,
      ),
    ]);
    expect(conns).toEqual({ opened: 1, closed: 1 });
    expect((await read(stream, run.state)).ids).toEqual([]); // nothing new: nothing read again
  }, 60_000);

  it('resumes from a state of a run that stopped after a file: no gap, no duplicate, and the client closed', async () => {
    s3 = await startS3Server();
    for (const [i, key] of ['x/1.jsonl', 'x/2.jsonl', 'x/3.jsonl'].entries()) {
      await s3.put('bkt', key, `{"id":"${key}-a"}\n{"id":"${key}-b"}\n`);
      if (i === 0) await pause();
    }
    const { stream, conns } = events();
    // one file at a time, so the first checkpoint covers exactly the first file (concurrent reads of
    // files: the byLastModified property test above and test/hardening/kill-resume.test.ts)
    const first = await read(stream, undefined, 1, 1);
    expect(first.ids).toEqual(['x/1.jsonl-a', 'x/1.jsonl-b']);
    expect(conns).toEqual({ opened: 1, closed: 1 }); // the consumer stopped early: closed all the same
    await pause();
    await s3.put('bkt', 'x/4.jsonl', '{"id":"x/4.jsonl-a"}\n');
    const second = await read(stream, first.state);
    expect([...first.ids, ...second.ids].sort()).toEqual([
      'x/1.jsonl-a',
      'x/1.jsonl-b',
      'x/2.jsonl-a',
      'x/2.jsonl-b',
      'x/3.jsonl-a',
      'x/3.jsonl-b',
      'x/4.jsonl-a',
    ]);
    // a state written before fileStream (the same shape Ometria's export wrote) is read as it was
    const old = await read(stream, {
      last_modified: (second.state as { last_modified: string }).last_modified,
      keys: ['x/4.jsonl'],
    });
    expect(old.ids).toEqual([]);
  }, 60_000);

  it('closes the client when a file fails midway, after the rows before the bad one; skip mode reads on', async () => {
    s3 = await startS3Server();
    await s3.put('bkt', 'x/a.jsonl', '{"id":1}\n{"id":"bad"}\n{"id":2}\nnot json\n{"id":3}\n');
    const { stream, conns } = events();
    const ids: string[] = [];
    const err = await (async () => {
      for await (const item of stream.read(ctxOf(), undefined))
        if (Array.isArray(item)) ids.push(...item.map((r) => r.id as string));
    })().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectorError);
    expect((err as Error).message).toMatch(/^x\/a\.jsonl line 2: id: is bad/);
    expect(ids).toEqual(['1']);
    expect(conns).toEqual({ opened: 1, closed: 1 });
    warnings.length = 0;
    expect((await read(events(byLastModified(), 'skip').stream)).ids).toEqual(['1', '2', '3']);
    expect(warnings).toEqual([
      'x/a.jsonl line 2: row rejected (id): is bad',
      expect.stringMatching(/^x\/a\.jsonl line 4: row rejected \(row\): not a JSON object/),
    ]);
  }, 60_000);

  it('stops the download when the consumer stops inside a large file', async () => {
    s3 = await startS3Server();
    await s3.put('bkt', 'x/big.jsonl', Array.from({ length: 200_000 }, (_, i) => `{"id":${i}}`).join('\n'));
    const { stream, conns } = events();
    let got = 0;
    for await (const item of stream.read(ctxOf(), undefined))
      if (Array.isArray(item) && (got += item.length) >= 1000) break;
    expect(got).toBeLessThan(200_000);
    expect(conns).toEqual({ opened: 1, closed: 1 });
  }, 60_000);
});

const at = (key: string, second: number): S3Object => ({
  key,
  size: 1,
  lastModified: new Date(Date.UTC(2024, 0, 1, 0, 0, second)),
});
const ctx = { config: {}, log } as unknown as StreamContext<Record<string, never>>;

describe('file ledgers', () => {
  it('byLastModified keeps only the newest instant: bounded after 5,000 files', () => {
    const l = byLastModified<Record<string, never>>();
    let state: JsonObject | undefined;
    const files = Array.from({ length: 5000 }, (_, i) => at(`f${String(i).padStart(5, '0')}`, Math.floor(i / 3)));
    for (const f of l.unread(files, state, ctx)) state = l.read(state, f, []);
    state = l.end(state, files);
    expect(state).toEqual({ last_modified: at('', 1666).lastModified.toISOString(), keys: ['f04998', 'f04999'] });
    expect(
      l.unread([...files, at('late-but-old', 5), at('g', 1666), at('h', 1667)], state, ctx).map((f) => f.key),
    ).toEqual(['g', 'h']);
  });

  it('byLastModified with files finishing out of order: at any point, exactly the unfinished files are unread, and `later` holds only those finished ahead of an older one', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 8 }), fc.nat(), (n, cap, seed) => {
        const l = byLastModified<Record<string, never>>();
        // several files share a second; keys sort apart from times
        const files = Array.from({ length: n }, (_, i) => at(`k${(i * 7919) % 101}-${i}`, Math.floor(i / 3)));
        const chosen = l.unread(files, undefined, ctx);
        let state: JsonObject | undefined;
        const open = [...chosen];
        let next = 0;
        const running: S3Object[] = [];
        let rnd = seed;
        while (open.length) {
          while (running.length < cap && next < chosen.length) running.push(chosen[next++]);
          rnd = (rnd * 1103515245 + 12345) % 2 ** 31;
          const [f] = running.splice(rnd % running.length, 1);
          open.splice(open.indexOf(f), 1);
          state = l.read(state, f, open);
          // a run stopped here rereads exactly the files not finished
          expect(
            l
              .unread(files, state, ctx)
              .map((o) => o.key)
              .sort(),
          ).toEqual(open.map((o) => o.key).sort());
          expect(Object.keys((state.later as object | undefined) ?? {}).length).toBeLessThan(n);
        }
        expect(state?.later).toBeUndefined();
      }),
      { numRuns: 200 },
    );
  });

  it('byDay reads one file a day, remembers only the last 30 days, and reads a late file once', () => {
    const l = byDay<Record<string, never>>({ dateOf: (k) => /\d{4}-\d{2}-\d{2}/.exec(k)?.[0], lateDays: 30 });
    const day = (n: number) => new Date(Date.UTC(2020, 0, 1 + n)).toISOString().slice(0, 10);
    const files = Array.from({ length: 400 }, (_, i) => at(`c-${day(i)}.csv`, i % 60));
    let state: JsonObject | undefined;
    const chosen = l.unread([...files, at(`c-${day(3)}-again.csv`, 59), at('undated.csv', 0)], state, ctx);
    expect(chosen).toHaveLength(400);
    expect(chosen[3].key).toBe(`c-${day(3)}-again.csv`); // the later of two for one day
    for (const f of chosen) state = l.read(state, f, []);
    state = l.end(state, chosen);
    expect(state.last_complete_date).toBe(day(399 - 30));
    expect(Object.keys(state.files as object)).toHaveLength(30);
    // an old state (conversions before fileStream) is the same shape; a late file for a remembered day is read once
    const late = at(`c-${day(390)}-late.csv`, 59);
    const again = l.unread([...files.slice(380), late], state, ctx);
    expect(again.map((f) => f.key)).toEqual([late.key]);
    expect(l.unread([...files.slice(380), late], l.read(state, late, []), ctx)).toEqual([]);
  });
});

describe('row readers', () => {
  const rows = async (batches: AsyncIterable<Parsed[]>) => {
    const all: Parsed[] = [];
    for await (const b of batches) all.push(...b);
    return all;
  };
  it('count lines across quoted line breaks and name header-less columns', async () => {
    const got = await rows(
      csvRows(Readable.from(['a;"b\nc"\n\nd;e\n']), {
        columns: ['x', 'y'],
        parser: () => csvParse({ delimiter: ';', relax_column_count: true }),
      }),
    );
    expect(got).toEqual([
      { line: 1, row: { x: 'a', y: 'b\nc' } },
      { line: 4, row: { x: 'd', y: 'e' } },
    ]);
    expect(
      await rows(jsonRows(Readable.from(["{'a': 1,\n 'b': 2},\n"]), (t) => JSON.parse(t.replace(/'/g, '"')))),
    ).toEqual([{ line: 1, row: { a: 1, b: 2 } }]);
    expect(await rows(jsonRows(Readable.from(['{"a":1}\n{"a":']), JSON.parse))).toEqual([
      { line: 1, row: { a: 1 } },
      { line: 2, error: 'the file ends inside an object' },
    ]);
  });
});
