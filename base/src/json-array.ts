// Streams the items of a large top-level JSON array response without holding the body: items are
// parsed incrementally and handed out one by one. If the connection drops mid-body, the same GET is
// sent again and the items already handed out are skipped, so the caller sees each item once.
import type { Readable } from 'node:stream';
import type { HttpClient, HttpRequest } from './http.js';
import { ConnectorError, transientError } from './errors.js';
import { backoffMs, sleep } from './retry.js';

interface StreamArray {
  withParserAsStream(): NodeJS.ReadWriteStream;
}
// loaded on first use: most connectors never stream a JSON array, and every run would pay the import
const loadStreamArray = async (): Promise<StreamArray> =>
  (await import('stream-json/streamers/stream-array.js')).default as unknown as StreamArray;

export async function* streamJsonArray<T = unknown>(
  http: HttpClient,
  req: HttpRequest,
  opts: { retries?: number } = {},
): AsyncGenerator<T> {
  const retries = opts.retries ?? 5;
  const streamArray = await loadStreamArray();
  let delivered = 0;
  for (let attempt = 1; ; attempt++) {
    let index = 0;
    try {
      const { body } = await http.openStream(req);
      const items = (body as Readable).pipe(streamArray.withParserAsStream()) as unknown as AsyncIterable<{
        key: number;
        value: T;
      }>;
      (body as Readable).on('error', (e) => (items as unknown as Readable).destroy(e));
      for await (const { value } of items) {
        if (index++ < delivered) continue;
        delivered++;
        yield value;
      }
      return;
    } catch (err) {
      if (err instanceof ConnectorError) throw err; // statuses were already retried and judged
      if (attempt > retries)
        throw transientError(
          `${req.method ?? 'GET'} ${req.path} broke off after ${delivered} items and did not recover: ${(err as Error).message}`,
          err,
        );
      await sleep(backoffMs(attempt, Number(process.env.CONKIT_RETRY_BASE_MS ?? 1000), 30_000));
    }
  }
}
