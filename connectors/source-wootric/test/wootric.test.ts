// source-wootric against the replay server: the sliding window over a large history, token expiry
// in the middle of a sync, 429s without Retry-After, and a wrong secret.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { startReplayServer, loadExchanges, type ReplayServer } from '@conkit/acceptance-tests';
import { runConnector, ofType } from '@conkit/base/testing';

const main = fileURLToPath(new URL('../dist/main.js', import.meta.url));
const fixtures = fileURLToPath(new URL('../fixtures/http/', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'wootric-'));
const SECRET = 'wootric-test-secret-5e1d';
let server: ReplayServer | undefined;
afterEach(async () => server?.close());

const file = (name: string, v: unknown): string => {
  const f = join(dir, name);
  writeFileSync(f, JSON.stringify(v));
  return f;
};
const catalog = (streams: string[]) => ({
  streams: streams.map((name) => ({ stream: { name, json_schema: {}, supported_sync_modes: ['full_refresh', 'incremental'] }, sync_mode: 'incremental', destination_sync_mode: 'append_dedup' })),
});
const config = (url: string) => file('config.json', { client_id: 'fixture-client-id', client_secret: SECRET, start_date: '2016-12-01', base_url: url });

describe('source-wootric', () => {
  it('returns 100,000 responses exactly once, sliding the window past the 1,500 cap', async () => {
    // 100,000 responses, often several in the same second
    const rows = Array.from({ length: 100_000 }, (_, i) => {
      const s = 1481878800 + Math.floor(i / 3);
      const d = new Date((s - 8 * 3600) * 1000).toISOString().replace('T', ' ').slice(0, 19);
      return { id: i + 1, created_at: `${d} -0800`, updated_at: `${d} -0800`, score: i % 11 };
    });
    const data = join(dir, 'big.json');
    writeFileSync(data, JSON.stringify(rows));
    const [token] = loadExchanges(join(fixtures, 'oauth.yaml'));
    const [responses] = loadExchanges(join(fixtures, 'data.yaml'));
    server = await startReplayServer({ exchanges: [token, { ...responses, dataset: { ...responses.dataset!, file: data }, dir: '/' }] });
    const run = await runConnector(main, ['read', '--config', config(server.url), '--catalog', file('c.json', catalog(['responses']))], { timeoutMs: 300_000 });
    expect(run.code).toBe(0);
    const ids = ofType(run, 'RECORD').map((m) => m.record.data.id as number);
    expect(ids.length).toBe(100_000);
    expect(new Set(ids).size).toBe(100_000);
    expect(server.requests().filter((r) => r.query.page === '31')).toEqual([]);
    expect(server.requests().filter((r) => r.path === '/v1/responses').length).toBeGreaterThan(2000);
  }, 300_000);

  it('renews an expired token mid-sync without losing its place, and waits out 429s without Retry-After', async () => {
    server = await startReplayServer({ fixtures });
    // the second data request finds the token expired; two later ones are rate limited
    server.addFault({ status: 401, times: 1, after: 1, match: '^responses$', body: '{"error":"The access token expired"}' });
    server.addFault({ status: 429, times: 2, after: 5, match: '^responses$' });
    const run = await runConnector(main, ['read', '--config', config(server.url), '--catalog', file('c.json', catalog(['responses']))], { env: { CONKIT_RETRY_BASE_MS: '20' } });
    expect(run.code).toBe(0);
    const ids = ofType(run, 'RECORD').map((m) => m.record.data.id as number);
    expect(ids.length).toBe(1700);
    expect(new Set(ids).size).toBe(1700);
    expect(server.hits('token for the fixture client')).toBe(2);
    expect(run.stdout).not.toContain('fixture-access-token-a1');
    expect(run.stdout).toMatch(/renewing the access token/);
  });

  it('says the client ID or secret was rejected, exit 0, and never prints the secret', async () => {
    server = await startReplayServer({ fixtures });
    const bad = file('bad.json', { client_id: 'revoked-client-id', client_secret: SECRET, base_url: server.url });
    const run = await runConnector(main, ['check', '--config', bad]);
    expect(run.code).toBe(0);
    const status = ofType(run, 'CONNECTION_STATUS')[0].connectionStatus;
    expect(status.status).toBe('FAILED');
    expect(status.message).toMatch(/rejected the client ID or client secret/);
    expect(run.stdout + run.stderr).not.toContain(SECRET);
  });

  it('defaults start_date to one year before the sync', async () => {
    server = await startReplayServer({ fixtures });
    const cfg = file('nostart.json', { client_id: 'fixture-client-id', client_secret: SECRET, base_url: server.url });
    const run = await runConnector(main, ['read', '--config', cfg, '--catalog', file('c.json', catalog(['declines']))]);
    expect(run.code).toBe(0);
    const gt = Number(server.requests().find((r) => r.path === '/v1/declines')!.query['created[gt]']);
    const yearAgo = Date.now() / 1000 - 365 * 86400;
    expect(Math.abs(gt - yearAgo)).toBeLessThan(2 * 86400);
    expect(ofType(run, 'RECORD')).toHaveLength(0); // the fixture data is from 2016
  });
});
