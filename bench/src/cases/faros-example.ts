// The peer to beat: the same "items" stream written on faros-airbyte-cdk (the published TypeScript
// CDK), reading the same example server with the same page size. Written the way faros connectors
// are (a stream class, a source class, axios for HTTP), with nothing added to slow it down.
import axios from 'axios';
import type { AirbyteConfig, SyncMode } from 'faros-airbyte-cdk';
import { PeerStream, runPeerSource } from './faros-peer.js';

interface Config extends AirbyteConfig {
  api_key: string;
  base_url: string;
  page_size: number;
}

class Items extends PeerStream<Config> {
  getJsonSchema(): Record<string, unknown> {
    return {
      type: 'object',
      properties: { id: { type: 'integer' }, name: { type: 'string' }, updated_at: { type: 'string' } },
    };
  }
  get primaryKey(): string {
    return 'id';
  }
  async *readRecords(_mode: SyncMode): AsyncGenerator<Record<string, unknown>> {
    const http = axios.create({
      baseURL: this.config.base_url,
      headers: { authorization: `Bearer ${this.config.api_key}` },
    });
    for (let page = 1; ; page++) {
      const res = await http.get<{ items: Record<string, unknown>[] }>('/items', {
        params: { page, per_page: this.config.page_size, since: '2020-01-01T00:00:00Z' },
      });
      yield* res.data.items;
      if (res.data.items.length < this.config.page_size) return;
    }
  }
}

runPeerSource<Config>(
  'example',
  { api_key: { type: 'string', airbyte_secret: true }, base_url: { type: 'string' }, page_size: { type: 'integer' } },
  (logger, config) => new Items(logger, config),
);
