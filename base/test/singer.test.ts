// Singer mode: the catalog and state translations, and one source run in-process in both modes,
// which proves Singer mode is the Airbyte read path (the same stream calls, states and records) with
// its output translated, failures included.
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { defineSource, type Source } from '../src/source.js';
import { checkpoint, defineStream } from '../src/stream.js';
import { runSource } from '../src/run.js';
import { configuredFrom, singerCatalog } from '../src/singer/catalog.js';
import { bookmarksOf } from '../src/singer/state.js';
import { SingerWriter } from '../src/singer/writer.js';
import { SecretMasker } from '../src/secrets.js';
import { jsonFile } from '../src/testing/harness.js';
import type { AirbyteCatalog, JsonObject } from '../src/protocol.js';

type Config = { fail?: boolean };
const calls: string[] = [];
const items = defineStream<Config, number>({
  name: 'items',
  schema: {
    type: 'object',
    properties: { id: { type: 'integer' }, at: { type: 'string', format: 'date-time' }, note: { type: 'string' } },
  },
  primaryKey: ['id'],
  cursorField: 'at',
  slices: () => [1, 2],
  read: async function* (ctx, slice) {
    calls.push(`items:${slice}:${JSON.stringify(ctx.state ?? null)}`);
    if (ctx.config.fail && slice === 2) throw new Error('the service broke');
    yield [{ id: slice, at: `2024-01-0${slice}T00:00:00.000Z`, note: `n${slice}` }];
  },
});
const lists = defineStream<Config>({
  name: 'lists',
  schema: { type: 'object', properties: { list: { type: 'string' } } },
  primaryKey: ['list'],
  read: async function* () {
    calls.push('lists');
    yield { list: 'a' };
    yield checkpoint({});
  },
});
const source: Source<Config> = defineSource<Config>({
  name: 'source-demo',
  version: '1.0.0',
  spec: { connectionSpecification: { type: 'object', title: 'Demo', properties: { fail: { type: 'boolean' } } } },
  check: async () => undefined,
  streams: [items, lists],
});

let stderr = '';
const realWrite = process.stderr.write.bind(process.stderr);
afterEach(() => {
  process.stderr.write = realWrite;
});
async function run(argv: string[]): Promise<{ code: number; lines: JsonObject[]; stdout: string; stderr: string }> {
  const sink = new PassThrough();
  let stdout = '';
  sink.on('data', (d: Buffer) => (stdout += d.toString()));
  stderr = '';
  process.stderr.write = ((chunk: string) => ((stderr += chunk), true)) as typeof process.stderr.write;
  const code = await runSource(source, argv, { stdout: sink, exit: false });
  process.stderr.write = realWrite;
  const lines = stdout
    .split('\n')
    .filter((l) => l.startsWith('{"'))
    .map((l) => JSON.parse(l) as JsonObject);
  return { code, lines, stdout, stderr };
}
const discovered = (): AirbyteCatalog => source.catalog({});
const config = (c: Config = {}) => jsonFile(c, 'config.json');

describe('Singer catalog', () => {
  it('selects explicitly selected streams; a catalog that selects nothing explicitly syncs every stream', () => {
    const singer = singerCatalog(discovered());
    expect(configuredFrom(singer, discovered(), '--catalog').configured.streams.map((s) => s.stream.name)).toEqual([
      'items',
      'lists',
    ]);
    singer.streams[1].metadata[0].metadata.selected = true;
    const { configured } = configuredFrom(singer, discovered(), '--catalog');
    expect(configured.streams.map((s) => `${s.stream.name}:${s.sync_mode}`)).toEqual(['lists:full_refresh']);
  });

  it('reads replication-method and property selection; a key or the replication key cannot be deselected', () => {
    const singer = singerCatalog(discovered());
    const md = singer.streams[0].metadata;
    md[0].metadata.selected = true;
    md[0].metadata['replication-method'] = 'FULL_TABLE';
    for (const m of md.slice(1)) m.metadata.selected = false;
    const { configured, selected } = configuredFrom(singer, discovered(), '--catalog');
    expect(configured.streams[0].sync_mode).toBe('full_refresh');
    expect([...selected[0].deselected]).toEqual(['note']);
    expect(Object.keys(selected[0].schema.properties as object)).toEqual(['id', 'at']);
  });

  it('turns a wrong catalog into one sentence naming the stream and the fix', () => {
    const singer = singerCatalog(discovered());
    singer.streams[1].metadata[0].metadata['replication-method'] = 'INCREMENTAL';
    expect(() => configuredFrom(singer, discovered(), '--catalog')).toThrow(
      /Stream 'lists' has no replication key.*FULL_TABLE/,
    );
    expect(() => configuredFrom({ streams: [{ tap_stream_id: 'nope' }] }, discovered(), '--properties')).toThrow(
      /--properties file names stream 'nope'.*Its streams are: items, lists/,
    );
    expect(() => configuredFrom([], discovered(), '--catalog')).toThrow(/must be a Singer catalog/);
  });

  it('reads a state value, a whole STATE message or nothing; refuses anything else', () => {
    expect(bookmarksOf({ bookmarks: { items: { at: 'x' } } })).toEqual({ items: { at: 'x' } });
    expect(bookmarksOf({ type: 'STATE', value: { bookmarks: { a: {} } } })).toEqual({ a: {} });
    expect(bookmarksOf({})).toEqual({});
    expect(() => bookmarksOf([{ type: 'STREAM' }])).toThrow(/must hold a Singer state/);
    expect(() => bookmarksOf({ bookmarks: { a: 1 } })).toThrow(/bookmark for stream 'a' must be an object/);
  });
});

