// The connector against a real S3-protocol server (s3rver behind the harness's SigV4-checking
// proxy), through @aws-sdk/client-s3: late files, duplicate days, invalid_rows, check failures,
// faults, and a large file with flat memory.
import { spawn } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { connectorHarness, type ConnectorHarness } from '@conkit/acceptance-tests';
import { sampleRss, jsonFile, catalogOf, ofType, type ConnectorRun } from '@conkit/base/testing';

const config = {
  bucket: 'bkt',
  endpoint: '{{s3_endpoint}}',
  aws_access_key_id: '{{s3_access_key_id}}',
  aws_secret_access_key: '{{s3_secret_access_key}}',
};
const conversions = () => connectorHarness({ connector: 'source-conversions-s3', config, s3: true });
let h: ConnectorHarness | undefined;
afterEach(async () => h?.close());
const read = (extra: Record<string, unknown> = {}, o: { state?: unknown[]; env?: NodeJS.ProcessEnv } = {}) =>
  h!.read(['conversions'], { ...o, config: extra });
const row = (d: string, path = 'x') => `https://www.example.com/${path},${d},organic,1,10\n`;
const urls = (run: ConnectorRun) => h!.records(run).map((r) => `${r.date} ${r.url}`);

/** A proxy in front of the S3 server that gives S3's documented error answer where `answer` says so. */
async function s3As(
  upstream: string,
  answer: (req: http.IncomingMessage) => [number, string] | undefined,
): Promise<{ endpoint: string; close(): void }> {
  const up = new URL(upstream);
  const server = http.createServer((req, res) => {
    const canned = answer(req);
    if (canned)
      return void res
        .writeHead(canned[0], { 'content-type': 'application/xml' })
        .end(
          `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${canned[1]}</Code><Message>${canned[1]}</Message></Error>`,
        );
    req.pipe(
      http.request(
        { host: up.hostname, port: up.port, method: req.method, path: req.url, headers: req.headers },
        (u) => {
          res.writeHead(u.statusCode!, u.headers);
          u.pipe(res);
        },
      ),
    );
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => {
      server.closeAllConnections();
      server.close();
    },
  };
}

describe('source-conversions-s3 on a local S3 server', () => {
  it('reads a file that arrives late for an earlier day exactly once', async () => {
    h = await conversions();
    await h.s3.put('bkt', 'conv-2020-09-20.csv', row('2020-09-20'));
    await h.s3.put('bkt', 'conv-2020-09-22.csv', row('2020-09-22'));
    const first = await read();
    expect(urls(first)).toEqual(['2020-09-20 https://www.example.com/x', '2020-09-22 https://www.example.com/x']);
    await h.s3.put('bkt', 'conv-2020-09-21.csv', row('2020-09-21', 'late'));
    const second = await read({}, { state: [h.state(first)] });
    expect(urls(second)).toEqual(['2020-09-21 https://www.example.com/late']);
    const third = await read({}, { state: [h.state(second)] });
    expect(urls(third)).toEqual([]);
    expect(ofType(third, 'STATE').length).toBeGreaterThanOrEqual(1);
  });

  it('reports two files for one day and reads the later by last-modified', async () => {
    h = await conversions();
    await h.s3.put('bkt', 'z-2020-09-22.csv', row('2020-09-22', 'first'));
    await new Promise((r) => setTimeout(r, 1100)); // S3 last-modified has one-second resolution
    await h.s3.put('bkt', 'a-2020-09-22.csv', row('2020-09-22', 'second'));
    const run = await read();
    expect(urls(run)).toEqual(['2020-09-22 https://www.example.com/second']);
    expect(run.stdout).toMatch(/2 files for 2020-09-22: .*reading a-2020-09-22.csv, the later by last-modified/);
  });

  it('with invalid_rows: fail, ends with a config_error naming the first bad line', async () => {
    h = await conversions();
    await h.s3.put('bkt', 'conv-2020-09-22.csv', row('2020-09-22') + '/path,2020-09-22,organic,1,1\n');
    const run = await read({ invalid_rows: 'fail' });
    expect(run.code).toBe(1);
    const err = h.errors(run)[0];
    expect(err.failure_type).toBe('config_error');
    expect(err.message).toMatch(/conv-2020-09-22.csv line 2: url: url '\/path' has no domain/);
  });

  it('names a missing bucket, refused keys and an unreachable endpoint separately in check', async () => {
    h = await conversions();
    await h.s3.put('bkt', 'conv-2020-09-22.csv', row('2020-09-22'));
    const status = async (extra: Record<string, unknown> = {}) => (await h!.check({ config: extra })).status;
    expect(await status()).toEqual({ status: 'SUCCEEDED' });
    expect((await status({ bucket: 'nope' })).message).toMatch(/Bucket 'nope' was not found/);
    expect((await status({ aws_secret_access_key: 'wrong-secret-x1' })).message).toMatch(
      /S3 rejected the access keys \(SignatureDoesNotMatch\)/,
    );
    expect((await status({ endpoint: 'http://127.0.0.1:9' })).message).toMatch(/Cannot reach the S3 endpoint/);
  });

  it('check passes when the newest object is empty: it is read whole, since S3 answers any Range on it with 416 InvalidRange', async () => {
    h = await conversions();
    await h.s3.put('bkt', 'conv-2020-09-22.csv', row('2020-09-22'));
    await new Promise((r) => setTimeout(r, 1100));
    await h.s3.put('bkt', 'empty-2020-09-30.csv', '');
    const ranges: string[] = [];
    const proxy = await s3As(h.s3.endpoint, (req) => {
      if (req.headers.range) ranges.push(req.headers.range);
      return req.headers.range && req.url?.includes('empty-') ? [416, 'InvalidRange'] : undefined;
    });
    try {
      const run = await h.check({ config: { endpoint: proxy.endpoint } });
      expect(run.status).toEqual({ status: 'SUCCEEDED' });
      expect(ranges).toEqual([]);
    } finally {
      proxy.close();
    }
  });

  it('a file deleted between listing and reading (404 NoSuchKey) is skipped with a WARN, asked once, and not remembered', async () => {
    h = await conversions();
    await h.s3.put('bkt', 'conv-2020-09-21.csv', row('2020-09-21'));
    await h.s3.put('bkt', 'conv-2020-09-22.csv', row('2020-09-22'));
    let asked = 0;
    const proxy = await s3As(h.s3.endpoint, (req) =>
      req.method === 'GET' && req.url?.includes('conv-2020-09-21') && ++asked ? [404, 'NoSuchKey'] : undefined,
    );
    try {
      const run = await read({ endpoint: proxy.endpoint }, { env: { CONKIT_RETRY_BASE_MS: '10' } });
      expect(run.code).toBe(0);
      expect(urls(run)).toEqual(['2020-09-22 https://www.example.com/x']);
      expect(run.stdout).toMatch(/conv-2020-09-21.csv: deleted after it was listed \(NoSuchKey\); skipped/);
      expect(asked).toBe(1);
      expect(
        Object.keys((h.state(run) as { stream: { stream_state: { files: object } } }).stream.stream_state.files),
      ).toEqual(['conv-2020-09-22.csv']);
    } finally {
      proxy.close();
    }
  });

  it('streams a 2,000,000-row file with flat memory, through SlowDown and a dropped connection', async () => {
    h = await conversions();
    const lines: string[] = [];
    for (let i = 0; i < 2_000_000; i++)
      lines.push(`https://www.example.com/p/${i},2020-09-22,organic,${i % 7},${i % 100}.5`);
    await h.s3.put('big', 'large/conversion-export-2020-09-22.csv', lines.join('\n') + '\n');
    lines.length = 0;
    h.s3.addFault({ kind: 'SlowDown', times: 2 });
    h.s3.addFault({ kind: 'drop', times: 1, match: 'large' });
    const cfg = jsonFile({ ...h.config, bucket: 'big', prefix: 'large/' });
    const child = spawn(
      process.execPath,
      [h.main, 'read', '--config', cfg, '--catalog', jsonFile(catalogOf(['conversions']))],
      { stdio: ['ignore', 'pipe', 'ignore'], env: { ...process.env, CONKIT_RETRY_BASE_MS: '20' } },
    );
    const rss = sampleRss(child.pid!);
    let records = 0;
    let tail = '';
    const seen = new Uint8Array(2_000_000);
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      const parts = (tail + d).split('\n');
      tail = parts.pop()!;
      for (const l of parts) {
        if (!l.startsWith('{"type":"RECORD"')) continue;
        records++;
        seen[Number(/\/p\/(\d+)"/.exec(l)![1])]++;
      }
    });
    const code = await new Promise((r) => child.on('close', r));
    const mem = rss.stop();
    expect(code).toBe(0);
    expect(records).toBe(2_000_000);
    expect(seen.every((x) => x === 1)).toBe(true);
    // flat: the last third of the read sits within 20% of the middle third; never near a GB
    expect(mem.samples.length).toBeGreaterThan(20);
    expect(mem.lastThirdMb).toBeLessThan(mem.middleThirdMb * 1.2);
    expect(mem.peakMb).toBeLessThan(400);
  }, 300_000);
});
