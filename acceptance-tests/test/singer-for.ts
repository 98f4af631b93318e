// Singer mode of one connector against its fixtures (issue 22): discover, a sync checked line by
// line against the Singer spec with the same records as Airbyte mode, a resume from the last STATE,
// and stream maps that hash every email and drop every name in both protocols. Each connector has
// its own one-line file (singer-source-*.test.ts) so the four run side by side.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  compareCursor,
  secretPaths,
  valuesAt,
  type AirbyteCatalog,
  type JsonObject,
  type JsonSchema,
} from '@conkit/base';
import { catalogFor, jsonFile, ofType, runConnector, type ConnectorRun } from '@conkit/base/testing';
import { connectorHarness, type ConnectorHarness } from '../src/harness.js';
import { connectorDir, loadAcceptanceConfigs } from '../src/suite/config.js';
import { lastState, singerOutput, type SingerOutput } from '../src/suite/singer.js';

type StreamMaps = Record<string, Record<string, string | null>>;
export interface SingerCase {
  connector: string;
  /** stream_maps hashing every email property of the fixtures (sha256 with the seed, or md5) and dropping every name. */
  pii: StreamMaps;
  /** Also play faults under Singer mode (the acceptance fault matrix's code path). */
  faults?: boolean;
}

const SEED = 'pii-seed/7c1e+a9';
const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;
const sha256 = (s: string): string => createHash('sha256').update(s, 'utf8').digest('hex');
const md5 = (s: string): string => createHash('md5').update(s, 'utf8').digest('hex');

