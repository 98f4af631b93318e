// Stream maps: the expression evaluator (what it computes, what it refuses) and the stream wrapper
// (mapped names, schemas, keys and records; every mistake a config_error naming stream and property).
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { compileExpression } from '../src/maps/expression.js';
import { withStreamMaps } from '../src/maps/stream-maps.js';
import { checkpoint, Checkpoint, defineStream, type AnyStreamDef, type StreamItem } from '../src/stream.js';
import type { JsonObject } from '../src/protocol.js';

const props = { id: { type: 'integer' }, email: { type: ['string', 'null'] }, name: { type: 'string' } };
const evalOf = (text: string, record: JsonObject, config: Record<string, unknown> = {}) =>
  compileExpression(text, 'stream_maps.s.p', props).evaluate({ record, config, self: null });
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

describe('stream map expressions', () => {
  it('hashes, concatenates and reads the record, config and Python-style string methods', () => {
    const r = { id: 7, email: 'Ann@Example.com', name: 'Ann Lee' };
    expect(evalOf('md5(email)', r)).toBe(createHash('md5').update('Ann@Example.com').digest('hex'));
    expect(evalOf("sha256(email + config['hash_seed'])", r, { hash_seed: 's' })).toBe(sha256('Ann@Example.com' + 's'));
    expect(evalOf('sha256(config.hash_seed + record["email"])', r, { hash_seed: 's' })).toBe(
      sha256('sAnn@Example.com'),
    );
    expect(evalOf("email.split('@')[-1].lower()", r)).toBe('example.com');
    expect(evalOf("_['name'] + ' #' + id", r)).toBe('Ann Lee #7');
    expect(evalOf('id * 2 > 10 ? "big" : "small"', r)).toBe('big');
  });

  it('a null input gives null, not the hash of the seed alone', () => {
    expect(evalOf("sha256(email + config['s'])", { id: 1, email: null }, { s: 'x' })).toBeNull();
    expect(evalOf('md5(email)', { id: 1, email: null })).toBeNull();
  });

  it('reaches no prototype, global or function outside its list', () => {
    const r = { id: 1, email: 'a@b.co' };
    expect(() => evalOf('email.constructor', r)).toThrow(/not allowed/);
    expect(() => evalOf('record["__proto__"]', r)).toThrow(/not allowed/);
    expect(evalOf('record[config.k]', r, { k: '__proto__' })).toBeNull();
    expect(() => evalOf('process.exit(1)', r)).toThrow(/no string method 'exit'/);
    expect(() => evalOf('eval("1")', r)).toThrow(/no function 'eval'/);
    expect(() => evalOf('this', r)).toThrow(/not supported/);
    expect(() => evalOf('email = 1', r)).toThrow();
    expect(() => evalOf('sha256(', r)).toThrow(/does not parse/);
  });

  it('infers the schema of a computed value (hashes are nullable strings; a passed-on property keeps its type)', () => {
    expect(compileExpression('sha256(email)', 'x', props).schema).toEqual({ type: ['string', 'null'] });
    expect(compileExpression('id', 'x', props).schema).toEqual({ type: ['integer', 'null'] });
    expect(compileExpression('int(name)', 'x', props).schema).toEqual({ type: ['integer', 'null'] });
  });
});

const users = defineStream<Record<string, unknown>>({
  name: 'users',
  schema: { type: 'object', required: ['id'], properties: props },
  primaryKey: ['id'],
  cursorField: undefined,
  read: async function* () {
    yield { id: 1, email: 'a@x.io', name: 'Ann' };
    yield checkpoint({ page: 1 });
    yield [{ id: 2, email: null, name: 'Bo' }];
  },
});
const events = defineStream<Record<string, unknown>>({
  name: 'events',
  schema: { type: 'object', properties: { at: { type: 'string', format: 'date-time' }, who: { type: 'string' } } },
  primaryKey: [],
  cursorField: 'at',
  read: async function* () {
    yield { at: '2024-01-01T00:00:00Z', who: 'a@x.io' };
  },
});
const mapped = (maps: unknown, config: Record<string, unknown> = {}) =>
  withStreamMaps<Record<string, unknown>>([users, events], { stream_maps: maps, stream_map_config: config });
