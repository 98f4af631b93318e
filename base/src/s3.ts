// S3 access for file-based streams, over the real AWS SDK: list a prefix page by page, and open an
// object as a stream that survives a dropped connection by resuming with a Range request.
// Errors are translated into what the user must fix: the bucket, the keys, or the endpoint.
import type { S3Client, S3ClientConfig } from '@aws-sdk/client-s3';
import { Readable, PassThrough } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { ConnectorError, configError, transientError } from './errors.js';
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

export interface S3Object { key: string; size: number; lastModified: Date; etag?: string }

type Sdk = typeof import('@aws-sdk/client-s3');
let sdkLoading: Promise<Sdk> | undefined;
/** The AWS SDK is loaded on first use: ~45 ms of startup that spec, discover and REST-only reads never need. */
const sdk = (): Promise<Sdk> => (sdkLoading ??= import('@aws-sdk/client-s3').then(namedExports));
// Node gives a CommonJS package's named exports to import(); a chunk of the connector's bundle
// (scripts/bundle.mjs) gives only { default: module.exports }.
const namedExports = (m: Sdk): Sdk => (m as { default?: Sdk }).default?.S3Client ? (m as unknown as { default: Sdk }).default : m;

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
    destroy: () => void client?.then((c) => c.destroy(), () => undefined),
  };
}

function s3Config(s: S3Settings): S3ClientConfig {
  return {
    region: s.region || 'us-east-1',
    maxAttempts: 6,
    // an endpoint override is a proxy, a local server or another provider: those want path-style URLs
    ...(s.endpoint ? { endpoint: s.endpoint, forcePathStyle: true } : {}),
    ...(s.aws_access_key_id && s.aws_secret_access_key
      ? { credentials: { accessKeyId: s.aws_access_key_id, secretAccessKey: s.aws_secret_access_key } }
      : {}),
  };
}

/** Turns an SDK or network error into a ConnectorError that names what to fix. */
export function s3Error(err: unknown, s: S3Settings, action: string): ConnectorError {
  if (err instanceof ConnectorError) return err;
  const e = err as { name?: string; Code?: string; code?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  const name = e.name ?? e.Code ?? e.code ?? '';
  const status = e.$metadata?.httpStatusCode;
  if (name === 'NoSuchBucket') return configError(`Bucket '${s.bucket}' was not found${s.endpoint ? ` at ${s.endpoint}` : ''}. Check 'bucket' (and 'region'/'endpoint').`);
  if (['InvalidAccessKeyId', 'SignatureDoesNotMatch'].includes(name)) return configError(`S3 rejected the access keys (${name}). Check 'aws_access_key_id' and 'aws_secret_access_key'.`);
  if (name === 'AccessDenied' || status === 403) return configError(`Access denied to bucket '${s.bucket}' while trying to ${action}. Give the keys s3:ListBucket and s3:GetObject on it.`);
  if (name === 'NoSuchKey') return transientError(`Object vanished while trying to ${action}; run the sync again.`);
  const code = (err as { code?: string; cause?: { code?: string } }).code ?? (err as { cause?: { code?: string } }).cause?.code;
  if (code === 'ENOTFOUND' || code === 'ECONNREFUSED' || code === 'EAI_AGAIN') {
    return configError(`Cannot reach the S3 endpoint${s.endpoint ? ` '${s.endpoint}'` : ''} (${code}). Check 'endpoint' and 'region'.`);
  }
  return transientError(`S3 failed to ${action}: ${name || e.message || String(err)}`);
}

/** Lists every object under the prefix, page by page (never the whole listing in memory). */
export async function* listObjects(conn: S3Connection, s: S3Settings): AsyncGenerator<S3Object> {
  let token: string | undefined;
  do {
    let page;
    try {
      const [client, { ListObjectsV2Command }] = await Promise.all([conn.client(), sdk()]);
      page = await client.send(new ListObjectsV2Command({ Bucket: s.bucket, Prefix: s.prefix || undefined, ContinuationToken: token }));
    } catch (err) {
      throw s3Error(err, s, `list s3://${s.bucket}/${s.prefix ?? ''}`);
    }
    for (const o of page.Contents ?? []) {
      if (!o.Key || o.Key.endsWith('/')) continue;
      yield { key: o.Key, size: o.Size ?? 0, lastModified: o.LastModified ?? new Date(0), etag: o.ETag };
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
}

export interface OpenOptions { gunzip?: boolean | 'auto'; retries?: number; log?: Logger; range?: { end: number } }

/**
 * Opens an object as a byte stream. When the connection drops mid-body, it asks again from the
 * first byte not yet delivered (pinned to the same ETag), so the consumer sees every byte once.
 */
export function openObject(conn: S3Connection, s: S3Settings, obj: Pick<S3Object, 'key'> & { etag?: string }, opts: OpenOptions = {}): Readable {
  const retries = opts.retries ?? 5;
  const raw = new PassThrough();
  const pump = async (): Promise<void> => {
    let offset = 0;
    for (let attempt = 1; ; attempt++) {
      try {
        const range = opts.range ? `bytes=${offset}-${opts.range.end}` : offset > 0 ? `bytes=${offset}-` : undefined;
        const [client, { GetObjectCommand }] = await Promise.all([conn.client(), sdk()]);
        const res = await client.send(new GetObjectCommand({ Bucket: s.bucket, Key: obj.key, Range: range, IfMatch: offset > 0 ? obj.etag : undefined }));
        const body = res.Body as Readable;
        for await (const chunk of body) {
          offset += (chunk as Buffer).length;
          if (!raw.write(chunk)) await new Promise((r) => raw.once('drain', r));
        }
        raw.end();
        return;
      } catch (err) {
        const translated = s3Error(err, s, `read s3://${s.bucket}/${obj.key}`);
        if (translated.failureType === 'config_error' || attempt > retries) throw translated;
        const delay = backoffMs(attempt, Number(process.env.CONKIT_RETRY_BASE_MS ?? 1000), 30_000);
        opts.log?.warn(`Reading s3://${s.bucket}/${obj.key} broke off at byte ${offset} (${(err as Error).message}); resuming in ${(delay / 1000).toFixed(1)} s`);
        await sleep(delay);
      }
    }
  };
  pump().catch((err) => raw.destroy(err as Error));
  const gz = opts.gunzip === true || ((opts.gunzip ?? 'auto') === 'auto' && /\.gz$/i.test(obj.key));
  if (!gz) return raw;
  const gunzip = createGunzip();
  raw.on('error', (e) => gunzip.destroy(e));
  return raw.pipe(gunzip);
}

/** Reads the first bytes of an object (for check). */
export async function readHead(conn: S3Connection, s: S3Settings, key: string, bytes = 1024): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of openObject(conn, s, { key }, { gunzip: false, retries: 1, range: { end: bytes - 1 } })) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}
export const S3_MAX_ATTEMPTS = 4;
export class S3ObjectGoneError extends ConnectorError {}
