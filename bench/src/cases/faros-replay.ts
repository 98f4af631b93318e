// The peer on a connector's own stream: faros-airbyte-cdk (the published TypeScript CDK) reading the
// very requests the conkit connector made from the same replay server, written the way faros
// connectors are (a stream class, a source class, axios), and writing the same records: the
// connector's own row mapping (raw-maps.ts) and its duplicate drop by primary key. Paging, retries
// and state are left out, so the peer does less than the connector, never more.
import { readFileSync } from 'node:fs';
import axios from 'axios';
import type { AirbyteConfig, SyncMode } from 'faros-airbyte-cdk';
import { PeerStream, runPeerSource } from './faros-peer.js';
import { rawMap } from '../raw-maps.js';

interface Config extends AirbyteConfig {
  requests: string;
  stream: string;
  map: string;
  root: string;
  key: string;
}
interface Req {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
  emit?: boolean;
}
type Row = Record<string, unknown>;

class Replayed extends PeerStream<Config> {
  override get name(): string {
    return this.config.stream;
  }
  getJsonSchema(): Record<string, unknown> {
    return { type: 'object' };
  }
  get primaryKey(): string | undefined {
    return this.config.key === 'none' ? undefined : this.config.key;
  }
  async *readRecords(_mode: SyncMode): AsyncGenerator<Row> {
    const map = await rawMap(this.config.root, this.config.map);
    const requests = JSON.parse(readFileSync(this.config.requests, 'utf8')) as Req[];
    const http = axios.create({ responseType: 'text' });
    const seen = new Set<unknown>();
    for (const r of requests) {
      const res = await http.request<string>({ method: r.method, url: r.url, headers: r.headers, data: r.body });
      const body = JSON.parse(res.data) as unknown;
      if (r.emit === false || !Array.isArray(body)) continue;
      for (const item of body as Row[]) {
        if (this.config.key !== 'none') {
          if (seen.has(item[this.config.key])) continue;
          seen.add(item[this.config.key]);
        }
        yield (map ? map(item) : item) as Row;
      }
    }
  }
}

const text = { type: 'string' };
runPeerSource<Config>(
  'replay',
  { requests: text, stream: text, map: text, root: text, key: text },
  (logger, config) => new Replayed(logger, config),
);
