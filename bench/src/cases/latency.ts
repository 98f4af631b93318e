// The latency table's sources: per connector, a dataset of many partitions in the shape of its
// fixtures (each connector's WIRE.md), served by the replay or S3 server `latencyMs` away, with the
// vendor's documented rate limit (where it has one) enforced by the server as a service counting a
// rolling window does. The servers count every request.
import { join } from 'node:path';
import {
  loadExchanges,
  soapCall,
  startReplayServer,
  startS3Server,
  type Exchange,
  type ReplayServer,
} from '@conkit/acceptance-tests';
import { file, listrakEnvelopes, root, wootricResponses } from './connectors.js';

/** A vendor's documented limit: `count` requests in any `windowMs` (to the paths matching `paths`, default all). */
export interface VendorLimit {
  count: number;
  windowMs: number;
  label: string;
  paths?: string;
}

export interface LatencySource {
  /** The connector's config (the runs add max_concurrency). */
  config: Record<string, unknown>;
  /** Requests the server received so far, refused ones included. */
  received(): number;
  /** Of those, the ones the vendor's limit counts. */
  limited(): number;
  /** Of those, refused with 429 for passing the vendor's limit. */
  refused(): number;
  close(): Promise<void>;
}

export interface LatencyCase {
  name: string;
  connector: string;
  /** What the dataset holds, for the table. */
  dataset: string;
  streams: string[];
  /** Records a complete read emits. */
  records: number;
  limit?: VendorLimit;
  /** unlimited: the server does not enforce the vendor's limit (for runs with the connector's pacing off). */
  start(latencyMs: number, opts?: { unlimited?: boolean }): Promise<LatencySource>;
}

const replaySource = (server: ReplayServer, config: Record<string, unknown>, limit?: VendorLimit): LatencySource => ({
  config,
  received: () => server.received(),
  // refused requests are not in requests(); only limited ones are refused
  limited: () =>
    limit
      ? server.requests().filter((r) => new RegExp(limit.paths ?? '').test(r.path)).length + server.rateLimited()
      : 0,
  refused: () => server.rateLimited(),
  close: () => server.close(),
});

/** A fixture's dataset exchange answering from `rows` instead, at `path`, for any API key. */
const withRows = (ex: Exchange, rows: unknown[], path = ex.request.path, headers = ex.request.headers): Exchange => ({
  ...ex,
  request: { ...ex.request, path, headers },
  dataset: { ...ex.dataset!, file: file(rows) },
  dir: '/',
});

// Listrak: lists, the messages of each (ReportListMessageActivity), and per message one page of
// each report, then the empty page that ends it (WIRE.md "End of paging"). Two report tables: a
// plain one (sends) and an incremental one read by parts with checkpoints (opens).
const LISTS = 5;
const MESSAGES_PER_LIST = 100;
const SENDS = 3;
const OPENS = 2;

