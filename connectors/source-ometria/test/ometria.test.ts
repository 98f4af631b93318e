// source-ometria against the replay server and the local S3 server: check names each failure,
// requests are paced to about 4 a second, and email events resume by file.
import { afterEach, describe, expect, it } from 'vitest';
import { connectorHarness, type ConnectorHarness } from '@conkit/acceptance-tests';

// the acceptance config (acceptance-tests/source-ometria.yaml) on the fixtures' replay and S3 servers
const ometria = () => connectorHarness({ connector: 'source-ometria', fixtures: true });
let h: ConnectorHarness | undefined;
afterEach(async () => h?.close());

describe('source-ometria', () => {
  it('check names a bad API key (403 as documented, or 401), a missing bucket and refused S3 keys separately', async () => {
    h = await ometria();
    h.server.addHandler((req) =>
      req.headers['x-ometria-auth'] === 'expired-key-2' ? { status: 401, body: '' } : undefined,
    );
    const cfg = h.config as Record<string, unknown>;
    const status = async (c: Record<string, unknown> = {}) => (await h!.check({ config: c })).status;
    expect(await status()).toEqual({ status: 'SUCCEEDED' });
    expect((await status({ api_key: 'not-the-key-1' })).message).toMatch(
      /^The service rejected the API key \('api_key'\) \(HTTP 403.*\)\. Check the API key \('api_key'\) in the config/,
    );
    expect((await status({ api_key: 'expired-key-2' })).message).toMatch(
      /^The service rejected the API key \('api_key'\) \(HTTP 401.*\)\. Check the API key \('api_key'\) in the config/,
    );
    expect((await status({ export: { ...cfg.export, bucket: 'no-such-bucket' } })).message).toMatch(
      /Bucket 'no-such-bucket' was not found/,
    );
    expect((await status({ export: { ...cfg.export, aws_access_key_id: 'AKIAUNKNOWN' } })).message).toMatch(
      /S3 rejected the access keys \(InvalidAccessKeyId\)/,
    );
  });

  it('paces requests to about 4 a second and survives 429s without Retry-After', async () => {
    h = await ometria();
    h.server.addFault({ status: 429, times: 3, after: 2 });
    const started = Date.now();
    const run = await h.read(['profiles', 'lists', 'member_lists', 'unsubscribes'], {
      env: { CONKIT_RETRY_BASE_MS: '50' },
    });
    const seconds = (Date.now() - started) / 1000;
    expect(run.code).toBe(0);
    expect(h.records(run)).toHaveLength(620 + 3 + 305 + 330);
    const requests = h.server.requests().length;
    expect(requests).toBeGreaterThanOrEqual(14);
    // no more than 4 requests in any second (the first 4 may leave at once)
    expect(seconds).toBeGreaterThanOrEqual((requests - 4) / 4 - 0.5);
  });

  it('reads each email-event export file once (a JSON array too), skipping other keys with a WARN', async () => {
    h = await ometria();
    await h.s3.put('ometria-export', 'exports/email_events/orders_2024-03-01.csv', 'order_id,total\no-1,10\n');
    await h.s3.put('ometria-export', 'exports/email_events/email_events_2024-03-01.parquet', 'PAR1');
    await h.s3.put(
      'ometria-export',
      'exports/email_events/email_events_2024-03-01b.json',
      JSON.stringify(
        [{ event_id: 'ev-arr-0', to_address: 'a@example.com', event_type: 'open', dt_occurred: '2024-03-01 10:00:00' }],
        null,
        1,
      ),
    );
    const first = await h.read(['email_events']);
    expect(h.records(first)).toHaveLength(251);
    const warns = h.warnings(first).filter((w) => w.startsWith('email_events'));
    // the orders file sits under the prefix but names no email events; the parquet file is not a readable format
    expect(warns).toEqual([
      expect.stringMatching(
        /^email_events skipped 2 key\(s\) .* e\.g\. 'exports\/email_events\/(orders_2024-03-01\.csv|email_events_2024-03-01\.parquet)'/,
      ),
    ]);
    await new Promise((r) => setTimeout(r, 1100));
    await h.s3.put(
      'ometria-export',
      'exports/email_events/email_events_2024-03-04.jsonl',
      JSON.stringify({
        event_id: 'ev-4-0',
        uuid: 's',
        to_address: 'new@example.com',
        event_type: 'open',
        dt_occurred: '2024-03-04 10:00:00',
      }) + '\n',
    );
    const second = await h.read(['email_events'], { state: [h.state(first)] });
    expect(h.records(second).map((r) => r.event_id)).toEqual(['ev-4-0']);
  });
});
