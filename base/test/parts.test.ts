// readByParts: a window read part by part checkpoints after each part, and a run that stops at any
// point is resumed from its last checkpoint with no part of that window lost and none read twice;
// the run after that reads on from the window's end.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Checkpoint } from '../src/stream.js';
import {
  comparePartKeys,
  partWindowStateSchema,
  readByParts,
  type PartKey,
  type PartWindow,
  type PartWindowState,
} from '../src/parts.js';
import { checkStreamState } from '../src/state-check.js';
import type { JsonObject } from '../src/protocol.js';
import type { Logger } from '../src/log.js';

interface Part {
  list: string;
  msg: string;
}
const T0 = '2024-01-01T00:00:00.000Z';
const T1 = '2024-03-01T00:00:00.000Z';
const T2 = '2024-03-02T00:00:00.000Z';
const T3 = '2024-03-03T00:00:00.000Z';

/**
 * Runs readByParts to the end or until `stopAfter` parts have been started; returns what it read, the
 * checkpoints, and which of its reads the last checkpoint covers (a part in flight when the run
 * failed is read, but not covered: the rerun reads it again). Reads take random times, so parts
 * finish out of order when more than one runs at once.
 */
async function run(parts: Part[], saved: JsonObject | undefined, to: string, stopAfter = Infinity, concurrency = 1) {
  const reads: { key: string; k: PartKey; w: PartWindow }[] = [];
  const states: JsonObject[] = [];
  let started = 0;
  const gen = readByParts<Part>({
    saved,
    from: T0,
    to,
    concurrency,
    // the service lists parts in an order of its own: shuffled on every call
    parts: async function* () {
      yield* [...parts].sort(() => Math.random() - 0.5);
    },
    key: (p) => [p.list, p.msg],
    read: async function* (p, w) {
      if (started >= stopAfter) throw new Error('the service failed');
      started++;
      reads.push({ key: `${p.list}/${p.msg}`, k: [p.list, p.msg], w });
      await new Promise((r) => setTimeout(r, Math.random() * 3));
      yield [{ list: p.list, msg: p.msg }];
    },
  });
  let error: Error | undefined;
  try {
    for await (const item of gen) if (item instanceof Checkpoint) states.push(item.state);
  } catch (e) {
    error = e as Error;
  }
  const last = (states.at(-1) ?? saved ?? {}) as PartWindowState;
  const covers = (x: { k: PartKey; w: PartWindow }): boolean =>
    last.resume
      ? last.resume.end === x.w.end &&
        ((!!last.resume.after && comparePartKeys(x.k, last.resume.after) <= 0) ||
          (last.resume.done ?? []).some((d) => comparePartKeys(d, x.k) === 0))
      : !!last.until && last.until >= x.w.end;
  return { reads, states, error, covered: reads.filter(covers) };
}

const parts = (n: number): Part[] =>
  Array.from({ length: n }, (_, i) => ({ list: String(100 + (i % 3) * 101), msg: String(5000 + i) }));