export const listrak: LatencyCase = {
  name: 'listrak',
  connector: 'source-listrak',
  dataset: `${LISTS * MESSAGES_PER_LIST} messages in ${LISTS} lists; per message a page of ${SENDS} sends and one of ${OPENS} opens, each then an empty page`,
  streams: ['message_sends', 'message_opens'],
  records: LISTS * MESSAGES_PER_LIST * (SENDS + OPENS),
  start: async (latencyMs) => {
    const { envelope, listRow, messageRow } = await listrakEnvelopes();
    const server = await startReplayServer({ latencyMs });
    const lists = Array.from({ length: LISTS }, (_, i) => listRow(i + 1, { ListName: `List ${i + 1}` }));
    const page = (params: Record<string, string>, rows: () => Record<string, unknown>[]) =>
      params.Page === '1' ? rows() : [];
    server.addHandler((req) => {
      const call = soapCall(req);
      if (!call) return undefined;
      const p = call.params;
      const msg = Number(p.MsgID);
      const rows: Record<string, Record<string, unknown>[] | undefined> = {
        GetContactListCollection: lists,
        ReportListMessageActivity: Array.from({ length: MESSAGES_PER_LIST }, (_, j) =>
          messageRow(Number(p.ListID), Number(p.ListID) * 1000 + j, { SendDate: '2024-02-01T14:00:00' }),
        ),
        ReportMessageContactSent: page(p, () =>
          Array.from({ length: SENDS }, (_, i) => ({ EmailAddress: `c${msg}-${i}@example.com` })),
        ),
        ReportRangeMessageContactOpen: page(p, () =>
          Array.from({ length: OPENS }, (_, i) => ({
            ContactID: String(msg * 10 + i),
            EmailAddress: `c${msg}-${i}@example.com`,
            OpenDate: `2024-02-02T0${i}:15:00`,
          })),
        ),
      };
      const found = rows[call.action];
      // anything else is a 599 with its diff: the run fails and says so
      return found && { headers: { 'content-type': 'text/xml; charset=utf-8' }, body: envelope(call.action, found) };
    });
    return replaySource(server, {
      username: 'u',
      password: 'bench-password-1',
      start_date: '2024-01-01',
      endpoint: `${server.url}/v31/IntegrationService.asmx`,
    });
  },
};

// Ometria: every list (/v2/lists?mode=all), then each list's changes, one page of fewer than 250
// (WIRE.md "changes paging"), at the Data API's 4 requests a second.
const OMETRIA_LISTS = 50;
const OMETRIA_LIMIT: VendorLimit = { count: 4, windowMs: 1000, label: '4/s' };
const CHANGES = 40;

export const ometria: LatencyCase = {
  name: 'ometria',
  connector: 'source-ometria',
  dataset: `${OMETRIA_LISTS} lists of ${CHANGES} changes, a page each`,
  streams: ['member_lists'],
  records: OMETRIA_LISTS * CHANGES,
  limit: OMETRIA_LIMIT,
  start: async (latencyMs, opts) => {
    const fx = loadExchanges(join(root, 'connectors/source-ometria/fixtures/http/api.yaml'));
    const listsEx = fx.find((e) => e.name === 'lists')!;
    const changesEx = fx.find((e) => e.name === 'changes of list 101')!;
    const ids = Array.from({ length: OMETRIA_LISTS }, (_, i) => String(1000 + i));
    const lists = ids.map((id, i) => ({
      '@type': 'list',
      description: `Segment ${i}`,
      id,
      size: CHANGES,
      status: 'READY',
      timestamp_created: '2024-01-01T09:00:00+00:00',
      timestamp_last_refreshed: '2024-03-02T09:00:00+00:00',
      timestamp_stats_updated: '2024-03-02T09:00:01+00:00',
      title: `Segment ${i}`,
      total_orders: i,
      total_revenue: i * 10.5,
      type: 'DYNAMIC',
    }));
    const changes = (id: string) =>
      Array.from({ length: CHANGES }, (_, j) => ({
        profile_id: `p-${id}-${j}`,
        email: `customer${j}@example.com`,
        event: j % 4 === 3 ? 'list_exit' : 'list_enter',
        timestamp: new Date(Date.UTC(2024, 2, 1, 9) + j * 60_000).toISOString().replace('.000Z', '+00:00'),
      }));
    const anyKey = { 'x-ometria-auth': '*' };
    const server = await startReplayServer({
      latencyMs,
      ...(opts?.unlimited ? {} : { rateLimit: OMETRIA_LIMIT }),
      exchanges: [
        withRows(listsEx, lists, listsEx.request.path, anyKey),
        ...ids.map((id) => withRows(changesEx, changes(id), `/v2/lists/${id}/changes`, anyKey)),
      ],
    });
    return replaySource(
      server,
      { api_key: 'bench-key-1', start_date: '2024-01-01', base_url: server.url },
      OMETRIA_LIMIT,
    );
  },
};

