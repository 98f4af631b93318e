// A date window read part by part (a list, a message): a report API answers per part, and the
// state can only say "everything up to <end>" once every part is through. Checkpointing after each
// part, with the window and the last part done, lets a long first sync resume where it failed
// instead of reading the whole window again. Parts are read in key order, so "after" means the
// same thing on the rerun even when a part has since gone.
import { Checkpoint, checkpoint } from './stream.js';
import type { JsonObject, JsonSchema } from './protocol.js';

/** A part's place in the order: compared element by element, numerically where both are numbers. */
export type PartKey = (string | number)[];

/** The state of a window read by parts: done up to `until`; `resume` while a window is under way. */
export interface PartWindowState {
  until?: string;
  resume?: { end: string; after: PartKey };
}

export const partWindowStateSchema: JsonSchema = {
  type: 'object',
  properties: {
    until: { type: 'string', format: 'date-time' },
    resume: {
      type: 'object',
      required: ['end', 'after'],
      properties: {
        end: { type: 'string', format: 'date-time' },
        after: { type: 'array', items: { type: ['string', 'number'] } },
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
}

/**
 * Yields every part's pages and a checkpoint after each part, then `{ until: <window end> }`. The
 * window is [until (or from), to), or, when the state holds `resume`, the interrupted window: only
 * its parts after `after`, up to its own end. A resumed run stops there; the next run reads on from
 * that end, so a rerun never asks a finished part for the same dates again.
 */
export async function* readByParts<T>(o: ReadByParts<T>): AsyncGenerator<JsonObject[] | Checkpoint> {
  const saved = (o.saved ?? {}) as PartWindowState;
  const w: PartWindow = { start: saved.until ?? o.from, end: saved.resume?.end ?? o.to };
  const after = saved.resume?.after;
  if (Date.parse(w.start) >= Date.parse(w.end)) return;
  const parts: { part: T; key: PartKey }[] = [];
  for await (const part of o.parts(w)) parts.push({ part, key: o.key(part) });
  parts.sort((a, b) => comparePartKeys(a.key, b.key));
  for (const { part, key } of parts) {
    if (after && comparePartKeys(key, after) <= 0) continue;
    for await (const rows of o.read(part, w)) yield rows;
    yield checkpoint({ until: w.start, resume: { end: w.end, after: key } });
  }
  yield checkpoint({ until: w.end });
}
