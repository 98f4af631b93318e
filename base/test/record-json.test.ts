// recordJson writes every record byte for byte as JSON.stringify does, takes its fast path for
// records of a learned shape, and falls back (or stops learning) for everything else.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { recordJson } from '../src/record-json.js';
import type { JsonObject } from '../src/protocol.js';

// strings that stress escaping: quotes, backslashes, control characters, lone and paired surrogates
const text = fc.oneof(
  fc.string({ unit: 'binary' }),
  fc.constantFrom(
    '',
    '"',
    '\\',
    '\n',
    '\u0000',
    '\u001f',
    '\u007f',
    '\u2028',
    '\ud800',
    '\udc00',
    '\ud83d\ude00',
    'é',
    'a"b\\c',
  ),
);
// what a mapping can put in a column, including what JSON.stringify drops or rewrites
const cell = fc.oneof(
  text,
  fc.double(),
  fc.constantFrom(0, -0, NaN, Infinity, -Infinity, 1e21, 5e-324, true, false, null, undefined),
  fc.jsonValue(),
  fc.date({ noInvalidDate: true }),
  fc.constant(() => 1),
  fc.constant({ toJSON: () => undefined }),
  fc.constant({ toJSON: (key: string) => `key=${key}` }),
  fc.constant(Object('boxed') as object),
  fc.constant(new Map([[1, 2]])),
  fc.constant(new Date(NaN)),
  fc.constant(Symbol('s')),
);
// column names, including index-like ones (ordered first by both) and '__proto__'
const column = fc.oneof(text, fc.constantFrom('0', '7', '10', '__proto__', 'toJSON', 'constructor', 'a b', ''));

/** Records that share a shape, with cells of any kind, sometimes a column left out or one added. */
const shapedRecords = fc.uniqueArray(column, { minLength: 0, maxLength: 12 }).chain((cols) =>
  fc
    .array(
      fc.tuple(
        fc.array(cell, { minLength: cols.length, maxLength: cols.length }),
        fc.oneof(fc.constant('same'), fc.constant('drop'), fc.constant('add')),
      ),
      { maxLength: 30 },
    )
    .map((rows) =>
      rows.map(([cells, variant]) => {
        const o: Record<string, unknown> = {};
        cols.forEach((c, i) => {
          if (!(variant === 'drop' && i === 0))
            Object.defineProperty(o, c, { value: cells[i], enumerable: true, writable: true, configurable: true });
        });
        if (variant === 'add') o.extra = 1;
        return o;
      }),
    ),
);

const sameAsStringify = (records: object[]): void => {
  const toJson = recordJson();
  for (const r of records) {
    let expected: string | undefined;
    let thrown: unknown;
    try {
      expected = JSON.stringify(r);
    } catch (err) {
      thrown = err;
    }
    if (thrown) expect(() => toJson(r as JsonObject)).toThrow();
    else expect(toJson(r as JsonObject)).toBe(expected);
  }
};

describe('recordJson', () => {
  it('writes every record exactly as JSON.stringify, whatever its cells and shape', () => {
    fc.assert(fc.property(shapedRecords, sameAsStringify), { numRuns: 400 });
  });

  it('writes what is not an object (arrays, strings, null) exactly as JSON.stringify', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.dictionary(column, fc.jsonValue()), fc.jsonValue()), { maxLength: 20 }),
        (records) => sameAsStringify(records as object[]),
      ),
      { numRuns: 200 },
    );
    const toJson = recordJson();
    for (const r of [{ 0: 'a', 1: 'b' }, ['a', 'b'], 'ab', null, { 0: 'a', 1: 'b' }])
      expect(toJson(r as JsonObject)).toBe(JSON.stringify(r));
  });

  it('writes arbitrary JSON objects exactly as JSON.stringify', () => {
    fc.assert(fc.property(fc.array(fc.dictionary(column, fc.jsonValue()), { maxLength: 20 }), sameAsStringify), {
      numRuns: 200,
    });
  });

  it('serves records of one shape from the learned shape', () => {
    const toJson = recordJson();
    for (let i = 0; i < 1000; i++) {
      const r = {
        id: `p${i}`,
        name: i % 2 ? null : `n"${i}`,
        score: i / 3,
        ok: i % 3 === 0,
        tags: [i],
        nested: { at: i },
      };
      expect(toJson(r)).toBe(JSON.stringify(r));
    }
    expect(toJson.stats()).toEqual({ fast: 1000, slow: 0, shapes: 1 });
  });

  it('does not serve what JSON.stringify would write differently: undefined cells, toJSON, __proto__', () => {
    const toJson = recordJson();
    expect(toJson({ a: 1, b: 2 })).toBe('{"a":1,"b":2}');
    const dropped = { a: 1, b: undefined } as unknown as JsonObject;
    expect(toJson(dropped)).toBe('{"a":1}');
    const withToJson = Object.assign(Object.create({ toJSON: () => 'x' }) as object, { a: 1, b: 2 }) as JsonObject;
    expect(toJson(withToJson)).toBe('"x"');
    const proto = JSON.parse('{"__proto__":{"x":1},"a":2}') as JsonObject;
    expect(toJson(proto)).toBe('{"__proto__":{"x":1},"a":2}');
    expect(toJson.stats().fast).toBe(1);
  });

  it('leaves to JSON.stringify what it would write differently: a cell toJSON that reads its key, a patched BigInt, boxed and class records', () => {
    const toJson = recordJson();
    const keyed = { a: { toJSON: (key: string) => `key=${key}` }, b: 1 };
    expect(toJson({ a: 'x', b: 1 })).toBe('{"a":"x","b":1}');
    expect(toJson(keyed as unknown as JsonObject)).toBe('{"a":"key=a","b":1}');
    const big = { a: 1n, b: 2 } as unknown as JsonObject;
    expect(() => toJson(big)).toThrow(TypeError);
    const patched = BigInt.prototype as unknown as { toJSON?: (key: string) => unknown };
    try {
      patched.toJSON = () => undefined;
      expect(toJson(big)).toBe('{"b":2}');
      patched.toJSON = (key: string) => `k=${key}`;
      expect(toJson(big)).toBe('{"a":"k=a","b":2}');
    } finally {
      delete patched.toJSON;
    }
    for (const boxed of [Object('ab'), Object(5), Object(true)])
      expect(toJson(boxed as JsonObject)).toBe(JSON.stringify(boxed));
    expect(() => toJson(Object(1n) as JsonObject)).toThrow(TypeError);
    class Row {
      a = 1;
      get b() {
        return 2;
      }
    }
    expect(toJson(new Row() as unknown as JsonObject)).toBe('{"a":1}');
    expect(toJson(Object.assign(Object.create(null) as object, { a: 'x', b: 1 }) as JsonObject)).toBe(
      '{"a":"x","b":1}',
    );
  });

  it('stops learning when every record has a shape of its own', () => {
    const toJson = recordJson();
    for (let i = 0; i < 100; i++) expect(toJson({ [`k${i}`]: i })).toBe(`{"k${i}":${i}}`);
    const { fast, slow, shapes } = toJson.stats();
    expect(shapes).toBe(8);
    expect(fast).toBe(8);
    expect(slow).toBe(92);
    // the last learned shape ({k7}) is dropped, not kept on trial
    expect(toJson({ k7: 1 })).toBe('{"k7":1}');
    expect(toJson.stats().fast).toBe(8);
  });
});
