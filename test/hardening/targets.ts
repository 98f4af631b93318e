// What the hardening tests run against: the kit's example connector and every built connector that
// has an acceptance config. Service URLs point at a closed port on 127.0.0.1, so nothing leaves the
// machine and a config that passes validation fails fast on the network instead of hanging.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

export interface Target { name: string; main: string; config: Record<string, unknown> }

const root = fileURLToPath(new URL('../../', import.meta.url));
export const CLOSED = 'http://127.0.0.1:9';

function substitute(value: unknown): unknown {
  if (typeof value === 'string') return value.replace(/\{\{\s*(replay_url|s3_endpoint)\s*\}\}/g, CLOSED);
  if (Array.isArray(value)) return value.map(substitute);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v)]));
  return value;
}

export function targets(): Target[] {
  const list: Target[] = [
    { name: 'source-example', main: join(root, 'base/test/example/source-example.mjs'), config: { api_key: 'example-fuzz-secret-1', base_url: CLOSED } },
  ];
  const dir = join(root, 'acceptance-tests');
  for (const file of existsSync(dir) ? readdirSync(dir).filter((f) => /^source-.*\.ya?ml$/.test(f)).sort() : []) {
    const cfg = parse(readFileSync(join(dir, file), 'utf8')) as { connector?: string; config?: Record<string, unknown> };
    const name = cfg.connector ?? file.replace(/\.ya?ml$/, '');
    const main = join(root, 'connectors', name, 'dist', 'main.js');
    if (cfg.config && existsSync(main)) list.push({ name, main, config: substitute(cfg.config) as Record<string, unknown> });
  }
  return list;
}
