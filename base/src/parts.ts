// A date window read part by part (a list, a message): a report API answers per part, and the
// state can only say "everything up to <end>" once every part is through. The parts are read
// concurrently (partitions.ts), and a checkpoint after each finished part records the window and
// which parts are done: `after`, the last key of the longest run of finished parts from the start
// (in key order), and `done`, the finished keys beyond it. A long first sync that fails resumes
// with only the unfinished parts; `done` holds at most the parts finished out of order, so the state
// stays small. Keys order the parts, so "after" means the same on the rerun even when a part has gone.
import { checkpoint, type Checkpoint } from './stream.js';
import { readPartitions } from './partitions.js';
import type { JsonObject, JsonSchema } from './protocol.js';

/** A part's place in the order: compared element by element, numerically where both are numbers. */
export type PartKey = (string | number)[];

/** The state of a window read by parts: done up to `until`; `resume` while a window is under way. */
export interface PartWindowState {
  until?: string;
  resume?: { end: string; after?: PartKey; done?: PartKey[] };
}

const partKeySchema: JsonSchema = { type: 'array', items: { type: ['string', 'number'] } };
export const partWindowStateSchema: JsonSchema = {
  type: 'object',
  properties: {
    until: { type: 'string', format: 'date-time' },
    resume: {
      type: 'object',
      required: ['end'],
      properties: {
        end: { type: 'string', format: 'date-time' },
        after: partKeySchema,
        done: { type: 'array', items: partKeySchema },
      },
    },
  },
};

const asNumber = (v: string | number): number =>
  typeof v === 'number' ? v : /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : Number.NaN;

export function comparePartKeys(a: PartKey, b: PartKey): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const [x, y] = [asNumber(a[i]), asNumber(b[i])];
    const c =
      !Number.isNaN(x) && !Number.isNaN(y)
        ? x - y
        : String(a[i]) < String(b[i])
          ? -1
          : String(a[i]) > String(b[i])
            ? 1
            : 0;
    if (c !== 0) return c;
  }
  return a.length - b.length;
}

export interface PartWindow {
  start: string;
  end: string;
}

export interface ReadByParts<T> {
  /** The previous state (a PartWindowState), or undefined. */
  saved: JsonObject | undefined;
  /** Where the first window starts when there is no state (ISO). */
  from: string;
  /** This run's end (ISO): the next run starts here. */
  to: string;
  /** Every part that may have rows in the window; sorted here by `key`, so held in memory (parts, not rows). */
  parts: (w: PartWindow) => AsyncIterable<T>;
  key: (part: T) => PartKey;
  /** The rows of one part in the window, page by page. */
  read: (part: T, w: PartWindow) => AsyncIterable<JsonObject[]>;
  /** How many parts at once (the stream context's maxConcurrency). */
  concurrency: number;
}

/**
 * Yields every part's pages and a checkpoint after each part, then `{ until: <window end> }`. The
 * window is [until (or from), to), or, when the state holds `resume`, the interrupted window: only
 * its parts not yet done, up to its own end. A resumed run stops there; the next run reads on from
 * that end, so a rerun never asks a finished part for the same dates again.
 */
export async function* readByParts<T>(o: ReadByParts<T>): AsyncGenerator<JsonObject[] | Checkpoint> {
  const saved = (o.saved ?? {}) as PartWindowState;
  const w: PartWindow = { start: saved.until ?? o.from, end: saved.resume?.end ?? o.to };
  if (Date.parse(w.start) >= Date.parse(w.end)) return;
  const listed: { part: T; key: PartKey }[] = [];
  for await (const part of o.parts(w)) listed.push({ part, key: o.key(part) });
  listed.sort((a, b) => comparePartKeys(a.key, b.key));
  let after = saved.resume?.after;
  const finished = new Map((saved.resume?.done ?? []).map((k) => [JSON.stringify(k), k]));
  const todo = listed.filter(
    ({ key }) => !(after && comparePartKeys(key, after) <= 0) && !finished.has(JSON.stringify(key)),
  );
  let passed = 0; // listed parts the watermark has walked past
  const progress = (part: { key: PartKey }, open: readonly { key: PartKey }[]): JsonObject => {
    finished.set(JSON.stringify(part.key), part.key);
    const first = open[0]?.key;
    // every listed part before the first unfinished one is done: the watermark moves up to it (the
    // first unfinished part only moves forward, so the walk goes on from where it stopped last time)
    while (passed < listed.length && (!first || comparePartKeys(listed[passed].key, first) < 0)) {
      const { key } = listed[passed++];
      if (!after || comparePartKeys(key, after) > 0) after = key;
    }
    const done = [...finished.values()].filter((k) => !after || comparePartKeys(k, after) > 0);
    for (const [id, k] of finished) if (after && comparePartKeys(k, after) <= 0) finished.delete(id);
    return { until: w.start, resume: { end: w.end, ...(after ? { after } : {}), ...(done.length ? { done } : {}) } };
  };
  yield* readPartitions({
    parts: todo,
    read: ({ part }) => o.read(part, w),
    done: progress,
    concurrency: o.concurrency,
  });
  yield checkpoint({ until: w.end });
}
