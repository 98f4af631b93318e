// An access token that Wootric declares expired (HTTP 401) in the middle of a stream, after at least
// one page: the connector asks for a new token and the read yields exactly the records of a clean
// run (same primary keys, same count, same data), for every Wootric stream.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { loadExchanges, type ConnectorHarness, type Exchange } from '@conkit/acceptance-tests';
import { jsonFile, type ConnectorRun } from '@conkit/base/testing';
import { wootricHarness } from './harness.js';

const fixtures = fileURLToPath(new URL('../fixtures/http/', import.meta.url));
const dataDir = fileURLToPath(new URL('../fixtures/data/', import.meta.url));
const SECRET = 'wootric-test-secret-3b7a';
const TOKEN = 'fixture-access-token-a1';
let h: ConnectorHarness | undefined;
afterEach(async () => h?.close());

const read = (stream: string) => h!.read([stream], { env: { CONKIT_RETRY_BASE_MS: '20' } });
const byId = (run: ConnectorRun, stream: string) => {
  const out = new Map<number, unknown>();
  for (const r of h!.records(run, stream)) out.set(r.id as number, r);
  return out;
};
const countOf = (run: ConnectorRun, stream: string) => h!.records(run, stream).length;

/**
 * The fixture's 40 declines fit in one page of 50, so no request of that stream comes after a page.
 * The declines exchange here reads 140: the fixture's 40 and 100 more of the same shape, later.
 */
function declinesExchange(): Exchange {
  const fixture = JSON.parse(readFileSync(join(dataDir, 'declines.json'), 'utf8')) as Record<string, unknown>[];
  const start = Date.UTC(2016, 11, 19, 4, 0, 0);
  const more = Array.from({ length: 100 }, (_, i) => {
    const t = new Date(start + Math.floor(i / 2) * 17 * 60_000 - 8 * 3600_000)
      .toISOString()
      .replace('T', ' ')
      .slice(0, 19);
    return {
      id: 6000 + i,
      end_user_id: 7000 + (i % 60),
      survey_id: 300 + (i % 3),
      created_at: `${t} -0800`,
      updated_at: `${t} -0800`,
    };
  });
  const data = jsonFile([...fixture, ...more], 'declines-140.json');
  const ex = loadExchanges(join(fixtures, 'data.yaml')).find((e) => e.name === 'declines')!;
  return { ...ex, dataset: { ...ex.dataset!, file: data }, dir: '/' };
}

function harnessFor(stream: string): Promise<ConnectorHarness> {
  if (stream !== 'declines') return wootricHarness(SECRET);
  const exchanges = [
    ...loadExchanges(join(fixtures, 'oauth.yaml')),
    ...loadExchanges(join(fixtures, 'data.yaml')).filter((e) => e.name !== 'declines'),
    declinesExchange(),
  ];
  return wootricHarness(SECRET, { fixtures: false, replay: { exchanges } });
}

const PATHS: Record<string, string> = {
  responses: '/v1/responses',
  declines: '/v1/declines',
  end_users: '/v1/end_users',
};

describe('source-wootric: a token expired mid-stream', () => {
  it.each([
    // data requests served before the 401: responses takes 35+ requests, declines 3, end_users 2
    { stream: 'responses', after: 12 },
    { stream: 'declines', after: 1 },
    { stream: 'end_users', after: 1 },
  ])(
    '$stream: a 401 after $after page(s) gets a new token and the very records of a clean run',
    async ({ stream, after }) => {
      h = await harnessFor(stream);
      const server = h.server;
      const clean = await read(stream);
      expect(clean.code).toBe(0);
      const want = byId(clean, stream);
      const dataRequests = server.requests().filter((r) => r.path === PATHS[stream]).length;
      expect(dataRequests).toBeGreaterThan(after); // the 401 lands mid-stream, not on the last request
      expect(want.size).toBe(countOf(clean, stream));
      expect(want.size).toBeGreaterThan(50);

      const seenBefore = server.requests().length;
      const tokensBefore = server.hits('token for the fixture client');
      server.addFault({
        status: 401,
        times: 1,
        after,
        match: `^${stream}$`,
        headers: { 'content-type': 'application/json' },
        body: '{"error":"The access token expired"}',
      });
      const run = await read(stream);
      expect(run.code).toBe(0);
      expect(server.faultsFired()).toBe(1);

      // the 401'd request came after at least one page; then a token request; then the same request again
      const reqs = server.requests().slice(seenBefore);
      const dataAt = reqs.map((r, i) => (r.path === PATHS[stream] ? i : -1)).filter((i) => i >= 0);
      const refused = dataAt[after];
      expect(Number(reqs[refused].query.page)).toBeGreaterThan(1); // a page of this query went out before it
      expect(reqs[refused + 1]?.path).toBe('/oauth/token');
      expect(reqs[refused + 1]?.method).toBe('POST');
      const retry = dataAt[after + 1];
      expect(retry).toBeGreaterThan(refused + 1);
      expect(reqs[retry].query).toEqual(reqs[refused].query);
      expect(reqs[retry].headers.authorization).toBe(`Bearer ${TOKEN}`);
      expect(server.hits('token for the fixture client') - tokensBefore).toBe(2); // the first, and the new one
      expect(run.stdout).toMatch(/renewing the access token/);
      expect(run.stdout + run.stderr).not.toContain(TOKEN);

      // exactly the clean run's records: same primary keys, same count, same data
      const got = byId(run, stream);
      expect(countOf(run, stream)).toBe(countOf(clean, stream));
      expect(new Set(got.keys())).toEqual(new Set(want.keys()));
      expect(got).toEqual(want);
    },
  );
});