const read = async (def: AnyStreamDef<Record<string, unknown>>): Promise<StreamItem[]> => {
  const out: StreamItem[] = [];
  for await (const item of def.read({} as never, undefined)) out.push(item);
  return out;
};

describe('withStreamMaps', () => {
  it('leaves the streams alone without maps', () => {
    expect(withStreamMaps([users], {})).toEqual([users]);
    expect(withStreamMaps([users], { stream_maps: {} })).toEqual([users]);
  });

  it('drops, hashes in place, adds, renames; schema, key and records follow; checkpoints pass through', async () => {
    const [u] = mapped(
      {
        users: {
          name: null,
          email: "sha256(email + config['seed'])",
          domain: "email.split('@')[1]",
          __alias__: 'people',
        },
      },
      { seed: 'S' },
    );
    expect(u.name).toBe('people');
    expect(Object.keys(u.schema.properties as object)).toEqual(['id', 'email', 'domain']);
    expect(u.primaryKey).toEqual([['id']]);
    const items = await read(u);
    expect(items[0]).toEqual({ id: 1, email: sha256('a@x.ioS'), domain: 'x.io' });
    expect(items[1]).toBeInstanceOf(Checkpoint);
    expect(items[2]).toEqual([{ id: 2, email: null, domain: null }]);
  });

  it('__else__: null keeps the listed properties, the key and the cursor; a stream set to null is gone', async () => {
    const [e] = mapped({ users: null, events: { __else__: null, who_hash: 'md5(who)' } });
    expect(e.name).toBe('events');
    expect(await read(e)).toEqual([
      { at: '2024-01-01T00:00:00Z', who_hash: createHash('md5').update('a@x.io').digest('hex') },
    ]);
    expect(mapped({ __else__: null, users: {} }).map((d) => d.name)).toEqual(['users']);
  });

  it('a mistake is a config_error naming stream, property and fix, before anything is read', () => {
    const err = (maps: unknown, config?: Record<string, unknown>) => {
      try {
        mapped(maps, config);
      } catch (e) {
        expect((e as { failureType?: string }).failureType).toBe('config_error');
        return (e as Error).message;
      }
      throw new Error('no error');
    };
    expect(err({ users: { id: null } })).toMatch(
      /stream_maps\.users: the map drops 'id', part of the stream's key.*__key_properties__/,
    );
    expect(err({ users: { phone: null } })).toMatch(
      /stream_maps\.users\.phone: stream 'users' has no property 'phone'/,
    );
    expect(err({ users: { h: 'md5(emial)' } })).toMatch(/reads property 'emial', which stream 'users' does not have/);
    expect(err({ users: { h: "md5(email + config['seed'])" } })).toMatch(
      /config\['seed'\], which stream_map_config does not set/,
    );
    expect(err({ usres: {} })).toMatch(
      /names stream 'usres', which this source does not have. Its streams are: users, events/,
    );
    expect(err({ events: { at: null } })).toMatch(/stream_maps\.events\.at: 'at' is the stream's cursor/);
    expect(err({ users: { __filter__: 'id > 1' } })).toMatch(/not supported/);
    expect(err({ users: { __alias__: 'events' } })).toMatch(/two streams would be called 'events'/);
    expect(err({ users: { email: 5 } })).toMatch(/must be null .* or an expression string/);
  });

  it('__key_properties__ moves the key to a hashed column', () => {
    const [u] = mapped({ users: { id: null, id_hash: 'md5(str(id))', __key_properties__: ['id_hash'] } });
    expect(u.primaryKey).toEqual([['id_hash']]);
    expect((u.schema.required as string[]) ?? []).not.toContain('id');
  });
});
