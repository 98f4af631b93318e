// S3's answers translated into what the user must fix: the bucket, the region, the keys, the clock,
// the endpoint; an object deleted after it was listed is its own error, which a file stream may skip.
import { ConnectorError, configError, systemError, transientError } from './errors.js';
import type { S3Settings } from './s3-client.js';

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
