// The wire facts of WIRE.md, each against the real replay server: the parameters as Ometria's docs
// spell them, and endpoints that ignore limit/offset never start an endless read.
import { basename, dirname } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  connectorHarness,
  loadAcceptanceConfigs,
  type ConnectorHarness,
  type ConnectorHarnessOptions,
  type Exchange,
  type ReplayServer,
} from '@conkit/acceptance-tests';
import { jsonFile } from '@conkit/base/testing';

const base = loadAcceptanceConfigs().find((c) => c.connector === 'source-ometria')!.config;
// the REST API only: no export bucket; declared pacing off except where pacing is what is tested
const ometria = (o: Partial<ConnectorHarnessOptions> = { fixtures: true }) =>
  connectorHarness({
    connector: 'source-ometria',
    config: { ...base, export: undefined },
    env: { CONKIT_RETRY_BASE_MS: '50', CONKIT_PACING: 'off' },
    ...o,
  });
let h: ConnectorHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});
const keys = (run: Parameters<ConnectorHarness['records']>[0], stream: string) =>
  h!.records(run, stream).map((r) => r.__sync_key);
const queries = (s: ReplayServer, path: RegExp) =>
  s
    .requests()
    .filter((r) => path.test(r.path))
    .map((r) => r.query);

// a service that ignores limit/offset (every page is the whole answer), with more rows than a page
const ignoring = (
  name: string,
  path: string,
  rows: unknown[],
  filters: NonNullable<Exchange['dataset']>['filters'] = [],
): Exchange => {
  const f = jsonFile(rows, `${name.replace(/\W+/g, '-')}.json`); // datasets are cached by file name: each file is new
  return {
    name,
    dir: dirname(f),
    request: { method: 'GET', path, query: path === '/v2/lists' ? { mode: 'all' } : undefined },
    response: {},
    dataset: { file: basename(f), filters, paging: { offset: 'offset', limit: 'limit', ignore: true } },
  };
};
const ts = (i: number) => new Date(Date.UTC(2024, 2, 1) + i * 60_000).toISOString().replace('.000Z', '+00:00');

