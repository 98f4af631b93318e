// S3 access for file-based streams, over the real AWS SDK: list a prefix page by page, and open an
// object as a stream that survives a dropped connection by resuming with a Range request.
// Errors are translated into what the user must fix: the bucket, the region, the keys, or the endpoint.
//
// Who retries what (one owner per failure, never one loop inside another; issue 19):
// - The SDK retries a request that failed before its response headers arrived or was answered
//   with a transient status: throttling (SlowDown, any 429), 500/502/503/504, timeouts,
//   ECONNRESET/ECONNREFUSED/ENOTFOUND/EAI_AGAIN... (smithy's retry classification, standard mode),
//   up to S3_MAX_ATTEMPTS attempts in all, with its own jittered backoff (throttling base 500 ms)
//   and per-client retry quota. A persistent SlowDown therefore costs exactly S3_MAX_ATTEMPTS
//   requests for one ListObjectsV2 page or one GetObject, about 3.5 s of waiting at most.
// - The kit retries only what the SDK cannot see: a body that breaks off (or goes silent) after
//   send() resolved, since send() resolves at the headers (aws/aws-sdk-js-v3#8098). It resumes
//   with a Range request from the first byte not yet delivered, pinned to the object's ETag with
//   If-Match, at most `retries` times per object. When send() itself throws, the SDK has already
//   spent its attempts (or the answer is not transient), so the kit does not try again.
// - 3xx/4xx answers (NoSuchKey, PreconditionFailed, InvalidRange, PermanentRedirect, AccessDenied,
//   InvalidAccessKeyId, SignatureDoesNotMatch, NoSuchBucket) are retried by neither layer: waiting
//   does not change them. The sources for each of these facts: connectors/source-conversions-s3/WIRE.md.
import type { S3Client, S3ClientConfig } from '@aws-sdk/client-s3';
import { PassThrough, pipeline, type Readable, type Writable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { ConnectorError, configError, systemError, transientError } from './errors.js';
import { backoffMs, sleep } from './retry.js';
import type { Logger } from './log.js';

export interface S3Settings {
  bucket: string;
  prefix?: string;
  region?: string;
  aws_access_key_id?: string;
  aws_secret_access_key?: string;
  endpoint?: string;
}

export interface S3Object {
  key: string;
  size: number;
  lastModified: Date;
  etag?: string;
}

/** Attempts the SDK makes for one request (the first and 3 retries); see the comment at the top. */
export const S3_MAX_ATTEMPTS = 4;

type Sdk = typeof import('@aws-sdk/client-s3');
let sdkLoading: Promise<Sdk> | undefined;
/** The AWS SDK is loaded on first use: ~45 ms of startup that spec, discover and REST-only reads never need. */
const sdk = (): Promise<Sdk> => (sdkLoading ??= import('@aws-sdk/client-s3').then(namedExports));
// Node gives a CommonJS package's named exports to import(); a chunk of the connector's bundle
// (scripts/bundle.mjs) gives only { default: module.exports }.
const namedExports = (m: Sdk): Sdk =>
  (m as { default?: Sdk }).default?.S3Client ? (m as unknown as { default: Sdk }).default : m;

/** An S3 client for one bucket's settings, created (and the SDK loaded) on its first request. */
export interface S3Connection {
  client(): Promise<S3Client>;
  /** Closes the client's sockets (a no-op when it was never used). */
  destroy(): void;
}

export function createS3Client(s: S3Settings): S3Connection {
  let client: Promise<S3Client> | undefined;
  return {
    client: () => (client ??= sdk().then(({ S3Client }) => new S3Client(s3Config(s)))),
    destroy: () =>
      void client?.then(
        (c) => c.destroy(),
        () => undefined,
      ),
  };
}

function s3Config(s: S3Settings): S3ClientConfig {
  return {
    region: s.region || 'us-east-1',
    maxAttempts: S3_MAX_ATTEMPTS,
    // a server that never answers fails the attempt (the SDK then retries it) instead of hanging
    requestHandler: { connectionTimeout: 10_000, requestTimeout: 120_000, throwOnRequestTimeout: true },
    // an endpoint override is a proxy, a local server or another provider: those want path-style URLs
    ...(s.endpoint ? { endpoint: s.endpoint, forcePathStyle: true } : {}),
    ...(s.aws_access_key_id && s.aws_secret_access_key
      ? { credentials: { accessKeyId: s.aws_access_key_id, secretAccessKey: s.aws_secret_access_key } }
      : {}),
  };
}

/** The object is gone (NoSuchKey): it was deleted after it was listed. The caller may skip it. */
export class S3ObjectGoneError extends ConnectorError {
  constructor(message: string) {
    super(message, { failureType: 'transient_error' });
    this.name = 'S3ObjectGoneError';
  }
}

/** Turns an SDK or network error into a ConnectorError that names what to fix. */
export function s3Error(err: unknown, s: S3Settings, action: string): ConnectorError {
  if (err instanceof ConnectorError) return err;
  const e = err as {
    name?: string;
    Code?: string;
    code?: string;
    message?: string;
    $metadata?: { httpStatusCode?: number };
  };
  const name = e.name ?? e.Code ?? e.code ?? '';
  const status = e.$metadata?.httpStatusCode;
  if (name === 'NoSuchBucket')
    return configError(
      `Bucket '${s.bucket}' was not found${s.endpoint ? ` at ${s.endpoint}` : ''}. Check 'bucket' (and 'region'/'endpoint').`,
    );
  if (name === 'PermanentRedirect' || name === 'AuthorizationHeaderMalformed' || status === 301) {
    return configError(
      `Bucket '${s.bucket}' is not in region '${s.region || 'us-east-1'}' (${name || 'HTTP 301'}). Set 'region' to the bucket's region${s.endpoint ? ` (or check 'endpoint')` : ''}.`,
    );
  }
  if (name === 'InvalidAccessKeyId' || name === 'SignatureDoesNotMatch')
    return configError(`S3 rejected the access keys (${name}). Check 'aws_access_key_id' and 'aws_secret_access_key'.`);
  if (name === 'RequestTimeTooSkewed')
    return configError(
      `S3 refused the request because this machine's clock differs too much from S3's (RequestTimeTooSkewed). Set the clock right (NTP); the config is not the cause.`,
    );
  if (name === 'AccessDenied' || status === 403)
    return configError(
      `Access denied to bucket '${s.bucket}' while trying to ${action} (${name || 'HTTP 403'}). Give the keys in 'aws_access_key_id' s3:ListBucket and s3:GetObject on it.`,
    );
  if (name === 'NoSuchKey')
    return new S3ObjectGoneError(
      `Object vanished while trying to ${action} (NoSuchKey): it was deleted after it was listed.`,
    );
  if (name === 'PreconditionFailed' || status === 412)
    return transientError(
      `The object changed while trying to ${action} (PreconditionFailed: its ETag is no longer the one first read); run the sync again.`,
    );
  if (name === 'InvalidRange' || status === 416)
    return systemError(`S3 refused the byte range asked while trying to ${action} (InvalidRange).`);
  const code =
    (err as { code?: string; cause?: { code?: string } }).code ?? (err as { cause?: { code?: string } }).cause?.code;
  if (code === 'ENOTFOUND' || code === 'ECONNREFUSED' || code === 'EAI_AGAIN') {
    return configError(
      `Cannot reach the S3 endpoint${s.endpoint ? ` '${s.endpoint}'` : ''} (${code}). Check 'endpoint' and 'region'.`,
    );
  }
  return transientError(`S3 failed to ${action}: ${name || e.message || String(err)}`);
}

/**
 * Lists every object under the prefix, page by page (one page of up to 1,000 keys in memory).
 * A page that says it is truncated but gives no continuation token, or a token that was already
 * sent, is an error: a partial listing read as the whole bucket would skip files, and a repeated
 * token would list the same keys for ever.
 */
export async function* listObjects(conn: S3Connection, s: S3Settings): AsyncGenerator<S3Object> {
  const where = `s3://${s.bucket}/${s.prefix ?? ''}`;
  const sent = new Set<string>();
  let token: string | undefined;
  for (let pageNo = 1; ; pageNo++) {
    let page;
    try {
      const [client, { ListObjectsV2Command }] = await Promise.all([conn.client(), sdk()]);
      page = await client.send(
        new ListObjectsV2Command({ Bucket: s.bucket, Prefix: s.prefix || undefined, ContinuationToken: token }),
      );
    } catch (err) {
      throw s3Error(err, s, `list ${where}`);
    }
    for (const o of page.Contents ?? []) {
      if (!o.Key || o.Key.endsWith('/')) continue;
      yield { key: o.Key, size: o.Size ?? 0, lastModified: o.LastModified ?? new Date(0), etag: o.ETag };
    }
    if (!page.IsTruncated) return;
    const next = page.NextContinuationToken;
    if (!next) {
      throw systemError(
        `Listing ${where} broke off at page ${pageNo}: the server said the listing is truncated (IsTruncated) but sent no NextContinuationToken, so the rest cannot be asked for. Check 'endpoint': an S3-compatible server or proxy that does not page as S3 does.`,
      );
    }
    if (sent.has(next)) {
      throw systemError(
        `Listing ${where} stopped at page ${pageNo}: the server sent a continuation token it had already sent, so it would list the same keys for ever. Check 'endpoint': an S3-compatible server or proxy that does not page as S3 does.`,
      );
    }
    sent.add(next);
    token = next;
  }
}

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

export { byDay, byKey, byLastModified, csvRows, fileStream, jsonRows, reject } from './files.js';
export type { ByDayOptions, CsvOptions, DatedFile, FileLedger, FileStreamDef, Parsed, Rejected } from './files.js';