export function singerFor(c: SingerCase): void {
  const cfg = loadAcceptanceConfigs().find((a) => a.connector === c.connector);
  describe(`singer: ${c.connector}`, () => {
    let h: ConnectorHarness;
    let catalog: AirbyteCatalog;
    let spec: JsonSchema;
    const env = { CONKIT_RETRY_BASE_MS: '20', ...cfg?.env };
    const volatile = new Set(cfg?.volatile_fields ?? []);
    const run = (args: string[], config: Record<string, unknown> = h.config): Promise<ConnectorRun> =>
      runConnector(h.main, [...args.slice(0, 1), '--config', jsonFile(config, 'config.json'), ...args.slice(1)], {
        env,
        timeoutMs: 180_000,
      });
    const airbyteRead = (config?: Record<string, unknown>, cat = catalog) =>
      run(['read', '--catalog', jsonFile(catalogFor(cat), 'catalog.json')], config);
    const singerDiscover = async (config?: Record<string, unknown>) => {
      const r = await run(['singer', '--discover'], config);
      expect(r.code, r.stderr).toBe(0);
      return JSON.parse(r.stdout) as {
        streams: { tap_stream_id: string; metadata: { breadcrumb: string[]; metadata: JsonObject }[] }[];
      };
    };
    /** A sync of every discovered stream, selected the way Meltano writes it (selected: true). */
    const singerSync = async (config?: Record<string, unknown>, state?: unknown) => {
      const discovered = await singerDiscover(config);
      for (const s of discovered.streams)
        for (const m of s.metadata) if (m.breadcrumb.length === 0) m.metadata.selected = true;
      const args = ['singer', '--catalog', jsonFile(discovered, 'singer-catalog.json')];
      if (state) args.push('--state', jsonFile(state, 'singer-state.json'));
      return run(args, config);
    };
    const clean = (r: JsonObject): string =>
      JSON.stringify(Object.fromEntries(Object.entries(r).filter(([k]) => !volatile.has(k))));
    const recordsOf = (r: ConnectorRun): Map<string, string[]> => {
      const by = new Map<string, string[]>();
      for (const m of ofType(r, 'RECORD'))
        by.set(m.record.stream, [...(by.get(m.record.stream) ?? []), clean(m.record.data)]);
      return by;
    };
    const singerRecords = (o: SingerOutput): Map<string, string[]> =>
      new Map([...o.records].map(([s, list]) => [s, list.map(clean)]));
    const sorted = (m: Map<string, string[]>) => Object.fromEntries([...m].map(([s, l]) => [s, [...l].sort()]).sort());

    beforeAll(async () => {
      h = await connectorHarness({ connector: c.connector, fixtures: true, env });
      const d = await h.discover();
      catalog = ofType(d, 'CATALOG')[0].catalog;
      spec = ofType(await runConnector(h.main, ['spec']), 'SPEC')[0].spec.connectionSpecification;
    });
    afterAll(async () => h?.close());

    it('the package bin tap-<vendor> is Singer mode', async () => {
      const pkg = JSON.parse(readFileSync(join(connectorDir(c.connector), 'package.json'), 'utf8')) as {
        bin: Record<string, string>;
      };
      const tap = c.connector.replace(/^source-/, 'tap-');
      const bin = join(connectorDir(c.connector), pkg.bin[tap]);
      // started as the installed bin is: the file itself, by its #! line
      const about = await runConnector('', ['--about', '--format=json'], { command: [bin] });
      expect(about.code, about.stderr).toBe(0);
      expect(JSON.parse(about.stdout)).toMatchObject({
        name: tap,
        capabilities: expect.arrayContaining(['discover', 'state', 'stream-maps']),
      });
      const discover = await runConnector('', ['--config', jsonFile(h.config), '--discover'], { command: [bin], env });
      expect((JSON.parse(discover.stdout) as { streams: unknown[] }).streams.length).toBe(catalog.streams.length);
    });

    it('discover: a Singer catalog of the same streams, with keys and metadata breadcrumbs', async () => {
      const singer = await singerDiscover();
      expect(singer.streams.map((s) => s.tap_stream_id)).toEqual(catalog.streams.map((s) => s.name));
      for (const [i, s] of singer.streams.entries()) {
        const a = catalog.streams[i];
        const entry = s as unknown as { stream: string; key_properties: string[]; schema: { properties: object } };
        expect(entry.stream).toBe(a.name);
        expect(entry.key_properties).toEqual((a.source_defined_primary_key ?? []).map((p) => p.join('.')));
        const top = s.metadata.find((m) => m.breadcrumb.length === 0)?.metadata ?? {};
        expect(top['table-key-properties']).toEqual(entry.key_properties);
        expect(top['selected-by-default']).toBe(true);
        expect(top['valid-replication-keys']).toEqual(a.default_cursor_field ?? []);
        expect(top['forced-replication-method'] ?? top['replication-method']).toBe(
          a.default_cursor_field ? 'INCREMENTAL' : 'FULL_TABLE',
        );
        const crumbs = s.metadata.filter((m) => m.breadcrumb[0] === 'properties').map((m) => m.breadcrumb[1]);
        expect(crumbs).toEqual(Object.keys(entry.schema.properties));
        for (const m of s.metadata.filter((x) => x.breadcrumb.length))
          expect(['automatic', 'available']).toContain(m.metadata.inclusion);
      }
    });

    it('sync: Singer messages line by line, the same records as Airbyte mode, and a resume reads nothing older than its bookmarks', async () => {
      const airbyte = await airbyteRead();
      expect(airbyte.code, airbyte.stderr).toBe(0);
      const first = await singerSync();
      expect(first.code, first.stderr.slice(-2000)).toBe(0);
      const out = singerOutput(first);
      expect(sorted(singerRecords(out))).toEqual(sorted(recordsOf(airbyte)));
      expect([...out.schemas.keys()].sort()).toEqual(catalog.streams.map((s) => s.name).sort());
      const state = lastState(out);
      expect(Object.keys(state.bookmarks).length, 'no stream bookmarked anything').toBeGreaterThan(0);
      // from the last STATE: every record at or after its stream's bookmark, and the run ends well
      const again = await singerSync(undefined, state);
      expect(again.code, again.stderr.slice(-2000)).toBe(0);
      const resumed = singerOutput(again);
      for (const [stream, records] of resumed.records) {
        const cursor = catalog.streams.find((s) => s.name === stream)?.default_cursor_field?.[0];
        const bound = cursor ? state.bookmarks[stream]?.[cursor] : undefined;
        if (!cursor || (typeof bound !== 'string' && typeof bound !== 'number')) continue;
        for (const r of records) {
          const v = r[cursor];
          if (typeof v !== 'string' && typeof v !== 'number') continue;
          expect(
            compareCursor(v, bound),
            `${stream}: ${cursor} ${v} is older than the bookmark ${bound}`,
          ).toBeGreaterThanOrEqual(0);
        }
      }
      // and exactly what Airbyte mode reads from its own last per-stream STATEs
      const finals = new Map(ofType(airbyte, 'STATE').map((m) => [m.state.stream?.stream_descriptor.name, m.state]));
      const airbyteAgain = await run([
        'read',
        '--catalog',
        jsonFile(catalogFor(catalog), 'catalog.json'),
        '--state',
        jsonFile([...finals.values()], 'state.json'),
      ]);
      expect(airbyteAgain.code, airbyteAgain.stderr).toBe(0);
      expect(sorted(singerRecords(resumed))).toEqual(sorted(recordsOf(airbyteAgain)));
    });

    it('stream maps: no raw email or name in either protocol, hashes as node:crypto makes them', async () => {
      const raw = await airbyteRead();
      expect(raw.code, raw.stderr).toBe(0);
      const emails = new Set(raw.stdout.match(EMAIL) ?? []);
      const names = new Set<string>();
      const expected = new Map<string, string[]>(); // stream.property -> expected hashes
      for (const m of ofType(raw, 'RECORD')) {
        const map = c.pii[m.record.stream] ?? {};
        for (const [p, expr] of Object.entries(map)) {
          const v = m.record.data[p];
          // a name of four characters or more: shorter ones ("0", "Li") turn up inside any output
          if (expr === null && typeof v === 'string' && v.length >= 4) names.add(v);
          if (typeof expr !== 'string' || typeof v !== 'string') continue;
          const key = `${m.record.stream}.${p}`;
          expected.set(key, [...(expected.get(key) ?? []), expr.startsWith('md5') ? md5(v) : sha256(v + SEED)]);
        }
      }
      // a name that the output also holds as something else (first_name "Customer" beside a list titled
      // "Customers") says nothing about the map: only names found nowhere but in name properties count
      const elsewhere = ofType(raw, 'RECORD')
        .map((m) => {
          const map = c.pii[m.record.stream] ?? {};
          return JSON.stringify(Object.entries(m.record.data).filter(([p]) => map[p] !== null));
        })
        .join('\n');
      for (const n of names) if (elsewhere.includes(n)) names.delete(n);
      if (Object.keys(c.pii).length)
        expect(emails.size + names.size, 'the fixtures hold no PII: this proves nothing').toBeGreaterThan(0);
      const config = { ...h.config, stream_maps: c.pii, stream_map_config: { hash_seed: SEED } };
      const mappedCatalog = ofType(await run(['discover'], config), 'CATALOG')[0].catalog;
      const airbyte = await airbyteRead(config, mappedCatalog);
      const singer = await singerSync(config);
      for (const [mode, r] of [
        ['airbyte', airbyte],
        ['singer', singer],
      ] as const) {
        expect(r.code, `${mode}: ${r.stderr.slice(-2000)}`).toBe(0);
        const text = r.stdout + r.stderr;
        for (const e of emails) expect(text.includes(e), `${mode} output holds the email ${e}`).toBe(false);
        for (const n of names) expect(text.includes(n), `${mode} output holds the name ${n}`).toBe(false);
        const secrets = valuesAt(config, secretPaths(spec)).filter((v): v is string => typeof v === 'string');
        expect(secrets).toContain(SEED);
        for (const s of secrets) expect(text.includes(s), `${mode} output holds a secret`).toBe(false);
      }
      const singerOut = singerOutput(singer);
      const airbyteByStream = new Map<string, JsonObject[]>();
      for (const m of ofType(airbyte, 'RECORD'))
        airbyteByStream.set(m.record.stream, [...(airbyteByStream.get(m.record.stream) ?? []), m.record.data]);
      for (const [key, hashes] of expected) {
        const [stream, p] = key.split('.');
        for (const records of [airbyteByStream.get(stream) ?? [], singerOut.records.get(stream) ?? []])
          expect(
            records
              .map((r) => r[p])
              .filter((v) => v !== null)
              .sort(),
            key,
          ).toEqual([...hashes].sort());
      }
      for (const [stream, map] of Object.entries(c.pii))
        for (const [p, expr] of Object.entries(map))
          if (expr === null)
            expect(
              singerOut.schemas.get(stream)?.schema.properties,
              `${stream}.${p} still in the SCHEMA`,
            ).not.toHaveProperty(p);
    });

    it.skipIf(!c.faults)(
      'faults under Singer mode: the same records as a clean Singer sync (the read path the fault matrix tests)',
      async () => {
        const cleanRun = await singerSync();
        const want = sorted(singerRecords(singerOutput(cleanRun)));
        for (const fault of [
          { status: 503, times: 3, after: 2 },
          { drop: true, times: 1, after: 1 },
          { truncate: 0.6, times: 1, after: 1 },
        ]) {
          const before = h.server.faultsFired();
          h.server.addFault(fault);
          const faulty = await singerSync();
          h.server.clearFaults();
          expect(h.server.faultsFired(), `fault ${JSON.stringify(fault)} never fired`).toBeGreaterThan(before);
          expect(faulty.code, faulty.stderr.slice(-2000)).toBe(0);
          expect(sorted(singerRecords(singerOutput(faulty))), JSON.stringify(fault)).toEqual(want);
        }
      },
    );
  });
}
