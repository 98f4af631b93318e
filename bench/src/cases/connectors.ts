// The four connectors, each reading a large generated source through the same local servers the
// tests use, beside the raw pipeline of the same requests or the same object, in the same run.
// The HTTP and SOAP cases are here; the S3 file cases are in s3-files.ts.
import { mkdtempSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  startReplayServer,
  loadExchanges,
  soapCall,
  type LiveRequest,
  type ReplayServer,
} from '@conkit/acceptance-tests';
import { interleave, measure, type Summary } from '../measure.js';
import type { Row } from '../table.js';
import { runErrors } from '../check.js';

export const root = fileURLToPath(new URL('../../../', import.meta.url));
export const main = (c: string): string => join(root, 'connectors', c, 'dist', 'main.js');
const rawHttp = fileURLToPath(new URL('../bundles/raw-http.js', import.meta.url));
const farosReplay = fileURLToPath(new URL('./faros-replay.js', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'bench-'));
chmodSync(work, 0o755);
let n = 0;
/** A file in the bench's scratch directory holding `v` (JSON unless a string). */
export const file = (v: unknown): string => {
  const f = join(work, `${n++}.json`);
  writeFileSync(f, typeof v === 'string' ? v : JSON.stringify(v));
  return f;
};
/** A catalog of these streams, each read in full. */
export const catalog = (...streams: string[]) =>
  file({
    streams: streams.map((name) => ({
      stream: { name, json_schema: {}, supported_sync_modes: ['full_refresh'] },
      sync_mode: 'full_refresh',
      destination_sync_mode: 'overwrite',
    })),
  });
const ENV = { CONKIT_PACING: 'off' };
// BENCH_KIT_FLAGS='--cpu-prof --cpu-prof-dir=/tmp/prof' profiles the connector processes (BENCH_RAW_FLAGS the raw ones).
const kitFlags = process.env.BENCH_KIT_FLAGS?.split(' ').filter(Boolean) ?? [];
export const rawFlags = process.env.BENCH_RAW_FLAGS?.split(' ').filter(Boolean) ?? [];

/** One read by the connector, measured. */
export const kitRead = (connector: string, configFile: string, catalogFile: string) =>
  measure(
    [process.execPath, ...kitFlags, main(connector), 'read', '--config', configFile, '--catalog', catalogFile],
    ENV,
  );

/** The row of a connector's read beside the raw pipeline's (and the raw pipeline's with the same records, if run). */
export function kitRow(
  connector: string,
  stream: string,
  records: number,
  [kit, raw, same]: [Summary, Summary, Summary | undefined],
  note: string,
): Row {
  return {
    connector,
    stream,
    n: records,
    records: kit.records,
    kitRps: kit.rps,
    rawRps: raw.rps,
    sameRps: same?.rps,
    peakMb: kit.peakRssMb,
    note: `${note}; raw peak ${raw.peakRssMb.toFixed(0)} MB`,
    error: runErrors(records, { connector: kit, raw, 'raw, same records': same }),
  };
}

interface RawOptions {
  /** The connector's row mapping (raw-maps.ts) for a second raw pipeline that writes the same records. */
  map?: string;
  /** Which replayed requests answer with records of the stream; the others (lookups) are fetched and parsed only. Default: all. */
  emits?: (r: LiveRequest) => boolean;
  /** The primary key field: the raw pipelines drop an item whose key they already wrote, as the connector does. */
  key?: string;
}

async function httpCase(
  connector: string,
  stream: string,
  records: number,
  server: ReplayServer,
  config: unknown,
  mode: 'json' | 'xml',
  dataPath: (path: string) => boolean,
  { map, emits, key }: RawOptions = {},
): Promise<Row[]> {
  const kitRun = () => kitRead(connector, file(config), catalog(stream));
  // the raw pipeline replays exactly the requests of the connector's first run
  const first = await kitRun();
  const reqs = server
    .requests()
    .filter((r) => dataPath(r.path))
    .map((r) => ({
      method: r.method,
      url: `${server.url}${r.path}${Object.keys(r.query).length ? `?${new URLSearchParams(r.query)}` : ''}`,
      headers: Object.fromEntries(
        Object.entries(r.headers).filter(([k]) => !/^(host|content-length|connection)$/.test(k)),
      ),
      body: r.method === 'POST' ? r.body : undefined,
      ...(emits && !emits(r) ? { emit: false } : {}),
    }));
  const requests = file(reqs);
  const rawRun =
    (m = 'none') =>
    () =>
      measure([process.execPath, ...rawFlags, rawHttp, requests, mode, stream, m, root, key ?? 'none']);
  // the faros-airbyte-cdk peer reads the same requests and writes the same records (JSON services)
  const peerCatalog = catalog(stream);
  const peerConfig = file({ requests, stream, map: map ?? 'none', root, key: key ?? 'none' });
  const peerRun = () =>
    measure([process.execPath, farosReplay, 'read', '--config', peerConfig, '--catalog', peerCatalog]);
  const runs = [kitRun, rawRun(), ...(map ? [rawRun(map)] : []), ...(mode === 'json' ? [peerRun] : [])];
  const [kit, raw, ...rest] = await interleave(runs, [first]);
  const same = map ? rest.shift() : undefined;
  const peer = mode === 'json' ? rest.shift() : undefined;
  await server.close();
  const row = kitRow(connector, stream, records, [kit, raw, same], `${reqs.length} requests`);
  if (!peer) return [row];
  return [
    row,
    {
      connector: 'faros-airbyte-cdk 0.23 (peer)',
      stream,
      n: records,
      records: peer.records,
      kitRps: peer.rps,
      rawRps: raw.rps,
      sameRps: same?.rps,
      peakMb: peer.peakRssMb,
      note: `same requests and records; ${connector}/faros speed ${(kit.rps / peer.rps).toFixed(2)}x`,
      error: runErrors(records, { peer }),
      peerOf: connector,
    },
  ];
}

