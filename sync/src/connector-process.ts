// Starts a connector the way an orchestrator does: as a Node process or as its image.
import { spawn, spawnSync, type ChildProcessByStdio } from 'node:child_process';
import { existsSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { Readable } from 'node:stream';

export const repoRoot = resolve(dirname(new URL(import.meta.url).pathname), '..', '..');

export interface ConnectorRef {
  name: string;
  command: string[];
  mounts: string[];
}

/** A connector name under connectors/, or a path to a built main.js. */
export function resolveConnector(nameOrPath: string, image: boolean): ConnectorRef {
  if (image) {
    const engine = ['podman', 'docker'].find((e) => spawnSync(e, ['--version']).status === 0);
    if (!engine) throw new Error('--image needs podman or docker on the PATH');
    return { name: nameOrPath, command: [engine, 'run', '--rm', '-i', '--network', 'host'], mounts: [] };
  }
  const path = existsSync(nameOrPath)
    ? resolve(nameOrPath)
    : join(repoRoot, 'connectors', nameOrPath, 'dist', 'main.js');
  if (!existsSync(path)) throw new Error(`No connector '${nameOrPath}': expected ${path} (run the build first)`);
  // connectors/<name>/dist/main.js is <name>; any other file is its own name
  const name = !existsSync(nameOrPath)
    ? nameOrPath
    : /\/dist\/main\.m?js$/.test(path)
      ? basename(dirname(dirname(path)))
      : basename(path).replace(/\.m?js$/, '');
  return { name, command: [process.execPath, path], mounts: [] };
}

export function startConnector(
  ref: ConnectorRef,
  args: string[],
  image: string | undefined,
  files: string[],
): ChildProcessByStdio<null, Readable, Readable> {
  const [cmd, ...rest] = ref.command;
  let pre = rest;
  if (image) {
    const dirs = [...new Set(files.map((f) => dirname(f)))];
    pre = [...pre, ...dirs.flatMap((d) => ['-v', `${d}:${d}:ro`]), image];
  }
  return spawn(cmd, [...pre, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
}
