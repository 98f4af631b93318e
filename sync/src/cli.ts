#!/usr/bin/env node
// npm run sync -- <connector> --config F [--catalog F] [--dest duckdb|jsonl] [--out DIR] [--image] [--query SQL] [--debug]
// npm run sync                         the demo on the bundled fixtures
// npm run sync -- --query SQL [--db F]  a query on a DuckDB file the runner wrote (default out/demo.duckdb)
// A failure is one sentence on stderr and a non-zero exit; --debug adds the stack trace.
import { existsSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import yargs from 'yargs';
import { firstTime, runSync } from './run-sync.js';
import { openDuckDb } from './duckdb-destination.js';
import { openJsonl } from './jsonl-destination.js';
import { runDemo } from './demo.js';
import { repoRoot } from './connector-process.js';
import { table } from './progress.js';
import { queryOf, type Destination } from './destination.js';

// The runner's own process warnings (the AWS SDK's Node-version notice, from the demo's local S3)
// are printed once each, on one line, instead of Node's multi-line default.
process.removeAllListeners('warning');
process.on('warning', (w) => {
  if (firstTime(`WARN: ${w.name}: ${w.message}`))
    process.stderr.write(`warning: ${w.name}: ${w.message.split('\n')[0]}\n`);
});

// npm runs this with cwd = the repository; paths the user typed are relative to where they typed them
const userCwd = process.env.INIT_CWD ?? process.cwd();
const userPath = (p: string): string => (isAbsolute(p) ? p : resolve(userCwd, p));

const argv = await yargs(process.argv.slice(2))
  .scriptName('npm run sync --')
  .usage(
    '$0 [connector] --config F [--catalog F] [--dest duckdb|jsonl] [--out DIR] [--image] [--query SQL]\n\nWith no connector: the demo (every connector on its bundled fixtures into out/demo.duckdb).\nWith --query and no connector: the query on --db (default out/demo.duckdb).',
  )
  .option('config', { type: 'string', describe: 'connector config JSON' })
  .option('catalog', {
    type: 'string',
    describe: 'configured catalog JSON (default: every stream, incremental where supported)',
  })
  .option('dest', { choices: ['duckdb', 'jsonl'] as const, default: 'duckdb' as const })
  .option('out', { type: 'string', default: 'out', describe: 'output folder' })
  .option('image', { type: 'boolean', default: false, describe: 'run the connector as its image <connector>:dev' })
  .option('query', { type: 'string', describe: 'SQL to run on the DuckDB file afterwards' })
  .option('db', { type: 'string', describe: 'DuckDB file for --query without a connector (default out/demo.duckdb)' })
  .option('debug', { type: 'boolean', default: false, describe: 'print stack traces with errors' })
  .strictOptions()
  .help()
  .parseAsync();

/** A failure the user can act on: its message is the whole report (no stack unless --debug). */
class SyncFailure extends Error {}
function fail(message: string): never {
  throw new SyncFailure(message);
}

async function printQuery(db: Destination, sql: string): Promise<void> {
  const rows = await queryOf(db)(sql);
  const cols = Object.keys(rows[0] ?? {});
  process.stdout.write(
    `\n${sql}\n${table(
      cols,
      rows.map((r) => cols.map((c) => String(r[c]))),
    )}\n`,
  );
}

async function main(): Promise<number> {
  const connector = argv._[0] === undefined ? undefined : String(argv._[0]);
  if (!connector && argv.query) {
    const file = userPath(argv.db ?? join(repoRoot, 'out', 'demo.duckdb'));
    if (!existsSync(file)) fail(`there is no DuckDB file at ${file}; run a sync first, or name the file with --db.`);
    const db = await openDuckDb(file);
    try {
      await printQuery(db, argv.query);
    } finally {
      await db.close();
    }
    return 0;
  }
  if (!connector) return runDemo({ out: join(repoRoot, 'out'), image: argv.image });
  if (!argv.config)
    fail(`--config is required when a connector is named: npm run sync -- ${connector} --config <file>.`);
  const config = userPath(argv.config);
  if (!existsSync(config))
    fail(`the config file ${config} does not exist; copy secrets/${connector}.example.json and fill it in.`);
  const out = userPath(argv.out);
  const name = connector.replace(/.*\//, '').replace(/\.m?js$/, '');
  const destination = argv.dest === 'duckdb' ? await openDuckDb(join(out, `${name}.duckdb`)) : openJsonl(out);
  try {
    const result = await runSync({
      connector: connector.includes('/') ? userPath(connector) : connector,
      config,
      catalog: argv.catalog ? userPath(argv.catalog) : undefined,
      destination,
      image: argv.image ? `${connector}:dev` : undefined,
      stateFile: join(out, argv.dest === 'duckdb' ? `${name}.state.json` : 'state.json.mirror'),
    });
    if (result.progress.streams.size) process.stderr.write(`\n${result.progress.summary()}\n`);
    if (!result.ok) fail(result.error ?? 'the connector failed.');
    if (argv.query && destination.query) await printQuery(destination, argv.query);
    return 0;
  } finally {
    await destination.close();
  }
}

try {
  process.exitCode = await main();
} catch (e) {
  process.stderr.write(`sync failed: ${e instanceof Error ? e.message : String(e)}\n`);
  if (argv.debug && e instanceof Error && !(e instanceof SyncFailure) && e.stack) process.stderr.write(`${e.stack}\n`);
  process.exitCode = 1;
}