/** Wootric responses as the API sends them (WIRE.md), `perSecond` created a second from 2016-12-16 09:00 UTC. */
export const wootricResponses = (records: number, perSecond: number) =>
  Array.from({ length: records }, (_, i) => {
    const s = 1481878800 + Math.floor(i / perSecond);
    return {
      id: i + 1,
      created_at: `${new Date((s - 28800) * 1000).toISOString().replace('T', ' ').slice(0, 19)} -0800`,
      updated_at: '2016-12-16 09:05:00 -0800',
      score: i % 11,
      text: `comment ${i}`,
      survey_id: 3,
      end_user_id: i % 1000,
      tags: [],
    };
  });

export async function wootric(records: number): Promise<Row[]> {
  const data = file(wootricResponses(records, 3));
  const fx = join(root, 'connectors/source-wootric/fixtures/http');
  const [token] = loadExchanges(join(fx, 'oauth.yaml'));
  const [responses] = loadExchanges(join(fx, 'data.yaml'));
  const server = await startReplayServer({
    exchanges: [token, { ...responses, dataset: { ...responses.dataset!, file: data }, dir: '/' }],
  });
  return httpCase(
    'source-wootric',
    'responses',
    records,
    server,
    { client_id: 'fixture-client-id', client_secret: 'bench-secret-1', start_date: '2016-12-01', base_url: server.url },
    'json',
    (p) => p === '/v1/responses',
    { map: 'wootric-dates', key: 'id' },
  );
}

export async function ometriaProfiles(records: number): Promise<Row[]> {
  const rows = Array.from({ length: records }, (_, i) => ({
    id: `p${i}`,
    customer_id: `c${i}`,
    email: `u${i}@example.com`,
    firstname: 'A',
    lastname: `B${i}`,
    country: 'GB',
    properties: { zip: 'N1', city: 'London' },
    dates: {
      first_seen: '2023-01-01T00:00:00+00:00',
      last_seen: new Date(Date.UTC(2024, 0, 1) + i * 1000).toISOString().replace('.000Z', '+00:00'),
    },
  }));
  const data = file(rows);
  const fx = join(root, 'connectors/source-ometria/fixtures/http/api.yaml');
  const profiles = loadExchanges(fx).find((e) => e.name === 'profiles')!;
  const server = await startReplayServer({
    exchanges: [
      {
        ...profiles,
        request: { ...profiles.request, headers: { 'x-ometria-auth': '*' } },
        dataset: { ...profiles.dataset!, file: data },
        dir: '/',
      },
    ],
  });
  return httpCase(
    'source-ometria',
    'profiles',
    records,
    server,
    { api_key: 'bench-key-1', start_date: '2024-01-01', base_url: server.url },
    'json',
    (p) => p === '/v2/profiles',
    { map: 'ometria-profiles' },
  );
}

/** Listrak's envelopes as the real v31 WSDL shapes them (connectors/source-listrak/fixtures/envelope.mjs). */
interface ListrakEnvelopes {
  envelope(op: string, rows: Record<string, unknown>[]): string;
  listRow(id: number, over?: Record<string, unknown>): Record<string, unknown>;
  messageRow(listId: number, msgId: number, over?: Record<string, unknown>): Record<string, unknown>;
}
export const listrakEnvelopes = async (): Promise<ListrakEnvelopes> =>
  (await import(pathToFileURL(join(root, 'connectors/source-listrak/fixtures/envelope.mjs')).href)) as ListrakEnvelopes;

export async function listrakSends(records: number): Promise<Row[]> {
  const PER = 500;
  const pages = Math.ceil(records / PER);
  const { envelope, listRow, messageRow } = await listrakEnvelopes();
  const server = await startReplayServer();
  server.addHandler((req) => {
    const call = soapCall(req);
    const xml = (body: string) => ({ headers: { 'content-type': 'text/xml' }, body });
    if (call?.action === 'GetContactListCollection') return xml(envelope('GetContactListCollection', [listRow(1)]));
    if (call?.action === 'ReportListMessageActivity')
      return xml(envelope('ReportListMessageActivity', [messageRow(1, 7001)]));
    if (call?.action !== 'ReportMessageContactSent') return undefined;
    const page = Number(call.params.Page);
    const count = page > pages ? 0 : Math.min(PER, records - (page - 1) * PER);
    return xml(
      envelope(
        'ReportMessageContactSent',
        Array.from({ length: count }, (_, i) => ({ EmailAddress: `c${(page - 1) * PER + i}@example.com` })),
      ),
    );
  });
  return httpCase(
    'source-listrak',
    'message_sends',
    records,
    server,
    {
      username: 'u',
      password: 'bench-password-1',
      start_date: '2024-01-01',
      endpoint: `${server.url}/v31/IntegrationService.asmx`,
    },
    'xml',
    () => true,
    // the list and message lookups are replayed (same bytes, parsed) but their items are not sends
    { emits: (r) => soapCall(r)?.action === 'ReportMessageContactSent' },
  );
}
