// What the hardening tests run against: the kit's example connector and every built connector that
// has an acceptance config. Service URLs point at a closed port on 127.0.0.1, so nothing leaves the
// machine and a config that passes validation fails fast on the network instead of hanging.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { startExampleServer } from '../../base/src/testing/index.js';
import { startEnvironment } from '../../acceptance-tests/src/suite/config.js';

/** A connector's fixtures served locally, and a config that reads them (for tests that need real reads). */
export interface Fixtures {
  config: Record<string, unknown>;
  /** Requests no fixture answered since the servers started (a resumed read asking for something unrecorded). */
  unmatched(): string[];
  close(): Promise<void>;
}

export interface Target {
  name: string;
  main: string;
  config: Record<string, unknown>;
  fixtures: () => Promise<Fixtures>;
}

const root = fileURLToPath(new URL('../../', import.meta.url));
export const CLOSED = 'http://127.0.0.1:9';

function substitute(value: unknown): unknown {
  if (typeof value === 'string') return value.replace(/\{\{\s*(replay_url|s3_endpoint)\s*\}\}/g, CLOSED);
  if (Array.isArray(value)) return value.map(substitute);
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v)]));
  return value;
}

/**
 * The example server computes ids from ?since= and throws (in this process) on a value that is not a
 * date. In front of it, this answers such a request HTTP 400 as a real API does, so a connector that
 * sends a broken cursor gets an error it must handle instead of taking the test process down.
 */
async function exampleApiFront(upstream: string): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    const since = new URL(req.url ?? '/', 'http://127.0.0.1').searchParams.get('since');
    if (since !== null && Number.isNaN(Date.parse(since))) {
      res
        .writeHead(400, { 'content-type': 'application/json' })
        .end(JSON.stringify({ error: `since: not a date: ${since}` }));
      req.resume();
      return;
    }
    const out = http.request(`${upstream}${req.url ?? '/'}`, { method: req.method, headers: req.headers }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    out.on('error', () => res.destroy());
    req.pipe(out);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

export function targets(): Target[] {
  const list: Target[] = [
    {
      name: 'source-example',
      main: join(root, 'base/test/example/source-example.mjs'),
      config: { api_key: 'example-fuzz-secret-1', base_url: CLOSED },
      fixtures: async () => {
        const server = await startExampleServer(250, { apiKey: 'example-fuzz-secret-1' });
        const front = await exampleApiFront(server.url);
        return {
          config: { api_key: 'example-fuzz-secret-1', base_url: front.url, page_size: 50 },
          unmatched: () => [],
          close: async () => {
            await front.close();
            await server.close();
          },
        };
      },
    },
  ];
  const dir = join(root, 'acceptance-tests');
  for (const file of existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => /^source-.*\.ya?ml$/.test(f))
        .sort()
    : []) {
    const cfg = parse(readFileSync(join(dir, file), 'utf8')) as {
      connector?: string;
      config?: Record<string, unknown>;
    };
    const name = cfg.connector ?? file.replace(/\.ya?ml$/, '');
    const main = join(root, 'connectors', name, 'dist', 'main.js');
    const raw = cfg.config;
    const fixtures = async (): Promise<Fixtures> => {
      const env = await startEnvironment(name);
      return {
        config: env.fill(raw!),
        unmatched: () => env.replay.unmatched().map((u) => `${u.request}: ${u.diff.join('; ')}`),
        close: () => env.close(),
      };
    };
    if (raw && existsSync(main))
      list.push({ name, main, config: substitute(raw) as Record<string, unknown>, fixtures });
  }
  return list;
}
