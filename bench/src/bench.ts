// pnpm bench: per connector and stream, records/s of the connector beside a raw pipeline of the same
// bytes in the same run, the ratio, and peak RSS at 100,000 and 1,000,000 records (and its growth);
// and the faros-airbyte-cdk peer: on the example stream, and on Wootric responses and Ometria
// profiles (the same requests from the same replay server, the same records). Then the targets.
// Then the latency table (latency.ts): each connector against servers BENCH_LATENCY_MS away.
// Exits 1, after printing, when any run exited non-zero or emitted other than its n records.
//
//   --latency                    only the latency table (`npm run bench -- --latency`); --cpu: only the first
//   BENCH_LATENCY_ONLY=listrak   only these latency cases (listrak, ometria, conversions, wootric)
//   BENCH_LATENCY_MS=250         the servers' delay before every response; default 100
//
// To run less (e.g. while working on the bench itself), from bench/ after a build:
//   BENCH_ONLY=example,wootric   only these cases (example, wootric, listrak, ometria-profiles,
//                                ometria-email-events, conversions); default all
//   BENCH_SIZES=20000,50000      these record counts; default 100000,1000000 (RSS growth and its
//                                target compare each size with the smallest)
//   BENCH_REPEAT=1               runs of each command, medians shown; default 3
//   e.g. BENCH_ONLY=example BENCH_SIZES=20000,50000 BENCH_REPEAT=1 node dist/bench.js
import os from 'node:os';
import { benchExample } from './cases/example.js';
import { listrakSends, ometriaProfiles, wootric } from './cases/connectors.js';
import { conversions, ometriaEmailEvents } from './cases/s3-files.js';
import { printTable, fmtInt, type Row } from './table.js';
import { REPEAT } from './measure.js';
import { targets } from './check.js';
import { latencyTable } from './latency.js';

const sizes = (process.env.BENCH_SIZES ?? '100000,1000000').split(',').map(Number);
const only = process.env.BENCH_ONLY?.split(',');
const cases: [string, (n: number) => Promise<Row | Row[]>][] = [
  ['example', benchExample],
  ['wootric', wootric],
  ['listrak', listrakSends],
  ['ometria-profiles', ometriaProfiles],
  ['ometria-email-events', ometriaEmailEvents],
  ['conversions', conversions],
];
const machine = (): string =>
  `Machine: ${os.cpus()[0]?.model ?? 'unknown CPU'} x${os.cpus().length}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB RAM, Node ${process.version}, ${new Date().toISOString()}`;

/** The throughput table; returns the failed rows. */
async function cpuTable(): Promise<number> {
  const rows: Row[] = [];
  for (const [name, run] of cases) {
    if (only && !only.includes(name)) continue;
    for (const n of sizes) {
      process.stderr.write(`[bench] ${name} at ${fmtInt(n)} records...\n`);
      try {
        const r = await run(n);
        rows.push(...(Array.isArray(r) ? r : [r]));
      } catch (e) {
        // a case that throws is a failed row, not the end of the bench
        rows.push({
          connector: name,
          stream: '-',
          n,
          records: NaN,
          kitRps: NaN,
          rawRps: NaN,
          peakMb: NaN,
          error: `threw ${e instanceof Error ? e.message : String(e)}`,
        });
      }
    }
  }
  console.log(`\n${machine()}`);
  console.log(
    `Connector pacing off (CONKIT_PACING=off); raw = the same requests/objects through fetch|GetObject, parse, JSON.stringify, write. Medians of ${REPEAT} interleaved runs each.\n`,
  );
  console.log(printTable(rows));
  console.log(`\n${targets(rows).text}`);
  const failed = rows.filter((r) => r.error);
  for (const r of failed)
    console.error(`[bench] ERROR ${r.connector} / ${r.stream} at ${fmtInt(r.n)} records: ${r.error}`);
  return failed.length;
}

const latencyOnly = process.argv.includes('--latency');
let failed = latencyOnly ? 0 : await cpuTable();
if (!process.argv.includes('--cpu')) {
  if (latencyOnly) console.log(`\n${machine()}`);
  failed += await latencyTable();
}
if (failed) console.error(`[bench] ${failed} row(s) failed: the figures above are not of complete runs`);
// exit rather than wait: a case that threw may have left its server open
process.exit(failed ? 1 : 0);
