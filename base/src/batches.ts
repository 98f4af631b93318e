// Object streams (a CSV parser, a JSON streamer) read a batch at a time: everything the stream has
// buffered is taken in one synchronous loop, so a record costs no promise and no generator hop of
// its own. A batch is at most what one input chunk produced, so memory stays bounded.
import type { Readable } from 'node:stream';

/** Waits until the stream has data, has ended, or has failed. */
function settled(stream: Readable): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (): void => {
      cleanup();
      resolve();
    };
    const fail = (e: unknown): void => {
      cleanup();
      reject(e);
    };
    const cleanup = (): void => {
      stream.off('readable', done);
      stream.off('end', done);
      stream.off('close', done);
      stream.off('error', fail);
    };
    stream.on('readable', done);
    stream.on('end', done);
    stream.on('close', done);
    stream.on('error', fail);
  });
}

/** Every object the stream produces, as arrays of what was buffered at each turn. */
export async function* readBatches<T>(stream: Readable): AsyncGenerator<T[]> {
  try {
    for (;;) {
      const batch: T[] = [];
      for (let item = stream.read() as T | null; item !== null; item = stream.read() as T | null) batch.push(item);
      if (batch.length) {
        yield batch;
        continue;
      }
      if (stream.errored) throw stream.errored;
      if (stream.readableEnded) return;
      if (stream.destroyed) throw new Error('the stream closed before its end');
      await settled(stream);
    }
  } finally {
    // a reader that stops early (an error downstream) releases the source, as for-await would
    if (!stream.readableEnded && !stream.destroyed) stream.destroy();
  }
}