// Conversions: one header-less CSV a day for a year (WIRE.md "One file a day", "Name carries the
// date"), every row of the file's day.
const DAYS = 365;
const ROWS_PER_DAY = 20;

export const conversions: LatencyCase = {
  name: 'conversions',
  connector: 'source-conversions-s3',
  dataset: `${DAYS} daily files of ${ROWS_PER_DAY} rows`,
  streams: ['conversions'],
  records: DAYS * ROWS_PER_DAY,
  start: async (latencyMs) => {
    const s3 = await startS3Server({ latencyMs });
    await s3.createBucket('conv');
    const days = Array.from({ length: DAYS }, (_, i) => new Date(Date.UTC(2023, 0, 1) + i * 86_400_000));
    const csv = (day: string) =>
      Array.from(
        { length: ROWS_PER_DAY },
        (_, i) => `https://www.example.com/p/${i},${day},organic,${i % 7},${i % 100}.5\n`,
      ).join('');
    // uploads wait the latency too: 32 at a time
    for (let i = 0; i < days.length; i += 32)
      await Promise.all(
        days.slice(i, i + 32).map((d) => {
          const day = d.toISOString().slice(0, 10);
          return s3.put('conv', `exports/conversion-export-${day}.csv`, csv(day));
        }),
      );
    const { accessKeyId, secretAccessKey } = s3.credentials;
    return {
      config: {
        bucket: 'conv',
        prefix: 'exports/',
        endpoint: s3.endpoint,
        aws_access_key_id: accessKeyId,
        aws_secret_access_key: secretAccessKey,
      },
      received: () => s3.requests.length,
      limited: () => 0,
      refused: () => 0,
      close: () => s3.close(),
    };
  },
};

// Wootric: the fixture's end users (60: two pages) and declines (40: one page), and responses enough
// for 98 pages of 50, sliding past the 30-page cap three times (WIRE.md "page"): 101 data requests,
// just over the 100 a minute, so the minute the limit imposes is the whole floor. The limit covers
// the data endpoints (WIRE.md "limit": endpoints without the rate headers, as the token's, are not
// limited).
const RESPONSES = 4861;
const WOOTRIC_LIMIT: VendorLimit = { count: 100, windowMs: 60_000, label: '100/min', paths: '^/v1/' };

export const wootric: LatencyCase = {
  name: 'wootric',
  connector: 'source-wootric',
  dataset: `the fixture's 60 end users and 40 declines, ${RESPONSES} responses: 101 pages and a token`,
  streams: ['end_users', 'responses', 'declines'],
  records: 60 + 40 + RESPONSES,
  limit: WOOTRIC_LIMIT,
  start: async (latencyMs) => {
    const fx = join(root, 'connectors/source-wootric/fixtures/http');
    const [token] = loadExchanges(join(fx, 'oauth.yaml'));
    const responses = wootricResponses(RESPONSES, 1);
    // the fixture's X-Rate-Limit headers are static (99 left, a reset long past) and the kit follows a
    // server's own budget over its declared limit: served without them, the kit paces by its 100 a
    // minute, and the server refuses (429) the 101st request of any minute as Wootric does
    const tables = loadExchanges(join(fx, 'data.yaml')).map((ex) =>
      ex.name === 'responses' ? withRows(ex, responses) : ex,
    );
    const server = await startReplayServer({
      latencyMs,
      rateLimit: WOOTRIC_LIMIT,
      exchanges: [token, ...tables.map((ex) => ({ ...ex, response: { ...ex.response, headers: {} } }))],
    });
    return replaySource(
      server,
      {
        client_id: 'fixture-client-id',
        client_secret: 'bench-secret-1',
        start_date: '2016-12-01',
        base_url: server.url,
      },
      WOOTRIC_LIMIT,
    );
  },
};

export const latencyCases: LatencyCase[] = [listrak, ometria, conversions, wootric];
