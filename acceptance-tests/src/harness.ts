// A connector test in one call: the servers its fixtures need, its config with their addresses
// filled in, and @conkit/base/testing's harness over the built connector. The server part is here
// and not in the kit because these servers are the acceptance harness's (the kit must not depend
// on its own test harness; this package already depends on the kit).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { harness, type Harness, type HarnessOptions } from '@conkit/base/testing';
import { startReplayServer, type ReplayOptions, type ReplayServer } from './replay/server.js';
import { startS3Server, type S3Server } from './s3/server.js';
import { connectorDir, loadAcceptanceConfigs } from './suite/config.js';

export interface ConnectorHarnessOptions extends Omit<HarnessOptions, 'main' | 'close'> {
  /** The connector's folder name under connectors/, e.g. 'source-wootric'. */
  connector: string;
  /**
   * The config; `{{replay_url}}`, `{{s3_endpoint}}`, `{{s3_access_key_id}}` and
   * `{{s3_secret_access_key}}` are filled in (as in acceptance configs). Default: the connector's
   * acceptance config (acceptance-tests/<connector>.yaml).
   */
  config?: Record<string, unknown>;
  /** Fields set over the config (the acceptance config when `config` is not given), e.g. a test's own password. */
  configWith?: Record<string, unknown>;
  /** Serve the connector's fixtures: a replay server on fixtures/http, an S3 server on fixtures/s3 (each if present). */
  fixtures?: boolean;
  /** A replay server with these options (instead of, or with fixtures: true over, fixtures/http). */
  replay?: ReplayOptions;
  /** An S3 server with no objects (when fixtures gives none). */
  s3?: boolean;
}

export interface ConnectorHarness extends Harness {
  /** The replay server (throws if none was asked for). */
  readonly server: ReplayServer;
  /** The S3 server (throws if none was asked for). */
  readonly s3: S3Server;
}

export async function connectorHarness(opts: ConnectorHarnessOptions): Promise<ConnectorHarness> {
  const { connector, fixtures, replay: replayOptions, s3: emptyS3, config, configWith, ...rest } = opts;
  const dir = connectorDir(connector);
  const http = join(dir, 'fixtures', 'http');
  const s3dir = join(dir, 'fixtures', 's3');
  const withHttp = fixtures && existsSync(http);
  const replay =
    withHttp || replayOptions
      ? await startReplayServer({ ...(withHttp ? { fixtures: http } : {}), ...replayOptions })
      : undefined;
  const s3 =
    (fixtures && existsSync(s3dir)) || emptyS3
      ? await startS3Server(fixtures && existsSync(s3dir) ? { fixtures: s3dir } : {})
      : undefined;
  const vars: Record<string, string | undefined> = {
    replay_url: replay?.url,
    s3_endpoint: s3?.endpoint,
    s3_access_key_id: s3?.credentials.accessKeyId,
    s3_secret_access_key: s3?.credentials.secretAccessKey,
  };
  const fill = (v: unknown): unknown => {
    if (typeof v === 'string') return v.replace(/\{\{\s*(\w+)\s*\}\}/g, (m, k: string) => vars[k] ?? m);
    if (Array.isArray(v)) return v.map(fill);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, fill(x)]));
    return v;
  };
  const acceptance = () => loadAcceptanceConfigs().find((c) => c.connector === connector)!.config;
  const h = harness({
    ...rest,
    main: join(dir, 'dist', 'main.js'),
    config: fill({ ...(config ?? acceptance()), ...configWith }) as Record<string, unknown>,
    close: async () => {
      await replay?.close();
      await s3?.close();
    },
  });
  const need = <T>(server: T | undefined, what: string): T => {
    if (!server)
      throw new Error(
        `${connector}'s harness has no ${what} server: pass fixtures: true, or ${what === 'replay' ? 'replay' : 's3: true'}`,
      );
    return server;
  };
  return Object.defineProperties(h, {
    server: { get: () => need(replay, 'replay') },
    s3: { get: () => need(s3, 'S3') },
  }) as ConnectorHarness;
}
