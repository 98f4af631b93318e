// source-ometria against the replay server and the local S3 server: check names each failure,
// requests are paced to about 4 a second, and email events resume by file.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { startEnvironment, loadAcceptanceConfigs, type Environment } from '@conkit/acceptance-tests';
import { runConnector, ofType } from '@conkit/base/testing';

const main = fileURLToPath(new URL('../dist/main.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'ometria-'));
const base = loadAcceptanceConfigs().find((c) => c.connector === 'source-ometria')!.config;
let env: Environment | undefined;
afterEach(async () => env?.close());
let n = 0;
const file = (v: unknown) => {
  const f = join(dir, `${n++}.json`);
  writeFileSync(f, JSON.stringify(v));
  return f;
};
const catalog = (streams: string[]) => file({ streams: streams.map((name) => ({ stream: { name, json_schema: {}, supported_sync_modes: ['full_refresh', 'incremental'] }, sync_mode: 'incremental', destination_sync_mode: 'append_dedup' })) });

describe('source-ometria', () => {
  it('check names a bad API key (403 as documented, or 401), a missing bucket and refused S3 keys separately', async () => {
    env = await startEnvironment('source-ometria');
    env.replay.addHandler((req) => (req.headers['x-ometria-auth'] === 'expired-key-2' ? { status: 401, body: '' } : undefined));
    const cfg = env.fill(base) as Record<string, any>;
    const status = async (c: unknown) => ofType(await runConnector(main, ['check', '--config', file(c)]), 'CONNECTION_STATUS')[0].connectionStatus;
    expect(await status(cfg)).toEqual({ status: 'SUCCEEDED' });
    expect((await status({ ...cfg, api_key: 'not-the-key-1' })).message).toMatch(/^Bad API key: Ometria rejected 'api_key' .*HTTP 403.*Check the API key/);
    expect((await status({ ...cfg, api_key: 'expired-key-2' })).message).toMatch(/^Bad API key: Ometria rejected 'api_key' .*HTTP 401.*Check the API key/);
    expect((await status({ ...cfg, export: { ...cfg.export, bucket: 'no-such-bucket' } })).message).toMatch(/Bucket 'no-such-bucket' was not found/);
    expect((await status({ ...cfg, export: { ...cfg.export, aws_access_key_id: 'AKIAUNKNOWN' } })).message).toMatch(/S3 rejected the access keys \(InvalidAccessKeyId\)/);
  });

  it('paces requests to about 4 a second and survives 429s without Retry-After', async () => {
    env = await startEnvironment('source-ometria');
    env.replay.addFault({ status: 429, times: 3, after: 2 });
    const started = Date.now();
    const run = await runConnector(main, ['read', '--config', file(env.fill(base)), '--catalog', catalog(['profiles', 'lists', 'member_lists', 'unsubscribes'])], { env: { CONKIT_RETRY_BASE_MS: '50' } });
    const seconds = (Date.now() - started) / 1000;
    expect(run.code).toBe(0);
    expect(ofType(run, 'RECORD')).toHaveLength(620 + 3 + 305 + 330);
    const requests = env.replay.requests().length;
    expect(requests).toBeGreaterThanOrEqual(14);
    // no more than 4 requests in any second (the first 4 may leave at once)
    expect(seconds).toBeGreaterThanOrEqual((requests - 4) / 4 - 0.5);
  });

  it('reads each email-event export file once (a JSON array too), skipping other keys with a WARN', async () => {
    env = await startEnvironment('source-ometria');
    const cfg = file(env.fill(base));
    await env.s3!.put('ometria-export', 'exports/email_events/orders_2024-03-01.csv', 'order_id,total\no-1,10\n');
    await env.s3!.put('ometria-export', 'exports/email_events/email_events_2024-03-01.parquet', 'PAR1');
    await env.s3!.put('ometria-export', 'exports/email_events/email_events_2024-03-01b.json', JSON.stringify([{ event_id: 'ev-arr-0', to_address: 'a@example.com', event_type: 'open', dt_occurred: '2024-03-01 10:00:00' }], null, 1));
    const first = await runConnector(main, ['read', '--config', cfg, '--catalog', catalog(['email_events'])]);
    expect(ofType(first, 'RECORD')).toHaveLength(251);
    const warns = ofType(first, 'LOG').filter((m) => m.log.level === 'WARN' && m.log.message.startsWith('email_events')).map((m) => m.log.message);
    // the orders file sits under the prefix but names no email events; the parquet file is not a readable format
    expect(warns).toEqual([expect.stringMatching(/^email_events skipped 2 key\(s\) .* e\.g\. 'exports\/email_events\/(orders_2024-03-01\.csv|email_events_2024-03-01\.parquet)'/)]);
    await new Promise((r) => setTimeout(r, 1100));
    await env.s3!.put('ometria-export', 'exports/email_events/email_events_2024-03-04.jsonl', JSON.stringify({ event_id: 'ev-4-0', uuid: 's', to_address: 'new@example.com', event_type: 'open', dt_occurred: '2024-03-04 10:00:00' }) + '\n');
    const state = ofType(first, 'STATE').at(-1)!.state;
    const second = await runConnector(main, ['read', '--config', cfg, '--catalog', catalog(['email_events']), '--state', file([state])]);
    expect(ofType(second, 'RECORD').map((m) => m.record.data.event_id)).toEqual(['ev-4-0']);
  });
});
