// Tables declared in their schemas (columnsOf), and client-side incremental filtering run through the
// kit's read (runSource in-process, a source whose API ignores every filter), and ctx.since.
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { columnsOf } from '../src/columns.js';
import { defineSource } from '../src/source.js';
import { defineStream, type StreamDef } from '../src/stream.js';
import { runSource } from '../src/run.js';
import { dateWindows, type DateWindow } from '../src/windows.js';
import { catalogOf, jsonFile } from '../src/testing/harness.js';
import type { JsonObject, SyncMode } from '../src/protocol.js';

describe('columnsOf', () => {
  const table = columnsOf({
    type: 'object',
    properties: {
      id: { type: 'string', 'x-source': 'id' },
      zip: { type: ['string', 'null'], 'x-source': 'properties.zip' },
      seen: { type: ['boolean', 'null'], 'x-source': 'seen' },
      at: { type: ['string', 'null'], format: 'date-time', 'x-source': 'dates.at' },
      count: { type: ['integer', 'null'], 'x-source': 'n' },
      key: { type: 'string' },
      missing: { type: ['string', 'null'] },
    },
  });

  it('reads each column from its x-source path, typed by the schema, the others from given, in schema order', () => {
    const row = { id: 7, properties: { zip: 'N1' }, seen: true, dates: { at: '2024-03-01 08:00:00 -0800' }, n: '12' };
    const out = table(row, { key: 'k1', unrelated: 'x' });
    expect(out).toEqual({
      id: '7',
      zip: 'N1',
      seen: true,
      at: '2024-03-01T16:00:00.000Z',
      count: 12,
      key: 'k1',
      missing: null,
    });
    expect(Object.keys(out)).toEqual(['id', 'zip', 'seen', 'at', 'count', 'key', 'missing']);
  });

  it('absent, null and empty values, and paths through non-objects, are null', () => {
    expect(table({ properties: 'flat', seen: 'maybe', dates: null, n: '12abc', id: '' }, {})).toEqual({
      id: null,
      zip: null,
      seen: null,
      at: null,
      count: null,
      key: null,
      missing: null,
    });
  });

  it('any column name or path key is data, never code: quotes, backslashes, newlines, __proto__', () => {
    const odd = ['a"b', "c'd\\", 'e\nf', '__proto__', '`${x}`', '});throw 1;({'];
    const mapper = columnsOf({
      properties: Object.fromEntries(odd.map((n) => [n, { type: ['string', 'null'], 'x-source': `p.${n}` }])),
    });
    const out = mapper({ p: Object.fromEntries(odd.map((n) => [n, `v:${n}`])) }, {});
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.keys(out)).toEqual(odd);
    for (const n of odd) expect(Object.getOwnPropertyDescriptor(out, n)?.value).toBe(`v:${n}`);
  });

  it('a malformed x-source fails when the mapper is made, naming the property', () => {
    expect(() => columnsOf({ properties: { a: { type: 'string', 'x-source': 3 } } })).toThrow(/'a': x-source/);
  });
});

// An API with no filter: every call answers every row, whatever the window or the state.
const ROWS = ['2024-01-01T00:00:00Z', '2024-01-15T00:00:00Z', '2024-01-31T00:00:00Z', '2024-02-10T00:00:00Z', null];
const rows = () => ROWS.map((at, i) => ({ id: i, at }));
const schema = { type: 'object', properties: { id: { type: 'integer' }, at: { type: ['string', 'null'] } } };

async function read(stream: StreamDef<JsonObject, DateWindow | undefined>, mode: SyncMode, state?: JsonObject) {
  const source = defineSource<JsonObject>({
    name: 'source-t',
    version: '0',
    spec: { connectionSpecification: { type: 'object', properties: { start_date: { type: 'string' } } } },
    streams: [stream],
  });
  const argv = [
    'read',
    '--config',
    jsonFile({ start_date: '2024-01-01' }),
    '--catalog',
    jsonFile(catalogOf(['t'], mode)),
  ];
  if (state)
    argv.push(
      '--state',
      jsonFile([{ type: 'STREAM', stream: { stream_descriptor: { name: 't' }, stream_state: state } }]),
    );
  const sink = new PassThrough();
  let out = '';
  sink.on('data', (d: Buffer) => (out += d.toString()));
  await runSource(source, argv, { stdout: sink, exit: false });
  const messages = out
    .split('\n')
    .filter((l) => l.startsWith('{"'))
    .map((l) => JSON.parse(l) as JsonObject);
  return messages.filter((m) => m.type === 'RECORD').map((m) => (m.record as { data: JsonObject }).data.id);
}

const whole = (clientSideIncremental: boolean) =>
  defineStream<JsonObject>({
    name: 't',
    schema,
    primaryKey: ['id'],
    cursorField: 'at',
    clientSideIncremental,
    read: async function* () {
      yield rows();
    },
  });

describe('clientSideIncremental', () => {
  it('drops records below the incoming cursor on an incremental read, keeps those without a cursor', async () => {
    const state = { at: '2024-01-15T00:00:00.000Z' };
    expect(await read(whole(true), 'incremental', state)).toEqual([1, 2, 3, 4]);
    // without the flag the kit passes the API's answer through; full refresh reads everything
    expect(await read(whole(false), 'incremental', state)).toEqual([0, 1, 2, 3, 4]);
    expect(await read(whole(true), 'full_refresh', state)).toEqual([0, 1, 2, 3, 4]);
  });

  it("keeps a date window's records to [start, end), in both sync modes: each record once across windows", async () => {
    const windowed = defineStream<JsonObject, DateWindow | undefined>({
      ...whole(true),
      slices: (ctx) =>
        dateWindows({
          from: ctx.since(ctx.cursor.start(undefined)),
          to: new Date('2024-02-28T00:00:00Z'),
          step: { days: 15 },
        }),
      read: async function* () {
        yield rows();
      },
    });
    // 15-day windows from 2024-01-01: each dated row in exactly one; the undated one (no cursor) in each window
    expect(await read(windowed, 'full_refresh')).toEqual([0, 1, 4, 4, 2, 3, 4, 4]);
    // from the state's cursor: windows [01-31, 02-15) and [02-15, 02-28)
    expect(await read(windowed, 'incremental', { at: '2024-01-31T00:00:00.000Z' })).toEqual([2, 3, 4, 4]);
  });
});
