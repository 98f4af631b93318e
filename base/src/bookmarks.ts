// Per-partition bookmarks: a stream whose parts (lists, accounts) each move on their own cursor
// keeps one bookmark per part, `{ [field]: { <part>: <newest cursor> } }`. Parts are read
// concurrently (partitions.ts); a part's bookmark moves only once its last record is out, so a read
// that stops half way resumes each part where it was. The state grows with the parts, not the history.
// A record below its part's bookmark is dropped: a service that ignores the `since` it was sent
// repeats nothing.
import type { JsonObject, JsonSchema } from './protocol.js';
import type { Checkpoint } from './stream.js';
import { readPartitions } from './partitions.js';
import { toIsoUtc } from './time.js';

export interface BookmarkedParts {
  /** The stream's previous state, or undefined. */
  saved: JsonObject | undefined;
  /** The state's field holding the bookmarks (e.g. 'lists'). */
  field: string;
  /** Every part's id, in the order they are started. */
  parts: readonly string[];
  /** The records' cursor field (ISO UTC, as toIsoUtc writes it): a part's bookmark is the newest seen. */
  cursor: string;
  /** Where a part with no bookmark starts (ISO UTC, e.g. the context's historyStart). */
  start: string;
  /** One part's pages from `from` on: its bookmark as ISO UTC, else `start`. */
  read: (part: string, from: string) => AsyncIterable<JsonObject[]>;
  concurrency: number;
}

/** The state schema of `{ [field]: { <part>: <date-time> } }`. */
export const bookmarksStateSchema = (field: string): JsonSchema => ({
  type: 'object',
  properties: { [field]: { type: 'object', additionalProperties: { type: 'string', format: 'date-time' } } },
});

/** Reads every part concurrently and checkpoints the bookmarks after each part. */
export function readBookmarkedParts(o: BookmarkedParts): AsyncGenerator<JsonObject[] | Checkpoint> {
  const marks = new Map(Object.entries((o.saved?.[o.field] ?? {}) as Record<string, string>));
  const newest = new Map<string, string>();
  return readPartitions({
    parts: o.parts,
    read: async function* (part) {
      const from = toIsoUtc(marks.get(part)) ?? o.start;
      for await (const page of o.read(part, from)) {
        const kept = page.filter((r) => !(typeof r[o.cursor] === 'string' && (r[o.cursor] as string) < from));
        for (const r of kept) {
          const at = r[o.cursor];
          if (typeof at === 'string' && at > (newest.get(part) ?? marks.get(part) ?? '')) newest.set(part, at);
        }
        yield kept;
      }
    },
    done: (part) => {
      const mark = newest.get(part);
      if (mark) marks.set(part, mark);
      return { [o.field]: Object.fromEntries(marks) };
    },
    concurrency: o.concurrency,
  });
}
