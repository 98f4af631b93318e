// Local HTTP servers for the kit's tests: one started on a free port of 127.0.0.1, and one that
// lives for a whole test file (started before its tests, closed after them).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll } from 'vitest';

export interface LocalServer {
  readonly server: http.Server;
  readonly url: string;
  /** Closes the server and every connection still open to it. */
  close(): Promise<void>;
}

export async function startServer(listener: http.RequestListener): Promise<LocalServer> {
  const server = http.createServer(listener);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const close = () =>
    new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    });
  return { server, url, close };
}

/** A server for the file's tests: `url` is its address once they run. */
export function serveDuringFile(listener: http.RequestListener): { readonly url: string } {
  let local: LocalServer | undefined;
  beforeAll(async () => void (local = await startServer(listener)));
  afterAll(() => local?.close());
  return {
    get url() {
      return local!.url;
    },
  };
}
