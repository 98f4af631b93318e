// The wire facts of WIRE.md, each against the real replay server: the parameters as Ometria's docs
// spell them, and endpoints that ignore limit/offset never start an endless read.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { startEnvironment, startReplayServer, loadAcceptanceConfigs, type Environment, type Exchange, type ReplayServer } from '@conkit/acceptance-tests';
import { runConnector, ofType } from '@conkit/base/testing';

const main = fileURLToPath(new URL('../dist/main.js', import.meta.url));
const http = fileURLToPath(new URL('../fixtures/http', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'ometria-wire-'));
const base = loadAcceptanceConfigs().find((c) => c.connector === 'source-ometria')!.config as Record<string, unknown>;
let env: Environment | undefined;
let server: ReplayServer | undefined;
afterEach(async () => {
  await env?.close();
  await server?.close();
  [env, server] = [undefined, undefined];
});
let n = 0;
const file = (v: unknown) => {
  const f = join(dir, `${n++}.json`);
  writeFileSync(f, JSON.stringify(v));
  return f;
};
const catalog = (streams: string[]) => file({ streams: streams.map((name) => ({ stream: { name, json_schema: {}, supported_sync_modes: ['full_refresh', 'incremental'] }, sync_mode: 'incremental', destination_sync_mode: 'append_dedup' })) });
const rest = { ...base, export: undefined };
const read = (url: string, streams: string[], state?: unknown) =>
  runConnector(main, ['read', '--config', file({ ...rest, base_url: url }), '--catalog', catalog(streams), ...(state ? ['--state', file(state)] : [])], { env: { CONKIT_RETRY_BASE_MS: '50' } });
const keys = (run: Awaited<ReturnType<typeof read>>, stream: string) => ofType(run, 'RECORD').filter((m) => m.record.stream === stream).map((m) => m.record.data.__sync_key);
const warnings = (run: Awaited<ReturnType<typeof read>>) => ofType(run, 'LOG').filter((m) => m.log.level === 'WARN').map((m) => m.log.message);
const queries = (s: ReplayServer, path: RegExp) => s.requests().filter((r) => path.test(r.path)).map((r) => r.query);

// a service that ignores limit/offset (every page is the whole answer), with more rows than a page
const ignoring = (name: string, path: string, rows: unknown[], filters: NonNullable<Exchange['dataset']>['filters'] = []): Exchange => {
  const f = `${name.replace(/\W+/g, '-')}-${n++}.json`; // datasets are cached by file name
  writeFileSync(join(dir, f), JSON.stringify(rows));
  return { name, dir, request: { method: 'GET', path, query: path === '/v2/lists' ? { mode: 'all' } : undefined }, response: {}, dataset: { file: f, filters, paging: { offset: 'offset', limit: 'limit', ignore: true } } };
};
const ts = (i: number) => new Date(Date.UTC(2024, 2, 1) + i * 60_000).toISOString().replace('.000Z', '+00:00');

