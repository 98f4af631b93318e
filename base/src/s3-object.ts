// Opening an S3 object as a byte stream that survives a dropped connection: resumed with a Range
// request pinned to its ETag, gunzipped when it is gzip, silent bodies timed out; readHead for check.
import { PassThrough, pipeline, type Readable, type Writable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { ConnectorError, systemError, transientError } from './errors.js';
import type { Logger } from './log.js';
import { backoffMs, sleep } from './retry.js';
import { sdk, type S3Connection, type S3Object, type S3Settings } from './s3-client.js';
import { s3Error } from './s3-errors.js';

export interface OpenOptions {
  /** `auto` (default): gunzip when the key ends in `.gz` or the object has `Content-Encoding: gzip`. */
  gunzip?: boolean | 'auto';
  /** How many times a body that broke off may be resumed (default 5). Request failures are the SDK's. */
  retries?: number;
  log?: Logger;
  range?: { end: number };
  /** A body that sends nothing for this long counts as broken off (default 60 s). */
  idleTimeoutMs?: number;
}

const bareEtag = (e: string | undefined): string | undefined => e?.replace(/^W\//, '').replace(/"/g, '');

/** Resolves when the writable can take more, or has closed. */
const drained = (w: Writable): Promise<void> =>
  new Promise((resolve) => {
    const done = (): void => {
      w.off('drain', done);
      w.off('close', done);
      resolve();
    };
    w.on('drain', done);
    w.on('close', done);
  });

/**
 * Opens an object as a byte stream. When the body breaks off (or sends nothing for
 * `idleTimeoutMs`), it asks again from the first byte not yet delivered, with If-Match on the
 * object's ETag (the listed one when given, else the first answer's), and checks the answer is that
 * range (206 with `Content-Range: bytes <offset>-`); a server that ignores Range and sends the
 * whole object (200) has its first bytes skipped. So the consumer sees every byte once, of one
 * version of the object: a replaced object fails the read (transient_error) instead of being
 * stitched. Destroying the returned stream stops the download and frees its connection.
 */
export function openObject(
  conn: S3Connection,
  s: S3Settings,
  obj: Pick<S3Object, 'key'> & { etag?: string; size?: number },
  opts: OpenOptions = {},
): Readable {
  const resumes = opts.retries ?? 5;
  const idleMs = opts.idleTimeoutMs ?? 60_000;
  const url = `s3://${s.bucket}/${obj.key}`;
  const out = new PassThrough();
  let sink: Writable = out;
  let closed = false;
  let body: Readable | undefined;
  out.once('close', () => {
    closed = true;
    body?.destroy();
  });
  const changed = (why: string): ConnectorError =>
    transientError(`${url} changed while being read (${why}); run the sync again.`);

  const pump = async (): Promise<void> => {
    let offset = 0;
    let etag = obj.etag;
    // the last byte wanted, when known: a drop after it needs no resume (and `bytes=<size>-` is unsatisfiable)
    const last = opts.range ? opts.range.end : obj.size !== undefined ? obj.size - 1 : undefined;
    for (let resumed = 0; ; resumed++) {
      if (offset > 0 && last !== undefined && offset > last) break;
      const range = opts.range ? `bytes=${offset}-${opts.range.end}` : offset > 0 ? `bytes=${offset}-` : undefined;
      let res;
      try {
        const [client, { GetObjectCommand }] = await Promise.all([conn.client(), sdk()]);
        res = await client.send(new GetObjectCommand({ Bucket: s.bucket, Key: obj.key, Range: range, IfMatch: etag }));
      } catch (err) {
        // the SDK has spent its attempts, or the answer is one that waiting does not change
        throw s3Error(err, s, `read ${url}`);
      }
      body = res.Body as Readable;
      if (closed) return void body.destroy();
      // a server that ignores If-Match still names the version it sent
      if (etag && res.ETag && bareEtag(res.ETag) !== bareEtag(etag)) {
        body.destroy();
        throw changed(`ETag ${res.ETag}, not ${etag}${offset > 0 ? ` when resuming at byte ${offset}` : ' as listed'}`);
      }
      etag ??= res.ETag;
      if (
        offset === 0 &&
        sink === out &&
        (opts.gunzip === true ||
          ((opts.gunzip ?? 'auto') === 'auto' &&
            (/\.gz$/i.test(obj.key) || /\bgzip\b/i.test(res.ContentEncoding ?? ''))))
      ) {
        const gunzip = createGunzip();
        pipeline(gunzip, out, (err) => err && out.destroy(err));
        sink = gunzip;
      }
      let skip = 0;
      if (offset > 0) {
        const status = res.$metadata.httpStatusCode;
        const contentRange = res.ContentRange ?? '';
        if (status === 200 && !contentRange && etag) {
          skip = offset; // the whole object again, the same version (ETag checked above)
          opts.log?.warn(
            `${url}: the server ignored the Range asked when resuming at byte ${offset} and sent the whole object; skipping the bytes already read`,
          );
        } else if (status !== 206 || !contentRange.startsWith(`bytes ${offset}-`)) {
          body.destroy();
          throw systemError(
            `${url}: resumed at byte ${offset} with a Range request, the server answered ${status} with Content-Range '${contentRange}'; the rest of the object cannot be placed.`,
          );
        }
      }
      try {
        const chunks = body[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
        for (;;) {
          const b = body;
          const idle = setTimeout(() => b.destroy(new Error(`no data for ${idleMs / 1000} s`)), idleMs);
          let next: IteratorResult<Buffer>;
          try {
            next = await chunks.next();
          } finally {
            clearTimeout(idle);
          }
          if (next.done) break;
          let chunk = next.value;
          if (skip > 0) {
            if (chunk.length <= skip) {
              skip -= chunk.length;
              continue;
            }
            chunk = chunk.subarray(skip);
            skip = 0;
          }
          offset += chunk.length;
          if (!sink.write(chunk)) await drained(sink);
          if (closed) return;
        }
        if (skip > 0) throw changed(`the whole object sent again is shorter than the ${offset} bytes already read`);
        // a body that ends cleanly but short of the listed size broke off too
        if (!opts.range && last !== undefined && offset <= last)
          throw new Error(`the body ended at byte ${offset} of ${last + 1}`);
        break;
      } catch (err) {
        if (closed) return;
        if (err instanceof ConnectorError) throw err;
        if (resumed >= resumes)
          throw transientError(
            `Reading ${url} broke off at byte ${offset} ${resumed + 1} times (${(err as Error).message}); run the sync again.`,
          );
        const delay = backoffMs(resumed + 1, Number(process.env.CONKIT_RETRY_BASE_MS ?? 1000), 30_000);
        opts.log?.warn(
          `Reading ${url} broke off at byte ${offset} (${(err as Error).message}); resuming with a Range request in ${(delay / 1000).toFixed(1)} s`,
        );
        await sleep(delay);
      } finally {
        body.destroy();
      }
    }
    sink.end();
  };
  pump().catch((err: Error) => {
    if (sink !== out) sink.destroy(err);
    out.destroy(err);
  });
  return out;
}

/**
 * Reads the first bytes of an object (for check). Given the listed object, an object no larger
 * than `bytes` is read whole, without a Range: on an empty object any `bytes=0-N` range is
 * unsatisfiable (416 InvalidRange on S3).
 */
export async function readHead(
  conn: S3Connection,
  s: S3Settings,
  obj: string | (Pick<S3Object, 'key' | 'size'> & { etag?: string }),
  bytes = 1024,
): Promise<Buffer> {
  const o = typeof obj === 'string' ? { key: obj } : obj;
  const whole = 'size' in o && o.size <= bytes;
  const chunks: Buffer[] = [];
  for await (const c of openObject(conn, s, o, {
    gunzip: false,
    retries: 1,
    ...(whole ? {} : { range: { end: bytes - 1 } }),
  }))
    chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}
