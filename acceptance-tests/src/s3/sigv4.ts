// Verifies AWS Signature V4 on requests to the local S3 server. s3rver checks only the access key
// id, so without this a wrong secret would pass; here the signature is recomputed with the known
// secret (@smithy/signature-v4, the signer the AWS SDK itself uses) and compared.
import { SignatureV4 } from '@smithy/signature-v4';
import { Sha256 } from '@aws-crypto/sha256-js';

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
}

const AUTH =
  /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/s3\/aws4_request,\s*SignedHeaders=([^,]+),\s*Signature=([0-9a-f]+)$/;

export type Verdict =
  { ok: true } | { ok: false; code: 'InvalidAccessKeyId' | 'SignatureDoesNotMatch' | 'AccessDenied'; message: string };

export async function verifySigV4(
  req: { method: string; path: string; query: Record<string, string>; headers: Record<string, string> },
  creds: Credentials,
): Promise<Verdict> {
  const m = AUTH.exec(req.headers.authorization ?? '');
  if (!m) return { ok: false, code: 'AccessDenied', message: 'Request is not signed with AWS Signature V4' };
  const [, keyId, , region, signedHeaders, signature] = m;
  if (keyId !== creds.accessKeyId)
    return {
      ok: false,
      code: 'InvalidAccessKeyId',
      message: 'The AWS Access Key Id you provided does not exist in our records.',
    };
  const names = signedHeaders.split(';');
  const headers: Record<string, string> = {};
  for (const n of names) if (req.headers[n] !== undefined) headers[n] = req.headers[n];
  const signer = new SignatureV4({
    credentials: creds,
    region,
    service: 's3',
    sha256: Sha256,
    uriEscapePath: false,
    applyChecksum: false,
  });
  const amzDate = req.headers['x-amz-date'];
  const signingDate = new Date(
    `${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 8)}T${amzDate.slice(9, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13, 15)}Z`,
  );
  const [hostname, port] = (req.headers.host ?? '127.0.0.1').split(':');
  const signed = await signer.sign(
    {
      method: req.method,
      protocol: 'http:',
      hostname,
      port: port ? Number(port) : undefined,
      path: req.path,
      query: req.query,
      headers,
    },
    { signingDate, signableHeaders: new Set(names), unsignableHeaders: new Set() },
  );
  const expected = /Signature=([0-9a-f]+)/.exec(
    String(signed.headers.authorization ?? signed.headers.Authorization),
  )?.[1];
  if (expected !== signature)
    return {
      ok: false,
      code: 'SignatureDoesNotMatch',
      message:
        'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
    };
  return { ok: true };
}
