// pnpm bench: per connector and stream, records/s of the connector beside a raw pipeline of the same
// bytes in the same run, the ratio, and peak RSS at 100,000 and 1,000,000 records; and the
// faros-airbyte-cdk peer on the same example stream.
import os from 'node:os';
import { benchExample } from './cases/example.js';
import { conversions, listrakSends, ometriaEmailEvents, ometriaProfiles, wootric } from './cases/connectors.js';
import { printTable, type Row } from './table.js';
import { REPEAT } from './measure.js';

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
const rows: Row[] = [];
for (const [name, run] of cases) {
  if (only && !only.includes(name)) continue;
  for (const n of sizes) {
    process.stderr.write(`[bench] ${name} at ${n.toLocaleString('en-US')} records...\n`);
    const r = await run(n);
    rows.push(...(Array.isArray(r) ? r : [r]));
  }
}
console.log(`\nMachine: ${os.cpus()[0]?.model ?? 'unknown CPU'} x${os.cpus().length}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB RAM, Node ${process.version}, ${new Date().toISOString()}`);
console.log(`Connector pacing off (CONKIT_PACING=off); raw = the same requests/objects through fetch|GetObject, parse, JSON.stringify, write. Medians of ${REPEAT} interleaved runs each.\n`);
console.log(printTable(rows));