describe('source-ometria on the wire', () => {
  it('profiles: updateSince, a date one UTC day before the bound (only that name is accepted)', async () => {
    h = await ometria();
    const run = await h.read(['profiles'], {
      state: [
        {
          type: 'STREAM',
          stream: {
            stream_descriptor: { name: 'profiles' },
            stream_state: { updated_since: '2024-03-03T01:30:00.000Z' },
          },
        },
      ],
    });
    expect(run.code).toBe(0);
    expect(h.server.unmatched()).toEqual([]);
    expect(queries(h.server, /^\/v2\/profiles$/).map((q) => q.updateSince)).toEqual([
      '2024-03-02',
      '2024-03-02',
      '2024-03-02',
    ]);
    // fixture profile i was last seen at 2024-03-01 09:00 + 10 min * i: i >= 90 is on or after 2024-03-02
    expect(new Set(keys(run, 'profiles')).size).toBe(530);
  });

  it('lists: mode=all and explicit limit/offset, from the lists stream, member_lists and check', async () => {
    h = await ometria();
    const run = await h.read(['lists', 'member_lists']);
    await h.check();
    expect(run.code).toBe(0);
    expect(h.records(run, 'lists').map((r) => r.list_id)).toEqual(['101', '102', '103']);
    expect(queries(h.server, /^\/v2\/lists$/)).toEqual([
      { mode: 'all', limit: '250', offset: '0' },
      { mode: 'all', limit: '250', offset: '0' },
      { mode: 'all', limit: '1', offset: '0' },
    ]);
  });

  it('unsubscribes: since/before as YYYY-MM-DDTHH:MM:SS UTC, explicit limit/offset, each row once across window edges', async () => {
    h = await ometria();
    const run = await h.read(['unsubscribes']);
    expect(run.code).toBe(0);
    const q = queries(h.server, /^\/v2\/unsubscribes$/);
    for (const x of q) expect(Object.keys(x).sort().join()).toBe('before,limit,offset,since');
    for (const x of q)
      expect([x.since, x.before].join()).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d,\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/);
    const k = keys(run, 'unsubscribes');
    expect(k).toHaveLength(330); // one row sits exactly on the 2024-03-31 window edge
    expect(new Set(k).size).toBe(330);
  });

  it('endpoints that ignore limit/offset: every record once, exit 0 (lists, list changes, unsubscribes)', async () => {
    const lists = Array.from({ length: 300 }, (_, i) => ({
      '@type': 'list',
      id: String(1000 + i),
      title: `L${i}`,
      status: 'READY',
      type: 'DYNAMIC',
    }));
    const changes = Array.from({ length: 600 }, (_, i) => ({
      profile_id: `p-${i}`,
      email: `c${i}@example.com`,
      event: i % 5 ? 'list_enter' : 'list_exit',
      timestamp: ts(i),
    }));
    const unsubs = changes.map((c, i) => ({
      email_address: c.email,
      profile_id: c.profile_id,
      reason: null,
      timestamp: ts(i).replace('T', ' ').replace('+00:00', '+00'),
      type: 'app',
    }));
    const since = [{ param: 'since', field: 'timestamp', op: 'gte' as const, type: 'iso' as const }];
    // lists and unsubscribes are read together; the list changes beside two lists (one request per list)
    h = await ometria({
      replay: {
        exchanges: [
          ignoring('lists', '/v2/lists', lists),
          ignoring('unsubscribes', '/v2/unsubscribes', unsubs, [
            ...since,
            { param: 'before', field: 'timestamp', op: 'lt', type: 'iso' },
          ]),
        ],
      },
    });
    const first = await h.read(['lists', 'unsubscribes']);
    const other = await ometria({
      replay: {
        exchanges: [
          ignoring('lists', '/v2/lists', lists.slice(0, 2)),
          ignoring('changes 1000', '/v2/lists/1000/changes', changes, since),
          ignoring('changes 1001', '/v2/lists/1001/changes', [], since),
        ],
      },
    });
    const second = await other.read(['member_lists']);
    const changeQueries = queries(other.server, /^\/v2\/lists\/1000\/changes$/).map((q) => q.offset);
    expect(other.server.unmatched()).toEqual([]);
    await other.close();
    expect([first.code, second.code]).toEqual([0, 0]);
    expect(h.server.unmatched()).toEqual([]);
    for (const [run, stream, count] of [
      [first, 'lists', 300],
      [second, 'member_lists', 600],
      [first, 'unsubscribes', 600],
    ] as const) {
      expect(keys(run, stream)).toHaveLength(count);
      expect(new Set(keys(run, stream)).size).toBe(count);
    }
    // each paged endpoint that got more rows than asked warns, naming it (a page longer than asked
    // for, then a repeated page), and stops after the repeat
    expect(h.warnings(second).filter((w) => w.includes('GET /v2/lists/1000/changes'))).toHaveLength(2);
    expect(changeQueries).toEqual(['0', '600']);
    expect(h.warnings(first).filter((w) => w.includes('GET /v2/lists '))).toHaveLength(2);
    expect(queries(h.server, /^\/v2\/lists$/).map((q) => q.offset)).toEqual(['0', '300']);
    expect(h.warnings(first).filter((w) => w.includes('GET /v2/unsubscribes ')).length).toBeGreaterThanOrEqual(2);
  }, 120_000);

  it('a full read against a server enforcing 4 requests in any rolling second gets no 429', async () => {
    h = await ometria({
      fixtures: true,
      replay: { rateLimit: { count: 4, windowMs: 1000 } },
      env: { CONKIT_RETRY_BASE_MS: '50' },
    });
    const run = await h.read(['profiles', 'lists', 'member_lists', 'unsubscribes']);
    expect(run.code).toBe(0);
    expect(h.server.rateLimited()).toBe(0);
    expect(h.server.requests().length).toBeGreaterThanOrEqual(40);
    expect(h.records(run)).toHaveLength(620 + 3 + 305 + 330);
  }, 120_000);
});
