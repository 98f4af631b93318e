// The kit's S3 layer against the real local S3 server (s3rver behind the harness's SigV4-checking
// proxy) through the real AWS SDK. Where a test needs S3's documented answers that s3rver does not
// give (a 301 for a wrong region, 412 for a failed If-Match, 416 for a Range on an empty object) or
// a misbehaving S3-compatible (a listing without its token, a Range ignored), a small HTTP proxy
// in front of it shapes the answer; every request still goes over a socket. Facts: WIRE.md of
// connectors/source-conversions-s3.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeAll, expect } from 'vitest';
import { startS3Server, type S3Server } from '../../../acceptance-tests/src/s3/server.js';
import { ConnectorError } from '../../src/errors.js';
import { createS3Client, listObjects, type S3Connection, type S3Object, type S3Settings } from '../../src/s3.js';

interface Seen {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
}
export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  cut?: 'drop' | 'stall';
}
interface Shape {
  request?(r: Seen): Answer | undefined | Promise<Answer | undefined>;
  response?(r: Seen, upstream: Answer): Answer | undefined | Promise<Answer | undefined>;
}
interface Proxy {
  endpoint: string;
  seen: Seen[];
  socketsClosed: () => number;
  close(): Promise<void>;
}

export const errorXml = (status: number, code: string): Answer => ({
  status,
  headers: { 'content-type': 'application/xml' },
  body: Buffer.from(
    `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${code}</Message><RequestId>wire-test</RequestId></Error>`,
  ),
});

/** An HTTP proxy in front of the harness's S3 server that can answer, or reshape an answer. */
async function startProxy(upstream: string, shape: Shape = {}): Promise<Proxy> {
  const up = new URL(upstream);
  const seen: Seen[] = [];
  let closedEarly = 0; // client connections closed (a keep-alive connection stays open otherwise)
  const server = http.createServer((req, res) => {
    void (async () => {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const url = new URL(req.url ?? '/', 'http://x');
      const r: Seen = {
        method: req.method ?? 'GET',
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
      };
      seen.push(r);
      let answer = await shape.request?.(r);
      if (!answer) {
        const fromUpstream = await new Promise<Answer>((resolve, reject) => {
          const fwd = http.request(
            { host: up.hostname, port: up.port, method: req.method, path: req.url, headers: req.headers },
            (u) => {
              const body: Buffer[] = [];
              u.on('data', (c: Buffer) => body.push(c))
                .on('end', () =>
                  resolve({ status: u.statusCode ?? 500, headers: u.headers, body: Buffer.concat(body) }),
                )
                .on('error', reject);
            },
          );
          fwd.on('error', reject).end(Buffer.concat(chunks));
        });
        answer = (await shape.response?.(r, fromUpstream)) ?? fromUpstream;
      }
      const headers = Object.fromEntries(
        Object.entries(answer.headers).filter(([k, v]) => v !== undefined && k !== 'transfer-encoding'),
      );
      headers['content-length'] = String(answer.body.length);
      req.socket.once('close', () => void closedEarly++);
      res.writeHead(answer.status, headers);
      if (!answer.cut) return void res.end(answer.body);
      res.write(answer.body.subarray(0, Math.floor(answer.body.length / 2)));
      if (answer.cut === 'drop') setTimeout(() => res.socket?.destroy(), 10);
    })().catch(() => res.destroy());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  let closed: Promise<void> | undefined;
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    socketsClosed: () => closedEarly,
    close: () =>
      (closed ??= new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      })),
  };
}

export const text = async (r: NodeJS.ReadableStream): Promise<string> => {
  const c: Buffer[] = [];
  for await (const x of r) c.push(x as Buffer);
  return Buffer.concat(c).toString('utf8');
};
export const failure = async (p: Promise<unknown>): Promise<ConnectorError> => {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(ConnectorError);
  return e as ConnectorError;
};
export const lines = (n: number, tag = 'v1'): string =>
  Array.from({ length: n }, (_, i) => `https://www.example.com/${tag}/${i},2020-09-22,organic,1,10\n`).join('');

/**
 * One S3 server per test, for the file that calls this: `startS3` starts it, `startProxy` puts a
 * proxy in front of it, `connect` (and `list`, through it) opens the connection `conn` names; all
 * are closed after each test. Retries wait 10 ms.
 */
export function s3PerTest() {
  let s3: S3Server | undefined;
  let conn: S3Connection | undefined;
  const proxies: Proxy[] = [];
  beforeAll(() => void (process.env.CONKIT_RETRY_BASE_MS = '10'));
  afterEach(async () => {
    conn?.destroy();
    for (const p of proxies.splice(0)) await p.close();
    await s3?.close();
    [s3, conn] = [undefined, undefined];
  });
  const connect = (s: S3Settings): S3Connection => {
    conn?.destroy();
    return (conn = createS3Client(s));
  };
  return {
    /** The connection `connect` opened last. */
    get conn(): S3Connection {
      return conn!;
    },
    startS3: async (): Promise<S3Server> => (s3 = await startS3Server()),
    startProxy: async (upstream: string, shape?: Shape): Promise<Proxy> => {
      const p = await startProxy(upstream, shape);
      proxies.push(p);
      return p;
    },
    settings: (endpoint: string, extra: Partial<S3Settings> = {}): S3Settings => ({
      bucket: 'bkt',
      endpoint,
      aws_access_key_id: s3!.credentials.accessKeyId,
      aws_secret_access_key: s3!.credentials.secretAccessKey,
      ...extra,
    }),
    connect,
    list: async (s: S3Settings, cap = 10_000): Promise<S3Object[]> => {
      const out: S3Object[] = [];
      for await (const o of listObjects(connect(s), s))
        if (out.push(o) > cap) throw new Error(`listing ran past ${cap} objects`);
      return out;
    },
  };
}
