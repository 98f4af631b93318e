#!/usr/bin/env node
// node acceptance-tests/dist/record.js --connector source-x --config real.json --upstream https://api.example.com
//   [--url-field base_url] [--catalog catalog.json] --out connectors/source-x/fixtures/http/recorded.yaml
// Runs check, discover and read of a connector through the recorder and writes scrubbed fixtures.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import yargs from 'yargs';
import { secretPaths, valuesAt } from '@conkit/base';
import { runConnector, catalogFor } from '@conkit/base/testing';
import { startRecorder } from './record/recorder.js';
import { scanForSecrets } from './suite/scan.js';
import { connectorDir } from './suite/config.js';

const a = await yargs(process.argv.slice(2))
  .option('connector', { type: 'string', demandOption: true })
  .option('config', { type: 'string', demandOption: true })
  .option('upstream', { type: 'string', demandOption: true })
  .option('url-field', { type: 'string', default: 'base_url', describe: 'config field that holds the service address' })
  .option('catalog', { type: 'string' })
  .option('out', { type: 'string', demandOption: true })
  .parseAsync();

const main = join(connectorDir(a.connector), 'dist', 'main.js');
const config = JSON.parse(readFileSync(a.config, 'utf8')) as Record<string, unknown>;
const spec = (await runConnector(main, ['spec'])).messages[0] as {
  spec: { connectionSpecification: Record<string, unknown> };
};
const secrets = valuesAt(config, secretPaths(spec.spec.connectionSpecification)).filter(
  (v): v is string => typeof v === 'string',
);
const rec = await startRecorder(a.upstream, secrets);
const upstreamPath = new URL(a.upstream).pathname.replace(/\/$/, '');
const dir = mkdtempSync(join(tmpdir(), 'record-'));
const cfgFile = join(dir, 'config.json');
writeFileSync(cfgFile, JSON.stringify({ ...config, [a['url-field']]: `${rec.url}${upstreamPath}` }));
await runConnector(main, ['check', '--config', cfgFile]);
const discover = await runConnector(main, ['discover', '--config', cfgFile]);
const catalogFile = a.catalog ?? join(dir, 'catalog.json');
if (!a.catalog)
  writeFileSync(
    catalogFile,
    JSON.stringify(
      catalogFor((discover.messages[0] as { catalog: Parameters<typeof catalogFor>[0] }).catalog, {
        mode: 'full_refresh',
      }),
    ),
  );
const read = await runConnector(main, ['read', '--config', cfgFile, '--catalog', catalogFile], {
  timeoutMs: 3_600_000,
});
rec.save(a.out);
await rec.close();
const leaks = scanForSecrets(a.out, secrets);
if (leaks.length) {
  process.stderr.write(`Refusing to keep ${a.out}: it holds a secret (${leaks.join('; ')})\n`);
  writeFileSync(a.out, '');
  process.exit(1);
}
process.stderr.write(
  `Recorded ${rec.exchanges.length} exchanges into ${a.out} (read exit ${read.code}). Review them before committing.\n`,
);
