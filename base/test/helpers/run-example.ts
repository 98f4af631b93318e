import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runConnector, validateMessage, type ConnectorRun } from '../../src/testing/index.js';

export const EXAMPLE = fileURLToPath(new URL('../example/source-example.mjs', import.meta.url));

export function tempJson(name: string, value: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), 'conkit-'));
  const file = join(dir, name);
  writeFileSync(file, typeof value === 'string' ? value : JSON.stringify(value));
  return file;
}

export function catalog(streams: string[], mode: 'incremental' | 'full_refresh' = 'incremental'): unknown {
  return {
    streams: streams.map((name) => ({
      stream: { name, json_schema: {}, supported_sync_modes: ['full_refresh', 'incremental'] },
      sync_mode: name === 'items' ? mode : 'full_refresh',
      destination_sync_mode: 'append',
    })),
  };
}

export async function example(args: string[], env: NodeJS.ProcessEnv = {}): Promise<ConnectorRun> {
  return runConnector(EXAMPLE, args, { env: { CONKIT_RETRY_BASE_MS: '20', ...env }, timeoutMs: 60_000 });
}

/** Every stdout line must be a valid AirbyteMessage; returns the problems found. */
export function protocolProblems(run: ConnectorRun): string[] {
  return run.messages.flatMap((m, i) =>
    'unparsed' in m ? [`line ${i + 1} is not JSON`] : validateMessage(m).map((e) => `line ${i + 1}: ${e}`),
  );
}
