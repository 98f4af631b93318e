// Record mode: a proxy on 127.0.0.1 in front of the real service. The connector talks to it; it
// forwards each request and writes what it saw as fixtures in the replay format, scrubbed on the
// way (see scrub.ts), so a user with a real account can refresh the fixtures.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { writeFileSync } from 'node:fs';
import { stringify } from 'yaml';
import { Scrubber } from './scrub.js';
import { soapCall, type LiveRequest } from '../replay/match.js';
import type { Exchange } from '../replay/fixtures.js';

export interface Recorder {
  url: string;
  exchanges: Exchange[];
  scrubber: Scrubber;
  save(file: string): void;
  close(): Promise<void>;
}

const REQUEST_HEADERS_KEPT = /^(authorization|x-ometria-auth|x-api-key|soapaction)$/i;
const RESPONSE_HEADERS_KEPT = /^(content-type|retry-after|x-rate-limit-.*|ratelimit-.*|x-ratelimit-.*)$/i;

export async function startRecorder(upstream: string, secrets: string[]): Promise<Recorder> {
  const scrubber = new Scrubber(secrets);
  const exchanges: Exchange[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        const body = Buffer.concat(chunks);
        const url = new URL(req.url ?? '/', upstream);
        const headers = Object.fromEntries(
          Object.entries(req.headers)
            .filter(([k]) => !/^(host|connection|content-length)$/i.test(k))
            .map(([k, v]) => [k, String(v)]),
        );
        const up = await fetch(url, {
          method: req.method,
          headers,
          body: ['GET', 'HEAD'].includes(req.method ?? 'GET') ? undefined : body,
        });
        const text = await up.text();
        const respHeaders = Object.fromEntries(up.headers.entries());
        res
          .writeHead(up.status, { 'content-type': respHeaders['content-type'] ?? 'application/octet-stream' })
          .end(text);
        const live: LiveRequest = {
          method: req.method ?? 'GET',
          path: url.pathname,
          query: Object.fromEntries(url.searchParams),
          headers,
          body: body.toString('utf8'),
        };
        exchanges.push(toExchange(live, up.status, respHeaders, text, scrubber, exchanges.length + 1));
      })().catch((e) => res.writeHead(502).end(String(e)));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    exchanges,
    scrubber,
    save: (file) =>
      writeFileSync(
        file,
        `# Recorded by acceptance-tests/dist/record.js and scrubbed: secrets and tokens are "*" or\n# placeholders, personal data is replaced by stable fake values.\n${stringify(exchanges.map(({ dir: _dir, ...e }) => e))}`,
      ),
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

function toExchange(
  req: LiveRequest,
  status: number,
  headers: Record<string, string>,
  text: string,
  s: Scrubber,
  n: number,
): Exchange {
  const request: Exchange['request'] = { method: req.method, path: req.path };
  if (Object.keys(req.query).length) request.query = s.value('query', req.query) as Record<string, string>;
  const kept = s.headers(req.headers, (k) => REQUEST_HEADERS_KEPT.test(k) && k !== 'soapaction');
  if (Object.keys(kept).length) request.headers = kept;
  const call = soapCall(req);
  if (call) {
    const params = Object.fromEntries(
      Object.entries(call.params).map(([k, v]) => [k, /password|secret|token/i.test(k) ? '*' : String(s.value(k, v))]),
    );
    request.soap = { action: call.action, params };
  } else if (/x-www-form-urlencoded/.test(req.headers['content-type'] ?? '')) {
    const form = Object.fromEntries(new URLSearchParams(req.body));
    request.form = Object.fromEntries(
      Object.entries(form).map(([k, v]) => [k, /secret|password|token/i.test(k) ? '*' : String(s.value(k, v))]),
    );
  } else if (req.body && /json/.test(req.headers['content-type'] ?? '')) {
    request.json = s.value('body', JSON.parse(req.body));
  }
  let response: Exchange['response'];
  try {
    response = {
      status,
      headers: s.headers(headers, (k) => RESPONSE_HEADERS_KEPT.test(k)),
      body: s.value('body', JSON.parse(text)),
    };
  } catch {
    response = { status, headers: s.headers(headers, (k) => RESPONSE_HEADERS_KEPT.test(k)), text: s.text(text) };
  }
  return { name: `${req.method} ${req.path} #${n}`, request, response };
}
