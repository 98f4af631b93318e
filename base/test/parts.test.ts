// readByParts: a window read part by part checkpoints after each part, and a run that stops at any
// point is resumed from its last checkpoint with no part of that window lost and none read twice;
// the run after that reads on from the window's end.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Checkpoint } from '../src/stream.js';
import { comparePartKeys, partWindowStateSchema, readByParts, type PartKey, type PartWindow } from '../src/parts.js';
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

/** Runs readByParts to the end or until `stopAfter` parts have been read; returns what it read and the checkpoints. */
async function run(parts: Part[], saved: JsonObject | undefined, to: string, stopAfter = Infinity) {
  const reads: { key: string; w: PartWindow }[] = [];
  const states: JsonObject[] = [];
  let done = 0;
  const gen = readByParts<Part>({
    saved,
    from: T0,
    to,
    // the service lists parts in an order of its own: shuffled on every call
    parts: async function* () {
      yield* [...parts].sort(() => Math.random() - 0.5);
    },
    key: (p) => [p.list, p.msg],
    read: async function* (p, w) {
      if (done >= stopAfter) throw new Error('the service failed');
      done++;
      reads.push({ key: `${p.list}/${p.msg}`, w });
      yield [{ list: p.list, msg: p.msg }];
    },
  });
  let error: Error | undefined;
  try {
    for await (const item of gen) if (item instanceof Checkpoint) states.push(item.state);
  } catch (e) {
    error = e as Error;
  }
  return { reads, states, error };
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

  it('stopped after any number of parts, a rerun from its last checkpoint and the run after it cover [from, now) for every part with no gap and no overlap', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 12 }), fc.nat(), async (n, k) => {
        const all = parts(n);
        const stopAfter = k % (n + 1);
        const first = await run(all, { until: T0 }, T1, stopAfter);
        expect(first.error === undefined).toBe(stopAfter >= n);
        const second = await run(all, first.states.at(-1) ?? { until: T0 }, T2);
        expect(second.error).toBeUndefined();
        const third = await run(all, second.states.at(-1)!, T3);
        expect(third.states.at(-1)).toEqual({ until: T3 });
        // a finished part is not asked again for the window it was finished in
        const finished = new Set(first.reads.map((x) => x.key));
        for (const x of second.reads) expect(finished.has(x.key) && x.w.end === T1).toBe(false);
        // per part, the windows it was read over (a failed read throws before reading, so every read
        // of the first run was followed by its checkpoint) tile [T0, T3) exactly
        for (const p of all) {
          const ws = [...first.reads, ...second.reads, ...third.reads]
            .filter((x) => x.key === `${p.list}/${p.msg}`)
            .map((x) => x.w)
            .sort((a, b) => a.start.localeCompare(b.start));
          expect(ws[0].start).toBe(T0);
          expect(ws.at(-1)!.end).toBe(T3);
          for (let i = 1; i < ws.length; i++) expect(ws[i].start).toBe(ws[i - 1].end);
        }
      }),
      { numRuns: 60 },
    );
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
