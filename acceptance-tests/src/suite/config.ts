// A connector's acceptance config (acceptance-tests/<connector>.yaml) and the environment it runs in:
// the replay server on its fixtures, the local S3 server on its S3 fixtures, placeholders filled in.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { startReplayServer, type ReplayServer } from '../replay/server.js';
import { startS3Server, type S3Server } from '../s3/server.js';

export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

export interface AcceptanceConfig {
  connector: string;
  config: Record<string, unknown>;
  bad_credentials?: Record<string, unknown>;
  expected_records?: string;
  incremental?: { streams: string[]; future_state?: Record<string, Record<string, unknown>> };
  faults?: (
    | '429'
    | '429bare'
    | '500'
    | '502'
    | '503'
    | 'drop'
    | 'truncate'
    | 'slow'
    | 'SlowDown'
    | 'InternalError'
    | 's3drop'
    | number
  )[];
  /** Fields that legitimately differ between two reads (e.g. __synced_at). */
  volatile_fields?: string[];
  env?: Record<string, string>;
  timeout_seconds?: number;
  /** The file this came from. */
  file: string;
}

export function loadAcceptanceConfigs(dir = join(repoRoot, 'acceptance-tests')): AcceptanceConfig[] {
  return readdirSync(dir)
    .filter((f) => /^source-.*\.ya?ml$/.test(f))
    .sort()
    .map((f) => ({
      ...(parse(readFileSync(join(dir, f), 'utf8')) as Omit<AcceptanceConfig, 'file'>),
      file: join(dir, f),
    }));
}

export interface Environment {
  replay: ReplayServer;
  s3?: S3Server;
  fill<T>(value: T): T;
  close(): Promise<void>;
}

export function connectorDir(name: string): string {
  return join(repoRoot, 'connectors', name);
}

/** Starts the servers a connector's fixtures need. */
export async function startEnvironment(name: string, opts: { strict?: boolean } = {}): Promise<Environment> {
  const fixtures = join(connectorDir(name), 'fixtures');
  const http = join(fixtures, 'http');
  const replay = await startReplayServer({ fixtures: existsSync(http) ? http : [] });
  const s3dir = join(fixtures, 's3');
  const s3 = existsSync(s3dir) ? await startS3Server({ fixtures: s3dir }) : undefined;
  void opts;
  const vars: Record<string, string> = {
    replay_url: replay.url,
    s3_endpoint: s3?.endpoint ?? 'http://127.0.0.1:9',
    s3_access_key_id: s3?.credentials.accessKeyId ?? '',
    s3_secret_access_key: s3?.credentials.secretAccessKey ?? '',
  };
  const fill = <T>(value: T): T => {
    if (typeof value === 'string') return value.replace(/\{\{\s*(\w+)\s*\}\}/g, (m, k: string) => vars[k] ?? m) as T;
    if (Array.isArray(value)) return value.map(fill) as T;
    if (value && typeof value === 'object')
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fill(v)])) as T;
    return value;
  };
  return {
    replay,
    s3,
    fill,
    close: async () => {
      await replay.close();
      await s3?.close();
    },
  };
}
