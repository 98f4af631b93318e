// The kit's S3 layer against the real local S3 server (s3rver behind the harness's SigV4-checking
// proxy) through the real AWS SDK. Where a test needs S3's documented answers that s3rver does not
// give (a 301 for a wrong region, 412 for a failed If-Match, 416 for a Range on an empty object) or
// a misbehaving S3-compatible (a listing without its token, a Range ignored), a small HTTP proxy
// in front of it shapes the answer; every request still goes over a socket. Facts: WIRE.md of
// connectors/source-conversions-s3.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startS3Server, type S3Server } from '../../acceptance-tests/src/s3/server.js';
import { ConnectorError } from '../src/errors.js';
import type { Logger } from '../src/log.js';
import {
  S3_MAX_ATTEMPTS,
  S3ObjectGoneError,
  createS3Client,
  listObjects,
  openObject,
  readHead,
  type S3Connection,
  type S3Object,
  type S3Settings,
} from '../src/s3.js';

beforeAll(() => void (process.env.CONKIT_RETRY_BASE_MS = '10'));

interface Seen {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
}
interface Answer {
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

const errorXml = (status: number, code: string): Answer => ({
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
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    socketsClosed: () => closedEarly,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

let s3: S3Server | undefined;
let proxy: Proxy | undefined;
let conn: S3Connection | undefined;
afterEach(async () => {
  conn?.destroy();
  await proxy?.close();
  await s3?.close();
  [s3, proxy, conn] = [undefined, undefined, undefined];
});

const settings = (endpoint: string, extra: Partial<S3Settings> = {}): S3Settings => ({
  bucket: 'bkt',
  endpoint,
  aws_access_key_id: s3!.credentials.accessKeyId,
  aws_secret_access_key: s3!.credentials.secretAccessKey,
  ...extra,
});
const connect = (s: S3Settings): S3Connection => {
  conn?.destroy();
  return (conn = createS3Client(s));
};
const text = async (r: NodeJS.ReadableStream): Promise<string> => {
  const c: Buffer[] = [];
  for await (const x of r) c.push(x as Buffer);
  return Buffer.concat(c).toString('utf8');
};
const list = async (s: S3Settings, cap = 10_000): Promise<S3Object[]> => {
  const out: S3Object[] = [];
  for await (const o of listObjects(connect(s), s))
    if (out.push(o) > cap) throw new Error(`listing ran past ${cap} objects`);
  return out;
};
const failure = async (p: Promise<unknown>): Promise<ConnectorError> => {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(ConnectorError);
  return e as ConnectorError;
};
const warnings: string[] = [];
const log = { debug() {}, info() {}, error() {}, warn: (m: string) => void warnings.push(m) } as Logger;
const lines = (n: number, tag = 'v1'): string =>
  Array.from({ length: n }, (_, i) => `https://www.example.com/${tag}/${i},2020-09-22,organic,1,10\n`).join('');

describe('kit S3: one retry owner', () => {
  it(`a persistent SlowDown or InternalError costs exactly ${S3_MAX_ATTEMPTS} requests (the SDK's attempts), then a transient_error; the kit adds none`, async () => {
    s3 = await startS3Server();
    await s3.put('bkt', 'obj.csv', lines(3));
    for (const kind of ['SlowDown', 'InternalError'] as const) {
      const s = settings(s3.endpoint);
      s3.addFault({ kind, times: 1000, match: 'obj.csv' });
      const before = s3.requests.length;
      const err = await failure(text(openObject(connect(s), s, { key: 'obj.csv' })));
      expect(err.failureType).toBe('transient_error');
      expect(err.message).toContain(kind);
      expect(s3.requests.length - before).toBe(S3_MAX_ATTEMPTS);
      s3.clearFaults();
      s3.addFault({ kind, times: 1000, method: 'GET' });
      const listed = s3.requests.length;
      expect((await failure(list(s))).failureType).toBe('transient_error');
      expect(s3.requests.length - listed).toBe(S3_MAX_ATTEMPTS);
      s3.clearFaults();
    }
  }, 60_000);

  it('client errors are not retried: NoSuchKey is one request and a distinct "vanished" error', async () => {
    s3 = await startS3Server();
    await s3.createBucket('bkt');
    const s = settings(s3.endpoint);
    const before = s3.requests.length;
    const err = await failure(text(openObject(connect(s), s, { key: 'gone.csv' })));
    expect(err).toBeInstanceOf(S3ObjectGoneError);
    expect(err.message).toMatch(/vanished .*NoSuchKey/);
    expect(s3.requests.length - before).toBe(1);
  });

  it('a wrong region (301 PermanentRedirect), AccessDenied, bad keys and a missing bucket are config_errors naming the field, asked once', async () => {
    s3 = await startS3Server();
    await s3.put('bkt', 'a-2020-09-22.csv', lines(1));
    for (const [code, status, field] of [
      ['PermanentRedirect', 301, "'region'"],
      ['AuthorizationHeaderMalformed', 400, "'region'"],
      ['AccessDenied', 403, "'aws_access_key_id'"],
    ] as const) {
      proxy = await startProxy(s3.endpoint, { request: () => errorXml(status, code) });
      const err = await failure(list(settings(proxy.endpoint, { region: 'eu-west-3' })));
      expect([code, err.failureType]).toEqual([code, 'config_error']);
      expect(err.message).toContain(field);
      expect(proxy.seen.length).toBe(1);
      await proxy.close();
      proxy = undefined;
    }
    const named = async (extra: Partial<S3Settings>) => {
      const before = s3!.requests.length;
      const e = await failure(list(settings(s3!.endpoint, extra)));
      return [e.failureType, e.message, s3!.requests.length - before];
    };
    expect(await named({ aws_access_key_id: 'AKIAWRONGKEY' })).toEqual([
      'config_error',
      expect.stringMatching(/InvalidAccessKeyId.*'aws_access_key_id'/),
      1,
    ]);
    expect(await named({ aws_secret_access_key: 'wrong/secret' })).toEqual([
      'config_error',
      expect.stringMatching(/SignatureDoesNotMatch.*'aws_secret_access_key'/),
      1,
    ]);
    expect(await named({ bucket: 'nope' })).toEqual([
      'config_error',
      expect.stringMatching(/Bucket 'nope' was not found.*'bucket'/),
      1,
    ]);
  });
});

describe('kit S3: listing', () => {
  it("pages through more than 1,000 keys with S3's continuation tokens", async () => {
    s3 = await startS3Server();
    await s3.createBucket('bkt');
    for (let i = 0; i < 1005; i += 67)
      await Promise.all(
        Array.from({ length: Math.min(67, 1005 - i) }, (_, j) =>
          s3!.put('bkt', `p/${String(i + j).padStart(4, '0')}.csv`, 'x'),
        ),
      );
    const keys = (await list(settings(s3.endpoint, { prefix: 'p/' }))).map((o) => o.key);
    expect(new Set(keys).size).toBe(1005);
    expect(s3.requests.filter((r) => r.method === 'GET').length).toBeGreaterThanOrEqual(2);
  }, 60_000);

  it('a truncated page without a NextContinuationToken is an error, not the end of the listing', async () => {
    s3 = await startS3Server();
    await s3.put('bkt', 'a-2020-09-22.csv', lines(1));
    proxy = await startProxy(s3.endpoint, {
      response: (r, a) =>
        r.query.get('list-type') === '2'
          ? {
              ...a,
              body: Buffer.from(
                a.body
                  .toString()
                  .replace(/<IsTruncated>false<\/IsTruncated>/, '<IsTruncated>true</IsTruncated>')
                  .replace(/<NextContinuationToken>.*?<\/NextContinuationToken>/, ''),
              ),
            }
          : undefined,
    });
    const err = await failure(list(settings(proxy.endpoint)));
    expect(err.failureType).toBe('system_error');
    expect(err.message).toMatch(/truncated \(IsTruncated\) but sent no NextContinuationToken/);
  });

  it('a continuation token sent twice is an error, never an endless listing', async () => {
    s3 = await startS3Server();
    await s3.put('bkt', 'a-2020-09-22.csv', lines(1));
    let first: Answer | undefined;
    proxy = await startProxy(s3.endpoint, {
      request: (r) => (r.query.get('list-type') === '2' && first ? first : undefined),
      response: (r, a) => {
        if (r.query.get('list-type') !== '2') return undefined;
        const body = a.body
          .toString()
          .replace(
            /<IsTruncated>false<\/IsTruncated>/,
            '<IsTruncated>true</IsTruncated><NextContinuationToken>same-token</NextContinuationToken>',
          );
        return (first = { ...a, body: Buffer.from(body) });
      },
    });
    const err = await failure(list(settings(proxy.endpoint), 50));
    expect(err.message).toMatch(/continuation token it had already sent/);
    expect(proxy.seen.length).toBe(2);
  });
});

/**
 * `key` (`count` lines) on a fresh S3 server behind a proxy that hands each answer for it, with its
 * number, to `reshape`; `answers()` counts them.
 */
async function behindProxy(key: string, count: number, reshape: (n: number, a: Answer) => Answer | undefined) {
  s3 = await startS3Server();
  const want = lines(count);
  await s3.put('bkt', key, want);
  let n = 0;
  proxy = await startProxy(s3.endpoint, { response: (r, a) => (r.path.endsWith(key) ? reshape(++n, a) : undefined) });
  return { want, s: settings(proxy.endpoint), answers: () => n };
}
/** Cuts the first answer (drops or stalls it mid-body), passes the rest. */
const cutFirst = (cut: 'drop' | 'stall') => (n: number, a: Answer) => (n === 1 ? { ...a, cut } : undefined);

describe('kit S3: resumed reads', () => {
  it('resumes a dropped body with Range and If-Match on the listed ETag, every byte once', async () => {
    const { want, s } = await behindProxy('big.csv', 5000, cutFirst('drop'));
    const [obj] = await list(s);
    expect(await text(openObject(conn!, s, obj, { log }))).toBe(want);
    const gets = proxy!.seen.filter((r) => r.path.endsWith('big.csv'));
    expect(gets.map((g) => [g.headers['if-match'], g.headers.range?.replace(/\d+/, 'N')])).toEqual([
      [obj.etag, undefined],
      [obj.etag, 'bytes=N-'],
    ]);
  });

  it('a server that ignores Range on the resume (200, whole object): the bytes already read are skipped, not repeated', async () => {
    const { want, s, answers } = await behindProxy('big.csv', 5000, (n, a) =>
      n === 1
        ? { ...a, cut: 'drop' }
        : // as a proxy that drops Range would: the whole object, 200, no Content-Range
          { status: 200, headers: { ...a.headers, 'content-range': undefined }, body: Buffer.from(lines(5000)) },
    );
    warnings.length = 0;
    expect(await text(openObject(connect(s), s, { key: 'big.csv' }, { log }))).toBe(want);
    expect(answers()).toBe(2);
    expect(warnings.join('\n')).toMatch(/ignored the Range .* skipping the bytes already read/);
  });

  it('an object replaced before its resume: 412 PreconditionFailed (as S3 answers a failed If-Match) fails the read once, not stitched, not retried', async () => {
    s3 = await startS3Server();
    await s3.put('bkt', 'big.csv', lines(5000));
    let n = 0;
    proxy = await startProxy(s3.endpoint, {
      request: async (r) => {
        if (!r.path.endsWith('big.csv') || ++n !== 2) return undefined;
        await s3!.put('bkt', 'big.csv', lines(5000, 'v2'));
        return undefined;
      },
      response: (r, a) => {
        if (!r.path.endsWith('big.csv')) return undefined;
        if (n === 1) return { ...a, cut: 'drop' };
        return r.headers['if-match'] && r.headers['if-match'] !== a.headers.etag
          ? errorXml(412, 'PreconditionFailed')
          : undefined;
      },
    });
    const s = settings(proxy.endpoint);
    const err = await failure(text(openObject(connect(s), s, { key: 'big.csv' })));
    expect([err.failureType, err.message]).toEqual([
      'transient_error',
      expect.stringMatching(/changed while .*PreconditionFailed/),
    ]);
    expect(n).toBe(2);
  });

  it('an object replaced between listing and reading (a server that ignores If-Match): the read fails, the newer version is not read under the listed date', async () => {
    s3 = await startS3Server();
    await s3.put('bkt', 'day-2020-09-22.csv', lines(3));
    const s = settings(s3.endpoint);
    const [obj] = await list(s);
    await s3.put('bkt', 'day-2020-09-22.csv', lines(4, 'v2'));
    const err = await failure(text(openObject(conn!, s, obj)));
    expect(err.message).toMatch(/changed while being read \(ETag .* as listed\)/);
  });

  it('a body that goes silent mid-object is resumed after idleTimeoutMs', async () => {
    const { want, s, answers } = await behindProxy('slow.csv', 2000, cutFirst('stall'));
    expect(await text(openObject(connect(s), s, { key: 'slow.csv' }, { idleTimeoutMs: 300 }))).toBe(want);
    expect(answers()).toBe(2);
  }, 20_000);

  it('destroying the stream midway stops the download and closes its connection', async () => {
    s3 = await startS3Server();
    await s3.put('bkt', 'huge.csv', lines(200_000));
    proxy = await startProxy(s3.endpoint);
    const s = settings(proxy.endpoint);
    const stream = openObject(connect(s), s, { key: 'huge.csv' });
    await new Promise((r) => stream.once('data', r));
    stream.destroy();
    for (let i = 0; i < 50 && proxy.socketsClosed() === 0; i++) await new Promise((r) => setTimeout(r, 50));
    expect(proxy.socketsClosed()).toBe(1);
  });
});

describe('kit S3: encodings and heads', () => {
  it('gunzips an object stored with Content-Encoding: gzip whatever its key', async () => {
    s3 = await startS3Server();
    await s3.createBucket('bkt');
    const want = lines(10);
    const put = s3.client();
    await put.send(
      new PutObjectCommand({
        Bucket: 'bkt',
        Key: 'conv-2020-09-22.csv',
        Body: gzipSync(want),
        ContentEncoding: 'gzip',
      }),
    );
    put.destroy();
    const s = settings(s3.endpoint);
    expect(await text(openObject(connect(s), s, { key: 'conv-2020-09-22.csv' }))).toBe(want);
  });

  it('readHead of an empty object sends no Range (S3 answers 416 InvalidRange to any Range on it)', async () => {
    s3 = await startS3Server();
    await s3.put('bkt', 'empty-2020-09-30.csv', '');
    // S3's answer to any bytes=N-M on an empty object (s3rver itself never ends that answer)
    proxy = await startProxy(s3.endpoint, {
      request: (r) =>
        r.headers.range && r.path.endsWith('empty-2020-09-30.csv') ? errorXml(416, 'InvalidRange') : undefined,
    });
    const s = settings(proxy.endpoint);
    const [obj] = await list(s);
    expect(obj.size).toBe(0);
    expect((await readHead(conn!, s, obj, 512)).length).toBe(0);
    expect(proxy.seen.filter((r) => r.headers.range)).toEqual([]);
    expect(
      await readHead(conn!, s, obj.key, 512).then(
        () => 'read',
        (e: Error) => e.message,
      ),
    ).toMatch(/InvalidRange/);
  });
});
