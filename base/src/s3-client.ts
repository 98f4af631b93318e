// The S3 client of a file stream's run and the listing: the AWS SDK loaded and the client made on
// the first request, closed by destroy(); a prefix listed page by page. Who retries what: s3.ts.
import type { S3Client, S3ClientConfig } from '@aws-sdk/client-s3';
import { systemError } from './errors.js';
import { s3Error } from './s3-errors.js';
import { currentPool, inSlot } from './pool.js';

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
export const sdk = (): Promise<Sdk> => (sdkLoading ??= import('@aws-sdk/client-s3').then(namedExports));
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
    client: () => (client ??= sdk().then(({ S3Client }) => inRunPool(new S3Client(s3Config(s))))),
    destroy: () =>
      void client?.then(
        (c) => c.destroy(),
        () => undefined,
      ),
  };
}

/**
 * Runs `fn` with a client for one bucket's settings, closed in `finally`; an SDK error becomes the
 * kit's S3 error for `what` (naming the bucket, the fix and the config field), as for streams.
 */
export async function withS3<T>(s: S3Settings, what: string, fn: (conn: S3Connection) => Promise<T>): Promise<T> {
  const conn = createS3Client(s);
  try {
    return await fn(conn);
  } catch (e) {
    throw s3Error(e, s, what);
  } finally {
    conn.destroy();
  }
}

/** S3's throttling answer: the SDK retries it; the kit also holds back the run's other requests. */
const THROTTLE_PAUSE_MS = 500;
const isThrottle = (e: unknown): boolean => {
  const err = e as { name?: string; $metadata?: { httpStatusCode?: number } };
  return err.name === 'SlowDown' || err.$metadata?.httpStatusCode === 503 || err.$metadata?.httpStatusCode === 429;
};

/**
 * Each attempt the SDK sends takes one of the run's request slots (pool.ts), like HTTP and SOAP
 * attempts; the SDK's own waits between attempts hold none. A throttling answer pauses the run.
 */
function inRunPool(client: S3Client): S3Client {
  client.middlewareStack.add(
    (next) => (args) =>
      inSlot(async () => {
        try {
          return await next(args);
        } catch (e) {
          if (isThrottle(e)) currentPool()?.pause(THROTTLE_PAUSE_MS);
          throw e;
        }
      }),
    { step: 'deserialize', name: 'conkitRequestSlot' },
  );
  return client;
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
