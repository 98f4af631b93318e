// Partitions read concurrently: a stream lists its parts (lists, messages, files), and the kit reads
// up to `concurrency` of them at once, handing their pages out as they come. Each part's pages go
// out in its own order; pages of different parts interleave. A part counts as done only after its
// last page has been written, and only then may the stream's state say so (`done`), so a STATE never
// covers a record that is not out. Memory stays bounded: each part holds at most the page it is
// waiting to hand over (plus the one its reader fetches ahead), and waits until it has been written.
import { checkpoint, type Checkpoint } from './stream.js';
import type { JsonObject } from './protocol.js';

export interface PartitionRead<P> {
  /** Every part, in the order they are started (and the order the state's watermark moves in). */
  parts: readonly P[];
  /** The pages of one part. */
  read: (part: P) => AsyncIterable<JsonObject[]>;
  /**
   * The state once `part` is read and written, given the parts not finished yet (started or not),
   * in start order; undefined for no checkpoint.
   */
  done: (part: P, open: readonly P[]) => JsonObject | undefined;
  /** How many parts at once (the run's max_concurrency); each request also takes a run-wide slot. */
  concurrency: number;
}

type Event<P> = { page: JsonObject[]; taken: () => void } | { done: P } | { error: unknown } | { exit: true };

/** Yields every part's pages as they arrive and a checkpoint after each part; the first error ends it. */
export async function* readPartitions<P>(o: PartitionRead<P>): AsyncGenerator<JsonObject[] | Checkpoint> {
  const events: Event<P>[] = [];
  let wake: (() => void) | undefined;
  const post = (e: Event<P>): void => {
    events.push(e);
    wake?.();
    wake = undefined;
  };
  let next = 0;
  let stopped = false;
  const worker = async (): Promise<void> => {
    while (!stopped && next < o.parts.length) {
      const part = o.parts[next++];
      try {
        for await (const page of o.read(part)) {
          if (stopped) return; // leaving the loop closes the part's reader
          await new Promise<void>((taken) => post({ page, taken }));
        }
      } catch (error) {
        post({ error });
        return;
      }
      post({ done: part });
    }
  };
  const cap = Number.isInteger(o.concurrency) && o.concurrency > 1 ? o.concurrency : 1;
  const workers = Array.from({ length: Math.min(cap, o.parts.length) }, () =>
    worker().finally(() => post({ exit: true })),
  );
  const open = [...o.parts];
  let exited = 0;
  let handing: (() => void) | undefined; // the page out with the consumer
  try {
    while (exited < workers.length || events.length) {
      const e = events.shift();
      if (!e) {
        await new Promise<void>((resolve) => (wake = resolve));
        continue;
      }
      if ('page' in e) {
        handing = e.taken;
        yield e.page; // the consumer writes it before asking for more
        handing = undefined;
        e.taken();
      } else if ('done' in e) {
        open.splice(open.indexOf(e.done), 1);
        const state = o.done(e.done, open);
        if (state) yield checkpoint(state);
      } else if ('error' in e) throw e.error;
      else exited++;
    }
  } finally {
    // on an error or an early stop, the other parts stop at their next page and close their readers
    stopped = true;
    handing?.();
    for (const e of events.splice(0)) if ('page' in e) e.taken();
    wake = undefined;
    await Promise.allSettled(workers);
  }
}
