// The kit's S3 layer (retries, listing, encodings and heads) against the real local S3 server, with
// a shaping proxy in front of it where S3's documented answers are wanted: helpers/s3-proxy.ts.
import { gzipSync } from 'node:zlib';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { S3_MAX_ATTEMPTS, S3ObjectGoneError, openObject, readHead, type S3Settings } from '../src/s3.js';
import { errorXml, failure, lines, s3PerTest, text, type Answer } from './helpers/s3-proxy.js';

const t = s3PerTest();
const { startS3, startProxy, settings, connect, list } = t;

describe('kit S3: one retry owner', () => {
  it(`a persistent SlowDown or InternalError costs exactly ${S3_MAX_ATTEMPTS} requests (the SDK's attempts), then a transient_error; the kit adds none`, async () => {
    const s3 = await startS3();
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
    const s3 = await startS3();
    await s3.createBucket('bkt');
    const s = settings(s3.endpoint);
    const before = s3.requests.length;
    const err = await failure(text(openObject(connect(s), s, { key: 'gone.csv' })));
    expect(err).toBeInstanceOf(S3ObjectGoneError);
    expect(err.message).toMatch(/vanished .*NoSuchKey/);
    expect(s3.requests.length - before).toBe(1);
  });

  it('a wrong region (301 PermanentRedirect), AccessDenied, bad keys and a missing bucket are config_errors naming the field, asked once', async () => {
    const s3 = await startS3();
    await s3.put('bkt', 'a-2020-09-22.csv', lines(1));
    for (const [code, status, field] of [
      ['PermanentRedirect', 301, "'region'"],
      ['AuthorizationHeaderMalformed', 400, "'region'"],
      ['AccessDenied', 403, "'aws_access_key_id'"],
    ] as const) {
      const proxy = await startProxy(s3.endpoint, { request: () => errorXml(status, code) });
      const err = await failure(list(settings(proxy.endpoint, { region: 'eu-west-3' })));
      expect([code, err.failureType]).toEqual([code, 'config_error']);
      expect(err.message).toContain(field);
      expect(proxy.seen.length).toBe(1);
      await proxy.close();
    }
    const named = async (extra: Partial<S3Settings>) => {
      const before = s3.requests.length;
      const e = await failure(list(settings(s3.endpoint, extra)));
      return [e.failureType, e.message, s3.requests.length - before];
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
    const s3 = await startS3();
    await s3.createBucket('bkt');
    for (let i = 0; i < 1005; i += 67)
      await Promise.all(
        Array.from({ length: Math.min(67, 1005 - i) }, (_, j) =>
          s3.put('bkt', `p/${String(i + j).padStart(4, '0')}.csv`, 'x'),
        ),
      );
    const keys = (await list(settings(s3.endpoint, { prefix: 'p/' }))).map((o) => o.key);
    expect(new Set(keys).size).toBe(1005);
    expect(s3.requests.filter((r) => r.method === 'GET').length).toBeGreaterThanOrEqual(2);
  }, 60_000);

  it('a truncated page without a NextContinuationToken is an error, not the end of the listing', async () => {
    const s3 = await startS3();
    await s3.put('bkt', 'a-2020-09-22.csv', lines(1));
    const proxy = await startProxy(s3.endpoint, {
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
    const s3 = await startS3();
    await s3.put('bkt', 'a-2020-09-22.csv', lines(1));
    let first: Answer | undefined;
    const proxy = await startProxy(s3.endpoint, {
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

describe('kit S3: encodings and heads', () => {
  it('gunzips an object stored with Content-Encoding: gzip whatever its key', async () => {
    const s3 = await startS3();
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
    const s3 = await startS3();
    await s3.put('bkt', 'empty-2020-09-30.csv', '');
    // S3's answer to any bytes=N-M on an empty object (s3rver itself never ends that answer)
    const proxy = await startProxy(s3.endpoint, {
      request: (r) =>
        r.headers.range && r.path.endsWith('empty-2020-09-30.csv') ? errorXml(416, 'InvalidRange') : undefined,
    });
    const s = settings(proxy.endpoint);
    const [obj] = await list(s);
    expect(obj.size).toBe(0);
    expect((await readHead(t.conn, s, obj, 512)).length).toBe(0);
    expect(proxy.seen.filter((r) => r.headers.range)).toEqual([]);
    expect(
      await readHead(t.conn, s, obj.key, 512).then(
        () => 'read',
        (e: Error) => e.message,
      ),
    ).toMatch(/InvalidRange/);
  });
});
