// source-wootric against the replay server: a token that runs out by the clock mid-sync, a resumed
// read from a bookmark inside the 1,700-record window, and the same records whatever the local TZ.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { ConnectorHarness } from '@conkit/acceptance-tests';
import { wootricHarness } from './harness.js';

const dataDir = fileURLToPath(new URL('../fixtures/data/', import.meta.url));
const wootric = () => wootricHarness('wootric-test-secret-8d2c');
let h: ConnectorHarness | undefined;
afterEach(async () => h?.close());
const raw = (name: string) =>
  JSON.parse(readFileSync(join(dataDir, `${name}.json`), 'utf8')) as Record<string, unknown>[];

describe('source-wootric', () => {
  it('renews a token that runs out by the clock before using it again, without losing its place', async () => {
    h = await wootric();
    const server = h.server;
    let issuedAt = 0;
    let refused = 0;
    // the token answer says it lasts 2 s; the data endpoints refuse it after that
    server.addHandler((req) => {
      if (req.path === '/oauth/token') {
        issuedAt = Date.now();
        return {
          body: JSON.stringify({ access_token: 'fixture-access-token-a1', token_type: 'bearer', expires_in: 2 }),
        };
      }
      if (req.path.startsWith('/v1/') && Date.now() - issuedAt > 2000) {
        refused++;
        return { status: 401, body: '{"error":"The access token expired"}' };
      }
      return undefined;
    });
    server.addFault({ delayMs: 120, times: 40, match: '^responses$' }); // about 4 s of reading
    const run = await h.read(['responses']);
    expect(run.code).toBe(0);
    const ids = h.records(run, 'responses').map((r) => r.id);
    expect(ids.length).toBe(1700);
    expect(new Set(ids).size).toBe(1700);
    expect(refused).toBe(0);
    const tokens = server.requests().filter((r) => r.path === '/oauth/token').length;
    expect(tokens).toBeGreaterThanOrEqual(2);
    expect(tokens).toBeLessThan(8); // renewed when due, not before every request
  });

  it('resumes from a bookmark inside a window: nothing before it is re-read, nothing after it is missed', async () => {
    h = await wootric();
    const all = raw('responses');
    const bookmark = new Date(
      Date.parse(
        String(all[800].created_at)
          .replace(' ', 'T')
          .replace(/ ([+-]\d\d)(\d\d)$/, '$1:$2'),
      ),
    ).toISOString();
    const state = [
      { type: 'STREAM', stream: { stream_descriptor: { name: 'responses' }, stream_state: { created_at: bookmark } } },
    ];
    const run = await h.read(['responses'], { state });
    expect(run.code).toBe(0);
    const got = h.records(run, 'responses');
    const want = all.filter(
      (r) =>
        Date.parse(
          String(r.created_at)
            .replace(' ', 'T')
            .replace(/ ([+-]\d\d)(\d\d)$/, '$1:$2'),
        ) >= Date.parse(bookmark),
    );
    expect(want.length).toBeGreaterThan(800);
    expect(new Set(got.map((r) => r.id))).toEqual(new Set(want.map((r) => r.id)));
    expect(got.length).toBe(want.length);
    const last = h.state(run).stream!.stream_state as { created_at: string };
    expect(last.created_at > bookmark).toBe(true);
    // every query is bounded above by the sync's start, so a sync ends even while responses keep coming
    const lt = h.server
      .requests()
      .filter((r) => r.path === '/v1/responses')
      .map((r) => Number(r.query['created[lt]']));
    expect(lt.every((s) => Math.abs(s - Date.now() / 1000) < 120)).toBe(true);
  });

  it('declares the documented 100 requests a minute, which the kit keeps in every rolling minute', async () => {
    // the rolling-window pacing itself is tested in the kit (base/test/http.test.ts) and end to end
    // against a server enforcing 4 a second (source-ometria); a real minute is too long for this suite
    const { httpOptions } = await import('../src/client.js');
    const silent = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
    const opts = httpOptions(
      { client_id: 'c', client_secret: 's', base_url: 'http://127.0.0.1:9' },
      { log: silent, secrets: new (await import('@conkit/base')).SecretMasker() },
    );
    expect(opts.rateLimit).toEqual({ perMinute: 100 });
  });

  it('emits the same UTC timestamps whatever the local time zone', async () => {
    h = await wootric();
    const read = (TZ: string) => h!.read(['declines', 'end_users'], { env: { TZ } });
    const [tokyo, la] = [await read('Asia/Tokyo'), await read('America/Los_Angeles')];
    expect(tokyo.code).toBe(0);
    expect(h.records(tokyo, 'declines')).toEqual(h.records(la, 'declines'));
    expect(h.records(tokyo, 'end_users')).toEqual(h.records(la, 'end_users'));
    const first = h.records(tokyo, 'end_users').find((r) => r.id === 7000)!;
    // the fixture's summer "2016-07-20 09:00:00 -0700" and December "2016-12-16 09:05:00 -0800";
    // external_created_at stays the Unix timestamp Wootric sends (WIRE.md: end_users fields)
    expect(first.created_at).toBe('2016-07-20T16:00:00.000Z');
    expect(first.updated_at).toBe('2016-12-16T17:05:00.000Z');
    expect(first.external_created_at).toBe(1470000000);
  });
});