describe('Singer mode runs the Airbyte read path', () => {
  it('the same stream calls, states and records; output translated line by line', async () => {
    const catalog = jsonFile({
      streams: discovered().streams.map((s) => ({
        stream: s,
        sync_mode: s.default_cursor_field ? 'incremental' : 'full_refresh',
        destination_sync_mode: 'append',
      })),
    });
    const state = { at: '2023-12-31T00:00:00.000Z' };
    calls.length = 0;
    const airbyte = await run([
      'read',
      '--config',
      config(),
      '--catalog',
      catalog,
      '--state',
      jsonFile([{ type: 'STREAM', stream: { stream_descriptor: { name: 'items' }, stream_state: state } }]),
    ]);
    const airbyteCalls = [...calls];
    calls.length = 0;
    const singer = await run([
      'singer',
      '--config',
      config(),
      '--state',
      jsonFile({ bookmarks: { items: state, gone: { x: 1 } } }),
    ]);
    expect([airbyte.code, singer.code]).toEqual([0, 0]);
    expect(calls).toEqual(airbyteCalls);
    const records = (lines: JsonObject[]) =>
      lines.filter((l) => l.type === 'RECORD').map((l) => (l.record as { data?: JsonObject }).data ?? l.record);
    expect(records(singer.lines)).toEqual(records(airbyte.lines));
    const types = singer.lines.map((l) => `${String(l.type)}:${String(l.stream ?? '')}`);
    expect(types.indexOf('SCHEMA:items')).toBeLessThan(types.indexOf('RECORD:items'));
    expect(types.filter((t) => t.startsWith('SCHEMA'))).toEqual(['SCHEMA:items', 'SCHEMA:lists']);
    expect(singer.lines.find((l) => l.type === 'SCHEMA')).toMatchObject({
      key_properties: ['id'],
      bookmark_properties: ['at'],
    });
    for (const r of singer.lines.filter((l) => l.type === 'RECORD'))
      expect(r.time_extracted).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    // every STATE carries every stream's latest bookmark, the --state file's own included
    expect(singer.lines.filter((l) => l.type === 'STATE').at(-1)).toEqual({
      type: 'STATE',
      value: { bookmarks: { items: { at: '2024-01-02T00:00:00.000Z' }, gone: { x: 1 } } },
    });
    expect(singer.stdout).not.toMatch(/"type":"(LOG|TRACE)"/);
  });

  it('a failing stream: its STATE so far, CRITICAL on stderr, the other stream read, exit 1', async () => {
    const singer = await run(['singer', '--config', config({ fail: true })]);
    expect(singer.code).toBe(1);
    expect(singer.stderr).toMatch(/CRITICAL Stream 'items' failed: the service broke/);
    expect(singer.lines.some((l) => l.type === 'RECORD' && l.stream === 'lists')).toBe(true);
    expect(singer.lines.filter((l) => l.type === 'STATE').at(-1)).toMatchObject({
      value: { bookmarks: { items: { at: '2024-01-01T00:00:00.000Z' } } },
    });
  });

  it('--about describes the tap; a bad invocation is one sentence on stderr', async () => {
    const about = await run(['singer', '--about', '--format=json']);
    expect(JSON.parse(about.stdout)).toMatchObject({
      name: 'tap-demo',
      version: '1.0.0',
      capabilities: expect.arrayContaining(['stream-maps', 'state']),
    });
    expect((await run(['singer', '--about'])).stdout).toMatch(/^Name: tap-demo\n/);
    const bad = await run(['singer', '--discover']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/CRITICAL Singer mode needs --config/);
    expect(bad.stdout).toBe('');
  });
});

describe('SingerWriter', () => {
  it("passes the kit's record line on without parsing it, and parses any other shape to the same output", async () => {
    const sink = new PassThrough();
    let text = '';
    sink.on('data', (d: Buffer) => (text += d.toString()));
    const info = {
      name: 'items',
      schema: { properties: { id: {}, note: {} } },
      keyProperties: ['id'],
      bookmarkProperties: [],
    };
    const selected = new Map([['items', { ...info, deselected: new Set<string>() }]]);
    const w = new SingerWriter(sink, new SecretMasker(), {
      about: () => '',
      selected: () => selected,
      bookmarks: () => ({}),
    });
    const parse = JSON.parse;
    let parsed = 0;
    JSON.parse = ((t: string) => (parsed++, parse(t))) as typeof JSON.parse;
    try {
      void w.writeLine(
        '{"type":"RECORD","record":{"stream":"items","data":{"id":1,"emitted_at":"x"},"emitted_at":1700000000000}}',
      );
      const fast = parsed;
      void w.writeLine(
        '{"type":"RECORD","record":{"stream":"items","data":{"id":1,"emitted_at":"x"},"emitted_at":1700000000000,"namespace":"n"}}',
      );
      expect(fast).toBe(1); // the stream name, once per stream; never the record
      expect(parsed).toBeGreaterThan(fast);
    } finally {
      JSON.parse = parse;
    }
    await w.flush();
    const lines = text.trim().split('\n');
    expect(lines[0]).toBe(
      '{"type":"SCHEMA","stream":"items","schema":{"properties":{"id":{},"note":{}}},"key_properties":["id"]}',
    );
    const record =
      '{"type":"RECORD","stream":"items","record":{"id":1,"emitted_at":"x"},"time_extracted":"2023-11-14T22:13:20.000Z"}';
    expect(lines.slice(1)).toEqual([record, record]);
  });
});
