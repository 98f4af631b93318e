// A real HTTP server on 127.0.0.1 for the example connector: /items pages N items sorted by
// updated_at, with faults a test can queue (status codes, Retry-After, dropped connections).
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Fault {
  status?: number;
  retryAfter?: string;
  drop?: boolean;
  body?: string;
}

export interface ExampleServer {
  url: string;
  faults: Fault[];
  requests: string[];
  total: number;
  close(): Promise<void>;
}

export const updatedAt = (id: number): string => new Date(Date.UTC(2021, 0, 1) + id * 60_000).toISOString();

export async function startExampleServer(total: number, opts: { apiKey?: string } = {}): Promise<ExampleServer> {
  const state: ExampleServer = { url: '', faults: [], requests: [], total, close: async () => undefined };
  const server = http.createServer((req, res) => {
    const u = new URL(req.url ?? '/', 'http://127.0.0.1');
    state.requests.push(u.pathname + u.search);
    if (opts.apiKey && req.headers.authorization !== `Bearer ${opts.apiKey}`) {
      res.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'invalid api key' }));
      return;
    }
    const fault = u.pathname === '/items' ? state.faults.shift() : undefined;
    if (fault?.status) {
      res
        .writeHead(fault.status, fault.retryAfter ? { 'retry-after': fault.retryAfter } : {})
        .end(fault.body ?? 'fault');
      return;
    }
    if (u.pathname === '/items') {
      const page = Number(u.searchParams.get('page') ?? 1);
      const size = Number(u.searchParams.get('per_page') ?? 100);
      const since = u.searchParams.get('since');
      const firstId = since ? Math.max(0, Math.ceil((Date.parse(since) - Date.UTC(2021, 0, 1)) / 60_000)) : 0;
      const items = [];
      for (let i = 0; i < size; i++) {
        const id = firstId + (page - 1) * size + i;
        if (id >= state.total) break;
        items.push({ id, name: `item ${id}`, updated_at: updatedAt(id) });
      }
      const body = JSON.stringify({ items });
      if (fault?.drop) {
        // headers and half the body, then the socket dies: a connection reset mid-body
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(body.length) });
        res.write(body.slice(0, Math.floor(body.length / 2)));
        setTimeout(() => req.socket.destroy(), 5);
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(body);
      return;
    }
    if (u.pathname === '/events') {
      res.writeHead(200, { 'content-type': 'application/json' }).end('[]');
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.close = () =>
    new Promise((r) => {
      server.closeAllConnections();
      server.close(() => r());
    });
  return state;
}
