// The connector against a real S3-protocol server (s3rver behind the harness's SigV4-checking
// proxy), through @aws-sdk/client-s3: late files, duplicate days, invalid_rows, check failures,
// faults, and a large file with flat memory.
import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { startS3Server, type S3Server } from '@conkit/acceptance-tests';
import { runConnector, ofType, sampleRss } from '@conkit/base/testing';

const main = fileURLToPath(new URL('../dist/main.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'conv-'));
let s3: S3Server | undefined;
afterEach(async () => s3?.close());
let n = 0;
const file = (v: unknown): string => {
  const f = join(dir, `${n++}.json`);
  writeFileSync(f, JSON.stringify(v));
  return f;
};
const catalog = file({ streams: [{ stream: { name: 'conversions', json_schema: {}, supported_sync_modes: ['full_refresh', 'incremental'] }, sync_mode: 'incremental', destination_sync_mode: 'append_dedup' }] });
const configFor = (s: S3Server, extra: Record<string, unknown> = {}) => file({ bucket: 'bkt', endpoint: s.endpoint, aws_access_key_id: s.credentials.accessKeyId, aws_secret_access_key: s.credentials.secretAccessKey, ...extra });
const row = (d: string, path = 'x') => `https://www.example.com/${path},${d},organic,1,10\n`;
const urls = (run: Awaited<ReturnType<typeof runConnector>>) => ofType(run, 'RECORD').map((m) => `${m.record.data.date} ${m.record.data.url}`);
const lastState = (run: Awaited<ReturnType<typeof runConnector>>) => ofType(run, 'STATE').at(-1)!.state;

describe('source-conversions-s3 on a local S3 server', () => {
  it('reads a file that arrives late for an earlier day exactly once', async () => {
    s3 = await startS3Server();
    await s3.put('bkt', 'conv-2020-09-20.csv', row('2020-09-20'));
    await s3.put('bkt', 'conv-2020-09-22.csv', row('2020-09-22'));
    const cfg = configFor(s3);
    const first = await runConnector(main, ['read', '--config', cfg, '--catalog', catalog]);
    expect(urls(first)).toEqual(['2020-09-20 https://www.example.com/x', '2020-09-22 https://www.example.com/x']);
    await s3.put('bkt', 'conv-2020-09-21.csv', row('2020-09-21', 'late'));
    const second = await runConnector(main, ['read', '--config', cfg, '--catalog', catalog, '--state', file([lastState(first)])]);
    expect(urls(second)).toEqual(['2020-09-21 https://www.example.com/late']);
    const third = await runConnector(main, ['read', '--config', cfg, '--catalog', catalog, '--state', file([lastState(second)])]);
    expect(urls(third)).toEqual([]);
    expect(ofType(third, 'STATE').length).toBeGreaterThanOrEqual(1);
  });

  it('reports two files for one day and reads the later by last-modified', async () => {
    s3 = await startS3Server();
    await s3.put('bkt', 'z-2020-09-22.csv', row('2020-09-22', 'first'));
    await new Promise((r) => setTimeout(r, 1100)); // S3 last-modified has one-second resolution
    await s3.put('bkt', 'a-2020-09-22.csv', row('2020-09-22', 'second'));
    const run = await runConnector(main, ['read', '--config', configFor(s3), '--catalog', catalog]);
    expect(urls(run)).toEqual(['2020-09-22 https://www.example.com/second']);
    expect(run.stdout).toMatch(/2 files for 2020-09-22: .*reading a-2020-09-22.csv, the later by last-modified/);
  });

  it('with invalid_rows: fail, ends with a config_error naming the first bad line', async () => {
    s3 = await startS3Server();
    await s3.put('bkt', 'conv-2020-09-22.csv', row('2020-09-22') + '/path,2020-09-22,organic,1,1\n');
    const run = await runConnector(main, ['read', '--config', configFor(s3, { invalid_rows: 'fail' }), '--catalog', catalog]);
    expect(run.code).toBe(1);
    const err = ofType(run, 'TRACE').find((m) => m.trace.type === 'ERROR')!.trace.error!;
    expect(err.failure_type).toBe('config_error');
    expect(err.message).toMatch(/conv-2020-09-22.csv line 2: url: url '\/path' has no domain/);
  });

  it('names a missing bucket, refused keys and an unreachable endpoint separately in check', async () => {
    s3 = await startS3Server();
    await s3.put('bkt', 'conv-2020-09-22.csv', row('2020-09-22'));
    const status = async (cfg: string) => ofType(await runConnector(main, ['check', '--config', cfg]), 'CONNECTION_STATUS')[0].connectionStatus;
    expect(await status(configFor(s3))).toEqual({ status: 'SUCCEEDED' });
    expect((await status(configFor(s3, { bucket: 'nope' }))).message).toMatch(/Bucket 'nope' was not found/);
    expect((await status(configFor(s3, { aws_secret_access_key: 'wrong-secret-x1' }))).message).toMatch(/S3 rejected the access keys \(SignatureDoesNotMatch\)/);
    expect((await status(configFor(s3, { endpoint: 'http://127.0.0.1:9' }))).message).toMatch(/Cannot reach the S3 endpoint/);
  });

  it('streams a 2,000,000-row file with flat memory, through SlowDown and a dropped connection', async () => {
    s3 = await startS3Server();
    const lines: string[] = [];
    for (let i = 0; i < 2_000_000; i++) lines.push(`https://www.example.com/p/${i},2020-09-22,organic,${i % 7},${i % 100}.5`);
    await s3.put('big', 'large/conversion-export-2020-09-22.csv', lines.join('\n') + '\n');
    lines.length = 0;
    s3.addFault({ kind: 'SlowDown', times: 2 });
    s3.addFault({ kind: 'drop', times: 1, match: 'large' });
    const cfg = configFor(s3, { bucket: 'big', prefix: 'large/' });
    const child = spawn(process.execPath, [main, 'read', '--config', cfg, '--catalog', catalog], { stdio: ['ignore', 'pipe', 'ignore'], env: { ...process.env, CONKIT_RETRY_BASE_MS: '20' } });
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
