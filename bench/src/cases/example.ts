// The example connector of base/test against the kit's example server: the kit's own overhead.
import { fileURLToPath } from 'node:url';
import { startExampleServer } from '@conkit/base/testing';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { interleave, measure } from '../measure.js';
import type { Row } from '../table.js';
import { runErrors } from '../check.js';

const exampleMain = fileURLToPath(new URL('../bundles/example.js', import.meta.url));
const raw = fileURLToPath(new URL('../bundles/example-raw.js', import.meta.url));
const faros = fileURLToPath(new URL('./faros-example.js', import.meta.url));

/** The kit's example connector, the faros-airbyte-cdk peer, and the raw pipeline, on the same server. */
export async function benchExample(records: number): Promise<Row[]> {
  const server = await startExampleServer(records);
  const dir = mkdtempSync(join(tmpdir(), 'bench-'));
  const config = join(dir, 'config.json');
  const catalog = join(dir, 'catalog.json');
  writeFileSync(config, JSON.stringify({ api_key: 'bench-key', base_url: server.url, page_size: 1000 }));
  writeFileSync(
    catalog,
    JSON.stringify({
      streams: [
        {
          stream: { name: 'items', json_schema: {}, supported_sync_modes: ['full_refresh'] },
          sync_mode: 'full_refresh',
          destination_sync_mode: 'overwrite',
        },
      ],
    }),
  );
  try {
    // interleaved in one run, so machine noise hits all three alike; medians of REPEAT runs
    const [kit, base, peer] = await interleave([
      () => measure([process.execPath, exampleMain, 'read', '--config', config, '--catalog', catalog]),
      () => measure([process.execPath, raw, server.url, '1000']),
      () => measure([process.execPath, faros, 'read', '--config', config, '--catalog', catalog]),
    ]);
    const note = `raw peak ${base.peakRssMb.toFixed(0)} MB`;
    return [
      {
        connector: 'source-example (conkit)',
        stream: 'items',
        n: records,
        records: kit.records,
        kitRps: kit.rps,
        rawRps: base.rps,
        peakMb: kit.peakRssMb,
        note,
        error: runErrors(records, { connector: kit, raw: base }),
      },
      {
        connector: 'faros-airbyte-cdk 0.23 (peer)',
        stream: 'items',
        n: records,
        records: peer.records,
        kitRps: peer.rps,
        rawRps: base.rps,
        peakMb: peer.peakRssMb,
        note: `conkit/faros speed ${(kit.rps / peer.rps).toFixed(2)}x`,
        error: runErrors(records, { peer, raw: base }),
        peerOf: 'source-example (conkit)',
      },
    ];
  } finally {
    await server.close();
  }
}
