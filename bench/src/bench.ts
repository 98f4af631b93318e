// pnpm bench: per connector and stream, records/s of the connector beside a raw pipeline of the same
// bytes in the same run, the ratio, and peak RSS at 100,000 and 1,000,000 records.
import os from 'node:os';
import { benchExample } from './cases/example.js';
import { printTable, type Row } from './table.js';

const sizes = (process.env.BENCH_SIZES ?? '100000,1000000').split(',').map(Number);
const rows: Row[] = [];
for (const n of sizes) rows.push(...(await benchExample(n)));

console.log(`\nMachine: ${os.cpus()[0]?.model ?? 'unknown CPU'} x${os.cpus().length}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${new Date().toISOString()}\n`);
console.log(printTable(rows));
