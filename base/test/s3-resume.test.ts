// The kit's S3 reads resumed after a body is cut, stalled or replaced, against the real local S3
// server behind a shaping proxy: helpers/s3-proxy.ts.
import { describe, expect, it } from 'vitest';
import type { Logger } from '../src/log.js';
import { openObject } from '../src/s3.js';
import { errorXml, failure, lines, s3PerTest, text, type Answer } from './helpers/s3-proxy.js';

const t = s3PerTest();
const { startS3, startProxy, settings, connect, list } = t;

const warnings: string[] = [];
const log = { debug() {}, info() {}, error() {}, warn: (m: string) => void warnings.push(m) } as Logger;

/**
 * `key` (`count` lines) on a fresh S3 server behind a proxy that hands each answer for it, with its
 * number, to `reshape`; `answers()` counts them.
 */
async function behindProxy(key: string, count: number, reshape: (n: number, a: Answer) => Answer | undefined) {
  const s3 = await startS3();
  const want = lines(count);
  await s3.put('bkt', key, want);
  let n = 0;
  const proxy = await startProxy(s3.endpoint, {
    response: (r, a) => (r.path.endsWith(key) ? reshape(++n, a) : undefined),
  });
  return { want, s: settings(proxy.endpoint), proxy, answers: () => n };
}
/** Cuts the first answer (drops or stalls it mid-body), passes the rest. */
const cutFirst = (cut: 'drop' | 'stall') => (n: number, a: Answer) => (n === 1 ? { ...a, cut } : undefined);

describe('kit S3: resumed reads', () => {
  it('resumes a dropped body with Range and If-Match on the listed ETag, every byte once', async () => {
    const { want, s, proxy } = await behindProxy('big.csv', 5000, cutFirst('drop'));
    const [obj] = await list(s);
    expect(await text(openObject(t.conn, s, obj, { log }))).toBe(want);
    const gets = proxy.seen.filter((r) => r.path.endsWith('big.csv'));
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
    const s3 = await startS3();
    await s3.put('bkt', 'big.csv', lines(5000));
    let n = 0;
    const proxy = await startProxy(s3.endpoint, {
      request: async (r) => {
        if (!r.path.endsWith('big.csv') || ++n !== 2) return undefined;
        await s3.put('bkt', 'big.csv', lines(5000, 'v2'));
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
    const s3 = await startS3();
    await s3.put('bkt', 'day-2020-09-22.csv', lines(3));
    const s = settings(s3.endpoint);
    const [obj] = await list(s);
    await s3.put('bkt', 'day-2020-09-22.csv', lines(4, 'v2'));
    const err = await failure(text(openObject(t.conn, s, obj)));
    expect(err.message).toMatch(/changed while being read \(ETag .* as listed\)/);
  });

  it('a body that goes silent mid-object is resumed after idleTimeoutMs', async () => {
    const { want, s, answers } = await behindProxy('slow.csv', 2000, cutFirst('stall'));
    expect(await text(openObject(connect(s), s, { key: 'slow.csv' }, { idleTimeoutMs: 300 }))).toBe(want);
    expect(answers()).toBe(2);
  }, 20_000);

  it('destroying the stream midway stops the download and closes its connection', async () => {
    const s3 = await startS3();
    await s3.put('bkt', 'huge.csv', lines(200_000));
    const proxy = await startProxy(s3.endpoint);
    const s = settings(proxy.endpoint);
    const stream = openObject(connect(s), s, { key: 'huge.csv' });
    await new Promise((r) => stream.once('data', r));
    stream.destroy();
    for (let i = 0; i < 50 && proxy.socketsClosed() === 0; i++) await new Promise((r) => setTimeout(r, 50));
    expect(proxy.socketsClosed()).toBe(1);
  });
});
