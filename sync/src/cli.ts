#!/usr/bin/env node
// pnpm sync <connector> --config F [--catalog F] [--dest duckdb|jsonl] [--out DIR] [--image] [--query SQL]
// pnpm sync (no arguments): the demo on the bundled fixtures.
import { mkdirSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import yargs from 'yargs';
import { runSync } from './run-sync.js';
import { openDuckDb } from './duckdb-destination.js';
import { openJsonl } from './jsonl-destination.js';
import { runDemo } from './demo.js';
import { repoRoot } from './connector-process.js';
import { table } from './progress.js';

// pnpm runs this with cwd = sync/; paths the user typed are relative to where they typed them
const userCwd = process.env.INIT_CWD ?? process.cwd();
const userPath = (p: string): string => (isAbsolute(p) ? p : resolve(userCwd, p));

const argv = await yargs(process.argv.slice(2))
  .scriptName('pnpm sync')
  .usage('$0 [connector] --config F [--catalog F] [--dest duckdb|jsonl] [--out DIR] [--image] [--query SQL]\n\nWith no connector: the demo (every connector on its bundled fixtures into out/demo.duckdb).')
  .option('config', { type: 'string', describe: 'connector config JSON' })
  .option('catalog', { type: 'string', describe: 'configured catalog JSON (default: every stream, incremental where supported)' })
  .option('dest', { choices: ['duckdb', 'jsonl'] as const, default: 'duckdb' as const })
  .option('out', { type: 'string', default: 'out', describe: 'output folder' })
  .option('image', { type: 'boolean', default: false, describe: 'run the connector as its image <connector>:dev' })
  .option('query', { type: 'string', describe: 'SQL to run on the DuckDB file afterwards' })
  .strictOptions()
  .help()
  .parseAsync();

const connector = argv._[0] === undefined ? undefined : String(argv._[0]);
if (!connector) {
  process.exit(await runDemo({ out: join(repoRoot, 'out'), image: argv.image }));
}
if (!argv.config) {
  process.stderr.write('--config is required when a connector is named\n');
  process.exit(2);
}
const out = userPath(argv.out);
mkdirSync(out, { recursive: true });
const name = connector.replace(/.*\//, '').replace(/\.m?js$/, '');
const destination = argv.dest === 'duckdb' ? await openDuckDb(join(out, `${name}.duckdb`)) : openJsonl(out);
const result = await runSync({
  connector: connector.includes('/') ? userPath(connector) : connector,
  config: userPath(argv.config),
  catalog: argv.catalog ? userPath(argv.catalog) : undefined,
  destination,
  image: argv.image ? `${connector}:dev` : undefined,
  stateFile: join(out, argv.dest === 'duckdb' ? `${name}.state.json` : 'state.json.mirror'),
});
process.stderr.write(`\n${result.progress.summary()}\n`);
if (argv.query && destination.query) {
  const rows = await destination.query(argv.query);
  const cols = Object.keys(rows[0] ?? {});
  process.stdout.write(`\n${argv.query}\n${table(cols, rows.map((r) => cols.map((c) => String(r[c]))))}\n`);
}
await destination.close();
if (!result.ok) process.stderr.write(`sync failed: ${result.error}\n`);
process.exit(result.ok ? 0 : 1);
