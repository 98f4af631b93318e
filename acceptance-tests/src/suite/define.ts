// Generates the acceptance suite for one connector config: spec, check, discover, full refresh,
// incremental, faults and hygiene. Each connector gets its own replay/S3 environment.
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AirbyteCatalog, ConfiguredAirbyteCatalog, JsonObject } from '@conkit/base';
import { secretPaths, valuesAt } from '@conkit/base';
import { catalogFor, runConnector, type ConnectorRun } from '@conkit/base/testing';
import { repoRoot, startEnvironment, connectorDir, type AcceptanceConfig, type Environment } from './config.js';
import { run, runMode, writeJson } from './runner.js';
import * as check from './checks.js';
import { findSecret, scanForSecrets } from './scan.js';
import { defineFaultTests } from './faults.js';

export function defineAcceptance(cfg: AcceptanceConfig): void {
  const name = cfg.connector;
  describe(`acceptance: ${name}`, () => {
    let env: Environment;
    let config: Record<string, unknown>;
    let configFile: string;
    let catalog: AirbyteCatalog;
    let secrets: string[] = [];
    let secretFields: string[][] = [];
    const runs: ConnectorRun[] = [];
    const exec = async (args: string[]): Promise<ConnectorRun> => {
      const r = await run(name, args, cfg.env, (cfg.timeout_seconds ?? 120) * 1000);
      runs.push(r);
      return r;
    };
    const read = (configured: ConfiguredAirbyteCatalog, state?: unknown, file = configFile): Promise<ConnectorRun> =>
      exec([
        'read',
        '--config',
        file,
        '--catalog',
        writeJson('catalog.json', configured),
        ...(state ? ['--state', writeJson('state.json', state)] : []),
      ]);
    const readWith = read;
    const cursorOf = (stream: string): string | undefined =>
      catalog.streams.find((s) => s.name === stream)?.default_cursor_field?.[0];

    beforeAll(async () => {
      env = await startEnvironment(name);
      config = env.fill(cfg.config);
      configFile = writeJson('config.json', config);
      const spec = await exec(['spec']);
      const cs = check.of(spec, 'SPEC')[0]?.spec.connectionSpecification ?? {};
      secretFields = secretPaths(cs);
      secrets = valuesAt(config, secretFields).filter((v): v is string => typeof v === 'string');
      catalog = check.catalogIsSound(await exec(['discover', '--config', configFile]));
    });
    afterAll(async () => {
      await env?.close();
    });

    it('spec: a sound ConnectorSpecification', async () => {
      const r = await exec(['spec']);
      check.protocolOnly(r);
      check.specIsSound(r);
    });

    it('check: SUCCEEDED with a valid config, FAILED with actionable words for a wrong secret, exit 0 both', async () => {
      check.connectionStatus(await exec(['check', '--config', configFile]), 'SUCCEEDED');
      if (cfg.bad_credentials) {
        const badConfig = { ...config, ...env.fill(cfg.bad_credentials) };
        const bad = writeJson('bad.json', badConfig);
        const r = await exec(['check', '--config', bad]);
        check.protocolOnly(r);
        check.connectionStatus(r, 'FAILED');
        expect(env.replay.unmatched(), 'the bad-credentials check asked for something no fixture answers').toEqual([]);
        secrets.push(...valuesAt(badConfig, secretFields).filter((v): v is string => typeof v === 'string'));
      }
    });

    it('read (full refresh): valid records, expected records, statuses, state counts, repeatable, strict fixtures', async () => {
      const configured = catalogFor(catalog, { mode: 'full_refresh' });
      const first = await read(configured);
      check.readIsSound(first, catalog, configured);
      expect(env.replay.unmatched()).toEqual([]);
      if (cfg.expected_records) {
        const lines = readFileSync(join(repoRoot, cfg.expected_records), 'utf8').split('\n').filter(Boolean);
        check.containsExpected(
          first,
          catalog,
          lines.map((l) => JSON.parse(l) as { stream: string; data: JsonObject }),
        );
      }
      const second = await read(configured);
      check.sameRecords(first, second, catalog, cfg.volatile_fields);
      for (const s of catalog.streams)
        expect(
          check.of(first, 'RECORD').some((m) => m.record.stream === s.name),
          `no records for stream ${s.name}`,
        ).toBe(true);
      // a single selected stream gets no records of any other
      const one = catalogFor(catalog, { mode: 'full_refresh', streams: [catalog.streams[0].name] });
      check.readIsSound(await read(one), catalog, one);
      const unused = env.replay.unused().filter((n) => !/bad|wrong|invalid|denied|fault|error/i.test(n));
      expect(unused, 'recorded exchanges never requested').toEqual([]);
    });

    const inc = cfg.incremental?.streams ?? [];
    it.skipIf(inc.length === 0)(
      'read (incremental): states move forward, resume has no gap, a future state reads nothing',
      async () => {
        // Read one partition at a time, so that "records before the first STATE" are exactly what it
        // covers and a resume may repeat only boundary records; with partitions read concurrently,
        // records of parts still in flight precede a STATE without being covered by it (that case
        // has its own test: test/hardening/kill-resume.test.ts kills concurrent reads at random points).
        const serial = writeJson('serial-config.json', { ...config, max_concurrency: 1 });
        const read = (c: ConfiguredAirbyteCatalog, state?: unknown) => readWith(c, state, serial);
        const configured = catalogFor(catalog, { streams: inc, mode: 'incremental' });
        const full = await read(configured);
        check.readIsSound(full, catalog, configured);
        check.statesNeverGoBack(full, cursorOf);
        const finals = new Map<string, unknown>();
        for (const m of check.of(full, 'STATE')) finals.set(m.state.stream!.stream_descriptor.name, m.state);
        // again from the final state: nothing older than each stream's cursor
        const again = await read(configured, [...finals.values()]);
        check.readIsSound(again, catalog, configured);
        for (const m of check.of(again, 'RECORD')) {
          const field = cursorOf(m.record.stream);
          const st = (finals.get(m.record.stream) as { stream: { stream_state: JsonObject } } | undefined)?.stream
            .stream_state;
          const bound = field ? st?.[field] : undefined;
          const value = field ? m.record.data[field] : undefined;
          if (
            (typeof bound === 'string' || typeof bound === 'number') &&
            (typeof value === 'string' || typeof value === 'number')
          ) {
            expect(
              check.compareCursorSafe(value, bound),
              `${m.record.stream} record older than its state`,
            ).toBeGreaterThanOrEqual(0);
          }
        }
        // from the first mid-way state of each stream: exactly the remainder (boundary repeats allowed)
        for (const stream of inc) {
          const all = check.of(full, 'RECORD').filter((m) => m.record.stream === stream);
          const idx = full.messages.findIndex(
            (m) => 'type' in m && m.type === 'STATE' && m.state.stream?.stream_descriptor.name === stream,
          );
          const mid = full.messages[idx] as { state: unknown } | undefined;
          const before = new Set(
            full.messages
              .slice(0, idx)
              .flatMap((m) =>
                'type' in m && m.type === 'RECORD' && m.record.stream === stream
                  ? [check.pkOf(catalog, stream, m.record.data)]
                  : [],
              ),
          );
          if (!mid || before.size === 0 || before.size === all.length) continue;
          const one = catalogFor(catalog, { streams: [stream], mode: 'incremental' });
          const rest = await read(one, [mid.state]);
          const got = new Set(check.of(rest, 'RECORD').map((m) => check.pkOf(catalog, stream, m.record.data)));
          const expected = all.map((m) => check.pkOf(catalog, stream, m.record.data)).filter((k) => !before.has(k));
          for (const k of expected) expect(got.has(k), `${stream} record ${k} missing after resuming`).toBe(true);
          const dup = [...got].filter((k) => before.has(k));
          expect(
            dup.length,
            `${stream}: records before the state read again: ${dup.slice(0, 5).join(', ')}`,
          ).toBeLessThanOrEqual(cfg.incremental?.future_state ? 5 : 5);
        }
        // a state in the future: no records, at least one STATE
        for (const [stream, state] of Object.entries(cfg.incremental?.future_state ?? {})) {
          const one = catalogFor(catalog, { streams: [stream], mode: 'incremental' });
          const r = await read(one, [
            { type: 'STREAM', stream: { stream_descriptor: { name: stream }, stream_state: state } },
          ]);
          check.readIsSound(r, catalog, one);
          expect(check.of(r, 'RECORD').length, `${stream}: records read from a future state`).toBe(0);
          expect(check.of(r, 'STATE').length).toBeGreaterThanOrEqual(1);
        }
      },
    );

    defineFaultTests(cfg, { env: () => env, catalog: () => catalog, read });

    // The tools around a connector print and write what it sends them: the sync runner (its
    // progress, its error summary, the files it lands) and the recorder (the fixtures it writes for
    // a user with a real account, pointed here at the replay server as the service).
    it.skipIf(runMode() === 'image')(
      'secrets: the sync runner and the recorder print and write no secret, clean and with the service failing',
      async () => {
        const work = mkdtempSync(join(tmpdir(), `secrets-${name}-`));
        const sync = join(repoRoot, 'sync', 'dist', 'cli.js');
        for (const failing of [false, true]) {
          if (failing) {
            env.replay.addFault({ status: 503, times: 10_000, after: 2 });
            env.s3?.addFault({ kind: 'InternalError', times: 10_000, after: 2 });
          }
          const out = join(work, failing ? 'sync-failing' : 'sync-clean');
          const r = await runConnector(sync, [name, '--config', configFile, '--dest', 'jsonl', '--out', out], {
            env: { CONKIT_RETRY_BASE_MS: '20', CONKIT_PACING: 'off' },
            timeoutMs: 300_000,
          });
          env.replay.clearFaults();
          env.s3?.clearFaults();
          expect(
            r.code === 0,
            `sync ${failing ? 'with the service failing' : 'clean'} exited ${r.code}: ${r.stderr.slice(-500)}`,
          ).toBe(!failing);
          // a sync that failed before its first commit writes no folder at all (sync/README.md)
          const landed = existsSync(out) ? readdirSync(out).filter((f) => f.endsWith('.jsonl')) : [];
          if (!failing)
            expect(landed.length, 'the clean sync landed no stream: the scan would prove nothing').toBeGreaterThan(0);
          expect(
            findSecret(r.stdout, secrets) ?? findSecret(r.stderr, secrets),
            `the sync runner printed a secret (${failing ? 'failing' : 'clean'})`,
          ).toBeUndefined();
          expect(scanForSecrets(out, secrets)).toEqual([]);
        }
        const urlField = Object.keys(cfg.config).find(
          (k) => typeof cfg.config[k] === 'string' && (cfg.config[k] as string).startsWith('{{replay_url}}'),
        );
        if (!urlField) return; // S3 only: nothing goes through the HTTP recorder
        const fixture = join(work, 'recorded.yaml');
        const record = join(repoRoot, 'acceptance-tests', 'dist', 'record.js');
        const r = await runConnector(
          record,
          [
            '--connector',
            name,
            '--config',
            configFile,
            '--upstream',
            String(config[urlField]),
            '--url-field',
            urlField,
            '--out',
            fixture,
          ],
          { timeoutMs: 300_000 },
        );
        expect(r.code, r.stderr.slice(-1000)).toBe(0);
        expect(readFileSync(fixture, 'utf8').length, 'the recorder wrote nothing').toBeGreaterThan(1000);
        expect(
          findSecret(r.stdout, secrets) ?? findSecret(r.stderr, secrets),
          'the recorder printed a secret',
        ).toBeUndefined();
        expect(scanForSecrets(fixture, secrets)).toEqual([]);
      },
    );

    it('hygiene: unknown stream is a config_error; no secret in any output or fixture', async () => {
      const bad = {
        streams: [
          {
            stream: { name: 'no_such_stream', json_schema: {}, supported_sync_modes: ['full_refresh'] },
            sync_mode: 'full_refresh',
            destination_sync_mode: 'append',
          },
        ],
      };
      check.unknownStreamIsConfigError(
        await exec(['read', '--config', configFile, '--catalog', writeJson('k.json', bad)]),
      );
      expect(secrets.length, 'the acceptance config has no secret to look for').toBeGreaterThan(0);
      for (const r of runs) check.protocolOnly(r);
      check.noSecrets(runs, secrets);
      expect(scanForSecrets(join(connectorDir(name), 'fixtures'), secrets)).toEqual([]);
    });
  });
}
