// Runs a connector for the suite: as a Node process (default) or as its image (ACCEPTANCE_IMAGE=1),
// with the same arguments and the same assertions.
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { runConnector, type ConnectorRun } from '@conkit/base/testing';
import { connectorDir } from './config.js';

const work = mkdtempSync(join(tmpdir(), 'acceptance-'));
// an image runs as the unprivileged node user and must be able to read what is mounted
chmodSync(work, 0o755);
let n = 0;

export function writeJson(name: string, value: unknown): string {
  const f = join(work, `${n++}-${name}`);
  writeFileSync(f, JSON.stringify(value), { mode: 0o644 });
  return f;
}

function containerEngine(): string | undefined {
  for (const e of ['podman', 'docker']) if (spawnSync(e, ['--version']).status === 0) return e;
  return undefined;
}

export function runMode(): 'node' | 'image' {
  return process.env.ACCEPTANCE_IMAGE === '1' ? 'image' : 'node';
}

export function run(
  connector: string,
  args: string[],
  env: Record<string, string> = {},
  timeoutMs = 120_000,
): Promise<ConnectorRun> {
  const fullEnv = { CONKIT_RETRY_BASE_MS: '20', ...env };
  if (runMode() === 'image') {
    const engine = containerEngine();
    if (!engine) throw new Error('ACCEPTANCE_IMAGE=1 but neither podman nor docker is available');
    const envArgs = Object.entries(fullEnv).flatMap(([k, v]) => ['-e', `${k}=${v}`]);
    const command = [
      engine,
      'run',
      '--rm',
      '--network',
      'host',
      '-v',
      `${work}:${work}:ro`,
      ...envArgs,
      `${connector}:dev`,
    ];
    return runConnector('', args, { command, timeoutMs });
  }
  return runConnector(join(connectorDir(connector), 'dist', 'main.js'), args, { env: fullEnv, timeoutMs });
}
