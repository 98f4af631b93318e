// 5,000 end users changed inside one sync window, 23 sharing each second (so windows slide in the
// middle of ties), on a server that sorts by the sort_key it is sent and by email when none is (the
// documented default, WIRE.md "sort"), with one response in five failing: 503s, connections dropped
// mid-body, bodies cut short, and access tokens declared expired. Every user comes out exactly once.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { loadExchanges, type ConnectorHarness } from '@conkit/acceptance-tests';
import { jsonFile, validateMessage } from '@conkit/base/testing';
import { wootricHarness } from './harness.js';

const fixtures = fileURLToPath(new URL('../fixtures/http/', import.meta.url));
let h: ConnectorHarness | undefined;
afterEach(async () => h?.close());

const N = 5000;
const pad = (n: number) => String(n).padStart(2, '0');
/** Wootric's date form, in the account's zone (-0800 in December). */
const wootricDate = (ms: number) => {
  const d = new Date(ms - 8 * 3600_000);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} -0800`;
};

function usersFile(): string {
  const base = Date.UTC(2016, 11, 16, 17, 0, 0);
  // emails in an order unrelated to updated_at: a read relying on the default sort sees chaos
  return jsonFile(
    Array.from({ length: N }, (_, i) => ({
      id: 20000 + i,
      email: `u${String((i * 7919) % N).padStart(5, '0')}@example.com`,
      created_at: wootricDate(base - 86_400_000),
      updated_at: wootricDate(base + Math.floor(i / 23) * 1000),
      external_created_at: 1470000000,
      properties: {},
    })),
    'end_users-5000.json',
  );
}

describe('source-wootric end_users: ties and faults', () => {
  it('reads 5,000 users changed in one window exactly once with 20% of responses failing', async () => {
    const ex = loadExchanges(join(fixtures, 'data.yaml')).find((e) => e.name === 'end_users')!;
    h = await wootricHarness('wootric-test-secret-55e1', {
      fixtures: false,
      replay: {
        exchanges: [
          ...loadExchanges(join(fixtures, 'oauth.yaml')),
          { ...ex, dataset: { ...ex.dataset!, file: usersFile() }, dir: '/' },
        ],
      },
    });
    const server = h.server;
    // one response in five fails, the kinds taking turns
    for (const [i, fault] of [{ status: 503 }, { drop: true }, { truncate: 0.6 }, { status: 401 }].entries()) {
      server.addFault({ ...fault, match: '^end_users$', every: 20, after: i * 5, times: 1000 });
    }
    const run = await h.read(['end_users'], { env: { CONKIT_RETRY_BASE_MS: '1' }, timeoutMs: 120_000 });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    for (const m of run.messages) expect(validateMessage(m)).toEqual([]);
    const ids = h.records(run).map((r) => r.id as number);
    expect(ids).toHaveLength(N);
    expect(new Set(ids).size).toBe(N);
    const requests = server.requests().filter((r) => r.path === '/v1/end_users');
    expect(requests.every((r) => r.query.sort_key === 'updated_at' && r.query.sort_order === 'asc')).toBe(true);
    // the faults really fired: about one request in five, every kind (4 kinds x at least 5)
    expect(server.faultsFired()).toBeGreaterThanOrEqual(20);
    expect(server.faultsFired() / requests.length).toBeGreaterThan(0.15);
    expect(server.hits('token for the fixture client')).toBeGreaterThan(2);
    expect(server.unmatched()).toEqual([]);
  });
});
