// source-wootric against the replay server: the sliding window over a large history, token expiry
// in the middle of a sync, 429s without Retry-After, and a wrong secret.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { loadExchanges, type ConnectorHarness, type ConnectorHarnessOptions } from '@conkit/acceptance-tests';
import { jsonFile } from '@conkit/base/testing';
import { wootricHarness } from './harness.js';

const fixtures = fileURLToPath(new URL('../fixtures/http/', import.meta.url));
const SECRET = 'wootric-test-secret-5e1d';
const wootric = (o: Partial<ConnectorHarnessOptions> = {}) => wootricHarness(SECRET, o);
let h: ConnectorHarness | undefined;
afterEach(async () => h?.close());

describe('source-wootric', () => {
  it('returns 100,000 responses exactly once, sliding the window past the 1,500 cap', async () => {
    // 100,000 responses, often several in the same second
    const rows = Array.from({ length: 100_000 }, (_, i) => {
      const s = 1481878800 + Math.floor(i / 3);
      const d = new Date((s - 8 * 3600) * 1000).toISOString().replace('T', ' ').slice(0, 19);
      return { id: i + 1, created_at: `${d} -0800`, updated_at: `${d} -0800`, score: i % 11 };
    });
    const data = jsonFile(rows, 'big.json');
    const [token] = loadExchanges(join(fixtures, 'oauth.yaml'));
    const [responses] = loadExchanges(join(fixtures, 'data.yaml'));
    h = await wootric({
      fixtures: false,
      replay: { exchanges: [token, { ...responses, dataset: { ...responses.dataset!, file: data }, dir: '/' }] },
    });
    const run = await h.read(['responses'], { timeoutMs: 300_000 });
    expect(run.code).toBe(0);
    const ids = h.records(run).map((r) => r.id as number);
    expect(ids.length).toBe(100_000);
    expect(new Set(ids).size).toBe(100_000);
    expect(h.server.requests().filter((r) => r.query.page === '31')).toEqual([]);
    expect(h.server.requests().filter((r) => r.path === '/v1/responses').length).toBeGreaterThan(2000);
  }, 300_000);

  it('renews an expired token mid-sync without losing its place, and waits out 429s without Retry-After', async () => {
    h = await wootric();
    // the second data request finds the token expired; two later ones are rate limited
    h.server.addFault({
      status: 401,
      times: 1,
      after: 1,
      match: '^responses$',
      body: '{"error":"The access token expired"}',
    });
    h.server.addFault({ status: 429, times: 2, after: 5, match: '^responses$' });
    const run = await h.read(['responses'], { env: { CONKIT_RETRY_BASE_MS: '20' } });
    expect(run.code).toBe(0);
    const ids = h.records(run).map((r) => r.id as number);
    expect(ids.length).toBe(1700);
    expect(new Set(ids).size).toBe(1700);
    expect(h.server.hits('token for the fixture client')).toBe(2);
    expect(run.stdout).not.toContain('fixture-access-token-a1');
    expect(run.stdout).toMatch(/renewing the access token/);
  });

  it('says the client ID or secret was rejected, exit 0, and never prints the secret', async () => {
    h = await wootric();
    const run = await h.check({ config: { client_id: 'revoked-client-id', start_date: undefined } });
    expect(run.code).toBe(0);
    expect(run.status.status).toBe('FAILED');
    expect(run.status.message).toMatch(/rejected the client ID or client secret/);
    expect(run.stdout + run.stderr).not.toContain(SECRET);
  });

  it('defaults start_date to one year before the sync', async () => {
    h = await wootric();
    const run = await h.read(['declines'], { config: { start_date: undefined } });
    expect(run.code).toBe(0);
    const gt = Number(h.server.requests().find((r) => r.path === '/v1/declines')!.query['created[gt]']);
    const yearAgo = Date.now() / 1000 - 365 * 86400;
    expect(Math.abs(gt - yearAgo)).toBeLessThan(2 * 86400);
    expect(h.records(run)).toHaveLength(0); // the fixture data is from 2016
  });
});