describe('source-ometria on the wire', () => {
  it('profiles: updateSince, a date one UTC day before the bound (only that name is accepted)', async () => {
    env = await startEnvironment('source-ometria');
    const run = await read(env.replay.url, ['profiles'], [{ type: 'STREAM', stream: { stream_descriptor: { name: 'profiles' }, stream_state: { updated_since: '2024-03-03T01:30:00.000Z' } } }]);
    expect(run.code).toBe(0);
    expect(env.replay.unmatched()).toEqual([]);
    expect(queries(env.replay, /^\/v2\/profiles$/).map((q) => q.updateSince)).toEqual(['2024-03-02', '2024-03-02', '2024-03-02']);
    // fixture profile i was last seen at 2024-03-01 09:00 + 10 min * i: i >= 90 is on or after 2024-03-02
    expect(new Set(keys(run, 'profiles')).size).toBe(530);
  });

  it('lists: mode=all and explicit limit/offset, from the lists stream, member_lists and check', async () => {
    env = await startEnvironment('source-ometria');
    const run = await read(env.replay.url, ['lists', 'member_lists']);
    await runConnector(main, ['check', '--config', file({ ...rest, base_url: env.replay.url })]);
    expect(run.code).toBe(0);
    expect(ofType(run, 'RECORD').filter((m) => m.record.stream === 'lists').map((m) => m.record.data.list_id)).toEqual(['101', '102', '103']);
    expect(queries(env.replay, /^\/v2\/lists$/)).toEqual([{ mode: 'all', limit: '250', offset: '0' }, { mode: 'all', limit: '250', offset: '0' }, { mode: 'all', limit: '1', offset: '0' }]);
  });

  it('unsubscribes: since/before as YYYY-MM-DDTHH:MM:SS UTC, explicit limit/offset, each row once across window edges', async () => {
    env = await startEnvironment('source-ometria');
    const run = await read(env.replay.url, ['unsubscribes']);
    expect(run.code).toBe(0);
    const q = queries(env.replay, /^\/v2\/unsubscribes$/);
    for (const x of q) expect(Object.keys(x).sort().join()).toBe('before,limit,offset,since');
    for (const x of q) expect([x.since, x.before].join()).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d,\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/);
    const k = keys(run, 'unsubscribes');
    expect(k).toHaveLength(330); // one row sits exactly on the 2024-03-31 window edge
    expect(new Set(k).size).toBe(330);
  });

  it('endpoints that ignore limit/offset: every record once, exit 0 (lists, list changes, unsubscribes)', async () => {
    const lists = Array.from({ length: 300 }, (_, i) => ({ '@type': 'list', id: String(1000 + i), title: `L${i}`, status: 'READY', type: 'DYNAMIC' }));
    const changes = Array.from({ length: 600 }, (_, i) => ({ profile_id: `p-${i}`, email: `c${i}@example.com`, event: i % 5 ? 'list_enter' : 'list_exit', timestamp: ts(i) }));
    const unsubs = changes.map((c, i) => ({ email_address: c.email, profile_id: c.profile_id, reason: null, timestamp: ts(i).replace('T', ' ').replace('+00:00', '+00'), type: 'app' }));
    const since = [{ param: 'since', field: 'timestamp', op: 'gte' as const, type: 'iso' as const }];
    // lists and unsubscribes are read together; the list changes beside two lists (one request per list)
    server = await startReplayServer({
      exchanges: [
        ignoring('lists', '/v2/lists', lists),
        ignoring('unsubscribes', '/v2/unsubscribes', unsubs, [...since, { param: 'before', field: 'timestamp', op: 'lt', type: 'iso' }]),
      ],
    });
    const first = await read(server.url, ['lists', 'unsubscribes']);
    const other = await startReplayServer({
      exchanges: [
        ignoring('lists', '/v2/lists', lists.slice(0, 2)),
        ignoring('changes 1000', '/v2/lists/1000/changes', changes, since),
        ignoring('changes 1001', '/v2/lists/1001/changes', [], since),
      ],
    });
    const second = await read(other.url, ['member_lists']);
    const changeQueries = queries(other, /^\/v2\/lists\/1000\/changes$/).map((q) => q.offset);
    expect(other.unmatched()).toEqual([]);
    await other.close();
    expect([first.code, second.code]).toEqual([0, 0]);
    expect(server.unmatched()).toEqual([]);
    for (const [run, stream, count] of [[first, 'lists', 300], [second, 'member_lists', 600], [first, 'unsubscribes', 600]] as const) {
      expect(keys(run, stream)).toHaveLength(count);
      expect(new Set(keys(run, stream)).size).toBe(count);
    }
    // each paged endpoint that got more rows than asked warns, naming it (a page longer than asked
    // for, then a repeated page), and stops after the repeat
    expect(warnings(second).filter((w) => w.includes('GET /v2/lists/1000/changes'))).toHaveLength(2);
    expect(changeQueries).toEqual(['0', '600']);
    expect(warnings(first).filter((w) => w.includes('GET /v2/lists '))).toHaveLength(2);
    expect(queries(server, /^\/v2\/lists$/).map((q) => q.offset)).toEqual(['0', '300']);
    expect(warnings(first).filter((w) => w.includes('GET /v2/unsubscribes ')).length).toBeGreaterThanOrEqual(2);
  }, 120_000);

  it('a full read against a server enforcing 4 requests in any rolling second gets no 429', async () => {
    server = await startReplayServer({ fixtures: http, rateLimit: { count: 4, windowMs: 1000 } });
    const run = await read(server.url, ['profiles', 'lists', 'member_lists', 'unsubscribes']);
    expect(run.code).toBe(0);
    expect(server.rateLimited()).toBe(0);
    expect(server.requests().length).toBeGreaterThanOrEqual(40);
    expect(ofType(run, 'RECORD')).toHaveLength(620 + 3 + 305 + 330);
  }, 120_000);
});