describe('readByParts', () => {
  it('orders keys numerically where both are numbers, else as text', () => {
    expect(comparePartKeys(['9'], ['10'])).toBeLessThan(0);
    expect(comparePartKeys(['101', '5002'], ['101', '5001'])).toBeGreaterThan(0);
    expect(comparePartKeys(['b'], ['a'])).toBeGreaterThan(0);
    expect(comparePartKeys(['1'], ['1', '2'])).toBeLessThan(0);
    expect(comparePartKeys([2], ['10'])).toBeLessThan(0);
  });

  it('a first run reads every part once over [from, to) and checkpoints after each part, then {until: to}', async () => {
    const r = await run(parts(5), undefined, T1);
    expect(r.error).toBeUndefined();
    expect(r.reads.map((x) => x.key).sort()).toEqual(
      parts(5)
        .map((p) => `${p.list}/${p.msg}`)
        .sort(),
    );
    for (const x of r.reads) expect(x.w).toEqual({ start: T0, end: T1 });
    expect(r.states).toHaveLength(6);
    expect(r.states.at(-1)).toEqual({ until: T1 });
    // in key order, each checkpoint naming the part just done
    const afters = r.states.slice(0, -1).map((s) => (s.resume as { after: PartKey }).after);
    expect([...afters].sort(comparePartKeys)).toEqual(afters);
    for (const s of r.states.slice(0, -1)) expect(s).toMatchObject({ until: T0, resume: { end: T1 } });
  });

  it('every state it writes passes its own state schema', async () => {
    const log = { warn: () => undefined } as unknown as Logger;
    const r = await run(parts(3), { until: T0 }, T1);
    for (const s of r.states) expect(checkStreamState('s', s, partWindowStateSchema, log)).toEqual(s);
  });

  it('stopped after any number of parts, 1 to 6 at once, a rerun from its last checkpoint and the run after it cover [from, now) for every part with no gap, re-reading only parts in flight at the stop', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 12 }),
        fc.nat(),
        fc.integer({ min: 1, max: 6 }),
        async (n, k, concurrency) => {
          const all = parts(n);
          const stopAfter = k % (n + 1);
          const first = await run(all, { until: T0 }, T1, stopAfter, concurrency);
          expect(first.error === undefined).toBe(stopAfter >= n);
          // what the failed run read but its state does not cover were parts still in flight
          expect(first.reads.length - first.covered.length).toBeLessThanOrEqual(concurrency - 1);
          const second = await run(all, first.states.at(-1) ?? { until: T0 }, T2, Infinity, concurrency);
          expect(second.error).toBeUndefined();
          const third = await run(all, second.states.at(-1)!, T3, Infinity, concurrency);
          expect(third.states.at(-1)).toEqual({ until: T3 });
          // a finished part is not asked again for the window it was finished in
          const finished = new Set(first.covered.map((x) => x.key));
          for (const x of second.reads) expect(finished.has(x.key) && x.w.end === T1).toBe(false);
          // per part, the windows its covered reads span tile [T0, T3) exactly
          for (const p of all) {
            const ws = [...first.covered, ...second.covered, ...third.covered]
              .filter((x) => x.key === `${p.list}/${p.msg}`)
              .map((x) => x.w)
              .sort((a, b) => a.start.localeCompare(b.start));
            expect(ws[0].start).toBe(T0);
            expect(ws.at(-1)!.end).toBe(T3);
            for (let i = 1; i < ws.length; i++) expect(ws[i].start).toBe(ws[i - 1].end);
          }
        },
      ),
      { numRuns: 80 },
    );
  });

  it('with 4 at once, parts finish out of order and the state holds the watermark and only the parts done beyond it', async () => {
    const r = await run(parts(12), { until: T0 }, T1, Infinity, 4);
    expect(r.error).toBeUndefined();
    expect(r.states.at(-1)).toEqual({ until: T1 });
    for (const s of r.states.slice(0, -1)) {
      const { after, done = [] } = (s as PartWindowState).resume!;
      // done lists only keys beyond the watermark, never more than could be out of order
      for (const d of done) expect(after ? comparePartKeys(d, after) : 1).toBeGreaterThan(0);
      expect(done.length).toBeLessThanOrEqual(11);
    }
    const lastBeforeEnd = (r.states.at(-2) as PartWindowState).resume!;
    expect(lastBeforeEnd.done ?? []).toEqual([]);
  });

  it('a resumed run finishes the interrupted window and stops at its end', async () => {
    const first = await run(parts(4), { until: T0 }, T1, 2);
    const second = await run(parts(4), first.states.at(-1)!, T2);
    expect(second.reads).toHaveLength(2);
    for (const x of second.reads) expect(x.w).toEqual({ start: T0, end: T1 });
    expect(second.states.at(-1)).toEqual({ until: T1 });
  });

  it('a part gone by the rerun does not make it skip or repeat the others', async () => {
    const all = parts(6);
    const first = await run(all, { until: T0 }, T1, 3);
    const last = first.states.at(-1)!;
    const after = (last.resume as { after: PartKey }).after;
    const gone = all.filter((p) => !(p.list === after[0] && p.msg === after[1]));
    const second = await run(gone, last, T1);
    const keys = [...first.reads, ...second.reads].map((x) => x.key).sort();
    expect(keys).toEqual(all.map((p) => `${p.list}/${p.msg}`).sort());
  });

  it('reads nothing and writes no state when from is not before to', async () => {
    const r = await run(parts(3), undefined, T0);
    expect(r.reads).toEqual([]);
    expect(r.states).toEqual([]);
  });
});
