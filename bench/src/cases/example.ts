// The example connector of base/test against the kit's example server: the kit's own overhead.
import { fileURLToPath } from 'node:url';
import { startExampleServer } from '@conkit/base/testing';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { measure } from '../measure.js';
import type { Row } from '../table.js';

const exampleMain = fileURLToPath(new URL('../../../base/test/example/source-example.mjs', import.meta.url));
const raw = fileURLToPath(new URL('./example-raw.js', import.meta.url));

export async function benchExample(records: number): Promise<Row> {
  const server = await startExampleServer(records);
  const dir = mkdtempSync(join(tmpdir(), 'bench-'));
  const config = join(dir, 'config.json');
  const catalog = join(dir, 'catalog.json');
  writeFileSync(config, JSON.stringify({ api_key: 'bench-key', base_url: server.url, page_size: 1000 }));
  writeFileSync(catalog, JSON.stringify({ streams: [{ stream: { name: 'items', json_schema: {}, supported_sync_modes: ['full_refresh'] }, sync_mode: 'full_refresh', destination_sync_mode: 'overwrite' }] }));
  try {
    // alternate the two so machine noise hits both alike
    const kit = await measure([process.execPath, exampleMain, 'read', '--config', config, '--catalog', catalog]);
    const base = await measure([process.execPath, raw, server.url, '1000']);
    return { connector: 'source-example', stream: 'items', records: kit.records, kitRps: kit.rps, rawRps: base.rps, peakMb: kit.peakRssMb, note: `raw peak ${base.peakRssMb.toFixed(0)} MB` };
  } finally {
    await server.close();
  }
}
