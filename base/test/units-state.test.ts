// Unit tests of the kit's smaller pieces, part 2: protocol validation, sliding windows, heap tuning,
// incoming state checks (part 1: units.test.ts).
import { describe, expect, it } from 'vitest';
import { checkStreamState, cursorStateSchema } from '../src/state-check.js';
import type { Logger } from '../src/log.js';
import { validateMessage, compileRecordSchema } from '../src/testing/index.js';
import { messages } from '../src/protocol.js';
import { heapTuning } from '../src/heap.js';
import { fromZeroByAt, pageFrom } from './helpers/window.js';

describe('protocol validation', () => {
  it('accepts the kit messages and rejects broken ones', () => {
    expect(validateMessage(messages.streamState('s', { a: 1 }, 3))).toEqual([]);
    expect(validateMessage(messages.error('x', 'config_error', { stream: 's' }))).toEqual([]);
    expect(validateMessage({ type: 'RECORD', record: { stream: 's', data: {} } }).join()).toMatch(/emitted_at/);
    expect(validateMessage({ type: 'NOPE' }).length).toBeGreaterThan(0);
  });
  it('resolves well_known_types in record schemas', () => {
    const v = compileRecordSchema({
      type: 'object',
      properties: { at: { $ref: 'well_known_types.yaml#/definitions/TimestampWithTimezone' } },
    });
    expect(v({ at: '2024-01-01T00:00:00Z' })).toBe(true);
    expect(v({ at: 5 })).toBe(false);
  });
});

describe('slidingWindow', () => {
  it('reads past a page cap by sliding the lower bound, yielding each record once', async () => {
    const { slidingWindow } = await import('../src/sliding.js');
    // 1,000 records, 3 per second of cursor, a cap of 4 pages of 10
    const rows = Array.from({ length: 1000 }, (_, i) => ({ id: i, at: Math.floor(i / 3) }));
    let queries = 0;
    const got: number[] = [];
    for await (const r of slidingWindow({
      ...fromZeroByAt,
      pageSize: 10,
      maxPages: 4,
      fetch: async (from, page) => {
        queries++;
        return pageFrom(rows, from, page, 10);
      },
    }))
      got.push(r.id);
    expect(got).toEqual(rows.map((r) => r.id));
    expect(queries).toBeGreaterThan(100);
  });
  it('refuses to loop when one cursor value holds more than a whole window', async () => {
    const { slidingWindow } = await import('../src/sliding.js');
    const it = slidingWindow({
      from: 5,
      pageSize: 2,
      maxPages: 2,
      cursor: () => 5,
      id: () => Math.random(),
      fetch: async (_from, page) => [
        { page, n: 1 },
        { page, n: 2 },
      ],
    });
    await expect(
      (async () => {
        for await (const _ of it) void _;
      })(),
    ).rejects.toThrow(/share the cursor value 5/);
  });
});

describe('heap tuning', () => {
  it('sets a 50% growing factor unless the operator chose one or turned it off', () => {
    expect(heapTuning([], {})).toEqual({ flag: '--heap-growing-percent=50' });
    expect(heapTuning([], { CONKIT_HEAP_GROWING_PERCENT: '50' })).toEqual({ flag: '--heap-growing-percent=50' });
    expect(heapTuning([], { CONKIT_HEAP_GROWING_PERCENT: '0' })).toEqual({});
    expect(heapTuning(['--heap-growing-percent=80'], {})).toEqual({});
    expect(heapTuning([], { NODE_OPTIONS: '--max-old-space-size=512 --heap_growing_percent=5' })).toEqual({});
  });
  it('warns about a value that is not a whole number and keeps V8 default', () => {
    for (const bad of ['abc', '-5', '1.5']) {
      const t = heapTuning([], { CONKIT_HEAP_GROWING_PERCENT: bad });
      expect(t.flag).toBeUndefined();
      expect(t.warning).toContain('CONKIT_HEAP_GROWING_PERCENT');
      expect(t.warning).toContain(`'${bad}'`);
    }
  });
});

describe('incoming state check', () => {
  const warnings: string[] = [];
  const log = {
    warn: (m: string) => warnings.push(m),
    info: () => undefined,
    debug: () => undefined,
    error: () => undefined,
  } as unknown as Logger;
  const schema = cursorStateSchema(
    { properties: { updated_at: { type: ['string', 'null'], format: 'date-time' } } },
    'updated_at',
  );
  it('derives a cursor-mode state schema from the record schema, null dropped', () => {
    expect(schema).toEqual({ type: 'object', properties: { updated_at: { type: 'string', format: 'date-time' } } });
  });
  it('passes a state the stream wrote, and an empty one', () => {
    expect(checkStreamState('items', { updated_at: '2024-03-01T00:00:00.000Z' }, schema, log)).toEqual({
      updated_at: '2024-03-01T00:00:00.000Z',
    });
    expect(checkStreamState('items', {}, schema, log)).toEqual({});
    expect(warnings).toEqual([]);
  });
  it("reads from the start, with a WARN naming both shapes, when the state is another stream's", () => {
    expect(checkStreamState('items', { until: '2024-03-01T00:00:00Z' }, schema, log)).toBeUndefined();
    expect(warnings.pop()).toMatch(/state for stream 'items' holds 'until' but none of 'updated_at'/);
  });
  it('names the stream, the field and the value of a cursor that is no date-time', () => {
    for (const [value, why] of [
      ['yesterday', /is "yesterday", which is not a date-time/],
      [1700000000, /is 1700000000, which is not of type string/],
      ['2024-03-01', /not a date-time/],
    ] as const) {
      expect(() => checkStreamState('items', { updated_at: value }, schema, log)).toThrow(why);
      expect(() => checkStreamState('items', { updated_at: value }, schema, log)).toThrow(
        /stream 'items'.*'updated_at'.*remove the entry for 'items'/,
      );
    }
  });
  it('checks nested values of a declared manual state', () => {
    const manual = {
      type: 'object',
      properties: { lists: { type: 'object', additionalProperties: { type: 'string', format: 'date-time' } } },
    };
    expect(() => checkStreamState('member_lists', { lists: { '101': 'soon' } }, manual, log)).toThrow(
      /'lists\.101' is "soon"/,
    );
  });
});
