// @conkit/base/s3: S3 access for file-based streams, over the real AWS SDK. The client and listing
// (s3-client.ts), errors that name what to fix (s3-errors.ts), objects opened as streams that resume
// (s3-object.ts), and file streams declared on them (files.ts, rows.ts).
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
export {
  S3_MAX_ATTEMPTS,
  createS3Client,
  listObjects,
  withS3,
  type S3Connection,
  type S3Object,
  type S3Settings,
} from './s3-client.js';
export { S3ObjectGoneError, s3Error } from './s3-errors.js';
export { openObject, readHead, type OpenOptions } from './s3-object.js';
export { byDay, byKey, byLastModified, fileStream, reject } from './files.js';
export type { ByDayOptions, DatedFile, FileLedger, FileStreamDef, Rejected } from './files.js';
export { csvParse, csvRows, jsonRows, type CsvOptions, type Parsed } from './rows.js';
