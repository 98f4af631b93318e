// The local S3 server for tests and the demo: s3rver (a real S3-protocol server) in a child process,
// behind a small front proxy on 127.0.0.1 that checks SigV4 signatures with the configured secret
// and injects S3 faults (SlowDown, InternalError, a connection dropped mid-object).
import http from 'node:http';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { verifySigV4, type Credentials } from './sigv4.js';
import { afterLatency } from '../replay/latency.js';

export interface S3Fault {
  kind: 'SlowDown' | 'InternalError' | 'drop';
  /** Only requests whose path (/bucket/key) matches. */
  match?: string;
  /** Only GetObject (default for drop) or every request. */
  method?: string;
  times?: number;
  after?: number;
}

export interface S3Server {
  endpoint: string;
  credentials: Credentials;
  region: string;
  close(): Promise<void>;
  addFault(f: S3Fault): void;
  clearFaults(): void;
  /** How many faults were injected since the server started. */
  faultsFired(): number;
  /** Uploads every file under dir as s3://<first folder>/<rest of path>. Returns the keys. */
  upload(dir: string): Promise<string[]>;
  put(bucket: string, key: string, body: string | Buffer): Promise<void>;
  createBucket(bucket: string): Promise<void>;
  client(): S3Client;
  /** Every request that arrived (uploads, refusals and faults too), in order of arrival. */
  requests: { method: string; path: string }[];
}

// the compiled child, whether this module runs from dist/ or (under vitest) from src/
const child = fileURLToPath(new URL('../../dist/s3/s3rver-child.js', import.meta.url));

export const DEFAULT_S3_CREDENTIALS: Credentials = {
  accessKeyId: 'AKIACONKITTEST',
  secretAccessKey: 'cOnKiT/s3+TeSt/SeCrEt+9d2fQx7Lm4Np2Rs8Vw',
};

function startChild(directory: string): Promise<{ proc: ChildProcess; port: number }> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['--openssl-legacy-provider', child, directory, '0'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    proc.once('error', reject);
    proc.stdout!.setEncoding('utf8').on('data', (d: string) => {
      const m = /ready (\d+)/.exec(d);
      if (m) resolve({ proc, port: Number(m[1]) });
    });
    proc.once('exit', (code) => reject(new Error(`s3rver exited early (${code})`)));
  });
}

const errorXml = (code: string, message: string): string =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message><RequestId>conkit-local</RequestId></Error>`;

export async function startS3Server(
  opts: {
    credentials?: Credentials;
    region?: string;
    fixtures?: string;
    /** Every response (listings, GetObject, errors, uploads) leaves at least this many ms after its request arrived. */
    latencyMs?: number;
  } = {},
): Promise<S3Server> {
  const creds = opts.credentials ?? DEFAULT_S3_CREDENTIALS;
  const region = opts.region ?? 'us-east-1';
  const directory = mkdtempSync(join(tmpdir(), 's3rver-'));
  const { proc, port: backend } = await startChild(directory);
  const faults: (S3Fault & { left: number; skip: number })[] = [];
  const requests: { method: string; path: string }[] = [];
  let fired = 0;

  const proxy = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const headers = Object.fromEntries(
      Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : String(v ?? '')]),
    );
    requests.push({ method: req.method ?? 'GET', path: url.pathname });
    const serve = async (): Promise<void> => {
      const verdict = await verifySigV4(
        { method: req.method ?? 'GET', path: url.pathname, query: Object.fromEntries(url.searchParams), headers },
        creds,
      );
      if (!verdict.ok) {
        res
          .writeHead(verdict.code === 'AccessDenied' ? 403 : 403, { 'content-type': 'application/xml' })
          .end(errorXml(verdict.code, verdict.message));
        req.resume();
        return;
      }
      const candidate = faults.find(
        (f) =>
          f.left > 0 &&
          (!f.match || new RegExp(f.match).test(url.pathname)) &&
          (!f.method || f.method === req.method) &&
          (f.kind !== 'drop' || req.method === 'GET'),
      );
      let fault: typeof candidate;
      if (candidate && candidate.skip > 0) candidate.skip--;
      else if (candidate) {
        fault = candidate;
        fault.left--;
        fired++;
        if (fault.kind !== 'drop') {
          const status = fault.kind === 'SlowDown' ? 503 : 500;
          res
            .writeHead(status, { 'content-type': 'application/xml' })
            .end(
              errorXml(
                fault.kind,
                fault.kind === 'SlowDown'
                  ? 'Please reduce your request rate.'
                  : 'We encountered an internal error. Please try again.',
              ),
            );
          req.resume();
          return;
        }
      }
      // s3rver knows only its own account: present the verified request under its key id
      headers.authorization = headers.authorization.replace(/Credential=[^/]+\//, 'Credential=S3RVER/');
      const upstream = http.request(
        { host: '127.0.0.1', port: backend, method: req.method, path: req.url, headers },
        (up) => {
          res.writeHead(up.statusCode ?? 500, up.headers);
          if (fault?.kind === 'drop') {
            let sent = 0;
            const limit = Math.max(1, Math.floor(Number(up.headers['content-length'] ?? 2) / 2));
            up.on('data', (c: Buffer) => {
              if (sent >= limit) return;
              res.write(c.subarray(0, limit - sent));
              sent += c.length;
              if (sent >= limit) {
                up.destroy();
                setTimeout(() => res.socket?.destroy(), 10);
              }
            });
            return;
          }
          up.pipe(res);
        },
      );
      upstream.on('error', () => res.destroy());
      req.pipe(upstream);
    };
    afterLatency(opts.latencyMs, () => void serve());
  });
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
  const endpoint = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  const client = (): S3Client =>
    new S3Client({ region, endpoint, forcePathStyle: true, credentials: creds, maxAttempts: 1 });
  const sdk = client();
  const buckets = new Set<string>();

  const server: S3Server = {
    endpoint,
    credentials: creds,
    region,
    requests,
    client,
    addFault: (f) => void faults.push({ ...f, left: f.times ?? 1, skip: f.after ?? 0 }),
    clearFaults: () => void faults.splice(0),
    faultsFired: () => fired,
    createBucket: async (bucket) => {
      if (buckets.has(bucket)) return;
      await sdk.send(new CreateBucketCommand({ Bucket: bucket }));
      buckets.add(bucket);
    },
    put: async (bucket, key, body) => {
      await server.createBucket(bucket);
      await sdk.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
    },
    upload: async (dir) => {
      const keys: string[] = [];
      const walk = async (p: string): Promise<void> => {
        for (const f of readdirSync(p).sort()) {
          const full = join(p, f);
          if (statSync(full).isDirectory()) await walk(full);
          else {
            const [bucket, ...rest] = relative(dir, full).split(sep);
            if (!rest.length) continue;
            await server.put(bucket, rest.join('/'), readFileSync(full));
            keys.push(`${bucket}/${rest.join('/')}`);
          }
        }
      };
      await walk(dir);
      return keys;
    },
    close: async () => {
      sdk.destroy();
      await new Promise<void>((r) => {
        proxy.closeAllConnections();
        proxy.close(() => r());
      });
      proc.kill('SIGTERM');
      await new Promise((r) => setTimeout(r, 50));
      if (proc.exitCode === null) proc.kill('SIGKILL');
      rmSync(directory, { recursive: true, force: true });
    },
  };
  if (opts.fixtures) await server.upload(opts.fixtures);
  return server;
}
