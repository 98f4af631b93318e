// One connector under test: its config, a catalog of stream names, runs of the built connector and
// the messages a test looks at. Generic: it knows no server. The servers a connector's fixtures
// need live in @conkit/acceptance-tests, which depends on this package; its connectorHarness starts
// them and hands the filled-in config here (the kit never imports its own test harness).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type {
  AirbyteConnectionStatus,
  AirbyteStateMessage,
  AirbyteTraceMessage,
  JsonObject,
  SyncMode,
} from '../protocol.js';
import { ofType, runConnector, type ConnectorRun } from './run-connector.js';

type Config = Record<string, unknown>;

let dir: string | undefined;
let written = 0;
/** Writes `value` as JSON to a new file in this process's temp folder and returns its path. */
export function jsonFile(value: unknown, name = 'data.json'): string {
  dir ??= mkdtempSync(join(tmpdir(), 'conkit-test-'));
  const f = join(dir, `${written++}-${name}`);
  writeFileSync(f, JSON.stringify(value));
  return f;
}

export interface HarnessOptions {
  /** The built connector (its dist/main.js). */
  main: string;
  config?: Config;
  /** The sync mode of every stream in a read's catalog, unless the read says otherwise (default incremental). */
  mode?: SyncMode;
  /** Environment of every run; a run's own env goes over it. */
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
  /** What ends with the harness (the servers it runs against). */
  close?: () => Promise<void>;
}

export interface ReadOptions {
  mode?: SyncMode;
  /** The incoming state: a list of STATE messages' `state`. */
  state?: unknown[];
  env?: NodeJS.ProcessEnv;
  /** Fields over the harness's config, for this run only (undefined drops a field). */
  config?: Config;
  timeoutMs?: number;
}

type RunOptions = Pick<ReadOptions, 'env' | 'config' | 'timeoutMs'>;
export type CheckRun = ConnectorRun & { status: AirbyteConnectionStatus };
type TraceError = NonNullable<AirbyteTraceMessage['error']>;

export interface Harness {
  /** The built connector, for a test that starts it itself. */
  readonly main: string;
  /** The config every run gets (placeholders filled). */
  readonly config: Config;
  read(streams: string[], opts?: ReadOptions): Promise<ConnectorRun>;
  check(opts?: RunOptions): Promise<CheckRun>;
  discover(opts?: RunOptions): Promise<ConnectorRun>;
  /** Record data of one stream, or of all. */
  records(run: ConnectorRun, stream?: string): JsonObject[];
  /** The errors of TRACE ERROR messages. */
  errors(run: ConnectorRun): TraceError[];
  /** The messages of WARN logs. */
  warnings(run: ConnectorRun): string[];
  /** Each STREAM_STATUS as 'stream:STATUS', in order. */
  statuses(run: ConnectorRun): string[];
  /** The last STATE message's state. */
  state(run: ConnectorRun): AirbyteStateMessage;
  close(): Promise<void>;
}

/** A configured catalog of the named streams, each in `mode`. */
export function catalogOf(streams: string[], mode: SyncMode = 'incremental') {
  return {
    streams: streams.map((name) => ({
      stream: { name, json_schema: {}, supported_sync_modes: ['full_refresh', 'incremental'] },
      sync_mode: mode,
      destination_sync_mode: mode === 'incremental' ? 'append_dedup' : 'overwrite',
    })),
  };
}

export function harness(opts: HarnessOptions): Harness {
  const config = opts.config ?? {};
  const run = (args: string[], o: RunOptions) =>
    runConnector(opts.main, [...args, '--config', jsonFile({ ...config, ...o.config }, 'config.json')], {
      env: { ...opts.env, ...o.env },
      timeoutMs: o.timeoutMs ?? opts.timeoutMs,
    });
  return {
    main: opts.main,
    config,
    read: (streams, o = {}) => {
      const catalog = jsonFile(catalogOf(streams, o.mode ?? opts.mode), 'catalog.json');
      const state = o.state ? ['--state', jsonFile(o.state, 'state.json')] : [];
      return run(['read', '--catalog', catalog, ...state], o);
    },
    check: async (o = {}) => {
      const r = await run(['check'], o);
      // undefined when the run printed no status (the test's own expectation then fails)
      return { ...r, status: ofType(r, 'CONNECTION_STATUS')[0]?.connectionStatus as AirbyteConnectionStatus };
    },
    discover: (o = {}) => run(['discover'], o),
    records: (r, stream) =>
      ofType(r, 'RECORD')
        .filter((m) => stream === undefined || m.record.stream === stream)
        .map((m) => m.record.data),
    errors: (r) =>
      ofType(r, 'TRACE')
        .filter((m) => m.trace.type === 'ERROR')
        .map((m) => m.trace.error!),
    warnings: (r) =>
      ofType(r, 'LOG')
        .filter((m) => m.log.level === 'WARN')
        .map((m) => m.log.message),
    statuses: (r) =>
      ofType(r, 'TRACE')
        .filter((m) => m.trace.type === 'STREAM_STATUS')
        .map((m) => `${m.trace.stream_status!.stream_descriptor.name}:${m.trace.stream_status!.status}`),
    state: (r) => ofType(r, 'STATE').at(-1)!.state,
    close: async () => opts.close?.(),
  };
}
