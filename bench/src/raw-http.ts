// The raw pipeline for HTTP connectors: the very requests the connector made (same URLs, same
// bodies, same order), each fetched, parsed (JSON or XML), optionally mapped to the connector's
// columns (raw-maps.ts), every item JSON.stringify'd as a RECORD
// line and written with back-pressure. No validation, masking, state, retries or paging logic. The
// next request is sent before the current page is written, as the kit does. A request marked
// `emit: false` (its items are not records of the stream, e.g. Listrak's list and message lookups)
// is fetched and parsed but writes nothing. With a key field named (`key`), an item whose key was
// already written is dropped, as the connector drops the ids its sliding window reads twice (Wootric).
import { readFileSync } from 'node:fs';
import { XMLParser } from 'fast-xml-parser';
import { rawMap } from './raw-maps.js';

interface Req {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
  emit?: false;
}
const [file, mode, stream, mapName, root, key] = process.argv.slice(2);
const keyField = key && key !== 'none' ? key : undefined;
const written = new Set<unknown>();
const map = await rawMap(root ?? '', mapName);
const requests = JSON.parse(readFileSync(file, 'utf8')) as Req[];
const xml = new XMLParser({ ignoreAttributes: true, removeNSPrefix: true, parseTagValue: false });
let buf = '';
const flush = async (): Promise<void> => {
  if (!process.stdout.write(buf)) await new Promise((r) => process.stdout.once('drain', r));
  buf = '';
};
const itemsOf = (text: string): unknown[] => {
  if (mode === 'json') {
    const body = JSON.parse(text) as unknown;
    return Array.isArray(body) ? body : [];
  }
  // SOAP: Envelope > Body > XResponse > XResult > item[]
  const body = (xml.parse(text) as { Envelope: { Body: Record<string, Record<string, Record<string, unknown>>> } })
    .Envelope.Body;
  const result = Object.values(Object.values(body)[0] ?? {})[0];
  const items = result && typeof result === 'object' ? Object.values(result)[0] : undefined;
  return Array.isArray(items) ? items : items ? [items] : [];
};
// like the kit, the next request goes out before this page is written (the list is known here)
const send = (r: Req): Promise<Response> => fetch(r.url, { method: r.method, headers: r.headers, body: r.body });
let next: Promise<Response> | undefined = requests.length ? send(requests[0]) : undefined;
for (let i = 0; next; i++) {
  const text = await (await next).text();
  next = i + 1 < requests.length ? send(requests[i + 1]) : undefined;
  if (next) await new Promise((r) => setImmediate(r)); // let the request reach the socket
  const items = itemsOf(text);
  if (requests[i].emit === false) continue;
  for (const item of items) {
    if (keyField) {
      // one Set operation per item: the size stays put when the key was already written
      const size = written.size;
      if (written.add((item as Record<string, unknown>)[keyField]).size === size) continue;
    }
    buf +=
      JSON.stringify({
        type: 'RECORD',
        record: { stream, data: map ? map(item as Record<string, unknown>) : item, emitted_at: Date.now() },
      }) + '\n';
    if (buf.length > 65536) await flush();
  }
}
await flush();
