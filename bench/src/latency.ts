// The latency table: each connector reads a dataset of many partitions (cases/latency.ts) from a
// server that holds every response BENCH_LATENCY_MS (default 100) and enforces the vendor's
// documented rate limit, with the connector's own pacing on, twice: at its default max_concurrency
// and at max_concurrency 1. Each run gets a fresh server (a quiet rate-limit window, a request count
// of its own). The floor is what no reader can beat: the larger of requests x latency / cap (cap
// requests always in flight) and requests / the vendor's limit. Shown with it: the average number
// of requests the run had in flight (requests x latency / wall), which says what the kit does
// whatever the cap promises. One run each: at 100 ms a request the waits dwarf the noise.
// Exits non-zero (via bench.ts) when a run failed or emitted other than the dataset's records.
import { spawnSync } from 'node:child_process';
import { measure, type Measurement, type Summary } from './measure.js';
import { catalog, file, main } from './cases/connectors.js';
import { latencyCases, type LatencyCase } from './cases/latency.js';
import { runErrors } from './check.js';
import { fmtInt } from './table.js';

export const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 100);

/** The issue's targets: wall over floor at most `maxRatio`; max_concurrency 1 at least `minSpeedup` times slower. */
const TARGETS: Record<string, { maxRatio: number; minSpeedup?: number }> = {
  listrak: { maxRatio: 1.3, minSpeedup: 5 },
  ometria: { maxRatio: 1.3 },
  conversions: { maxRatio: 1.3 },
  wootric: { maxRatio: 1.1 },
};

interface Run {
  cap: number;
  wall: number;
  requests: number;
  /** Of those, the ones the vendor's limit counts (the floor's second term). */
  limited: number;
  refused: number;
  floor: number;
  records: number;
  /** The run as measured: exit code and records, for check.ts. */
  m: Measurement;
}

interface LatencyRow {
  c: LatencyCase;
  wide?: Run;
  serial?: Run;
  error?: string;
}

/** Seconds no reader can beat: every request waits the latency, cap at a time, the limited ones within the vendor's limit. */
export function floorSeconds(
  requests: number,
  limited: number,
  latencyMs: number,
  cap: number,
  limit?: LatencyCase['limit'],
): number {
  const byLatency = (requests * latencyMs) / 1000 / cap;
  const byLimit = limit ? (limited * limit.windowMs) / limit.count / 1000 : 0;
  return Math.max(byLatency, byLimit);
}

/** The max_concurrency default the connector's spec declares. */
function defaultCap(connector: string): number {
  const out = spawnSync(process.execPath, [main(connector), 'spec'], { encoding: 'utf8' }).stdout;
  for (const line of out.split('\n')) {
    if (!line.includes('"SPEC"')) continue;
    const spec = JSON.parse(line) as {
      spec: { connectionSpecification: { properties: Record<string, { default?: unknown }> } };
    };
    const d = spec.spec.connectionSpecification.properties.max_concurrency?.default;
    if (typeof d === 'number') return d;
  }
  throw new Error(`${connector} spec declares no max_concurrency default`);
}

async function runOnce(c: LatencyCase, maxConcurrency: number | undefined, cap: number): Promise<Run> {
  const source = await c.start(LATENCY_MS);
  try {
    const [received, limited, refused] = [source.received(), source.limited(), source.refused()];
    const config = file({ ...source.config, ...(maxConcurrency ? { max_concurrency: maxConcurrency } : {}) });
    // the vendor's limit stays on: it is half of the floor
    const m = await measure(
      [process.execPath, main(c.connector), 'read', '--config', config, '--catalog', catalog(...c.streams)],
      { CONKIT_PACING: 'on' },
    );
    const requests = source.received() - received;
    const limitedNow = source.limited() - limited;
    return {
      cap,
      wall: m.seconds,
      requests,
      limited: limitedNow,
      refused: source.refused() - refused,
      floor: floorSeconds(requests, limitedNow, LATENCY_MS, cap, c.limit),
      records: m.records,
      m,
    };
  } finally {
    await source.close();
  }
}

const s = (x: number | undefined): string => (x === undefined || !Number.isFinite(x) ? '-' : x.toFixed(1));
const x2 = (a: number | undefined, b: number | undefined): string =>
  a === undefined || b === undefined || !Number.isFinite(a / b) ? '-' : (a / b).toFixed(2);
const inFlight = (r: Run | undefined): string => (r ? ((r.requests * LATENCY_MS) / 1000 / r.wall).toFixed(1) : '-');

function printRows(rows: LatencyRow[]): string {
  const header = [
    'connector',
    'dataset',
    'records',
    'requests',
    '429s',
    'rate limit',
    'max_concurrency',
    'floor s',
    'wall s',
    'wall / floor',
    'in flight',
    'max_concurrency 1: wall s',
    'wall / floor',
    'in flight',
    'speed-up over 1',
    'runs',
  ];
  const body = rows.map(({ c, wide, serial, error }) => [
    c.name,
    `${c.dataset} (${c.streams.join(', ')})`,
    fmtInt(wide?.records ?? NaN),
    wide && c.limit && wide.limited !== wide.requests
      ? `${fmtInt(wide.requests)} (${fmtInt(wide.limited)} limited)`
      : fmtInt(wide?.requests ?? NaN),
    fmtInt(wide?.refused ?? NaN),
    c.limit?.label ?? 'none',
    wide ? String(wide.cap) : '-',
    s(wide?.floor),
    s(wide?.wall),
    x2(wide?.wall, wide?.floor),
    inFlight(wide),
    s(serial?.wall),
    x2(serial?.wall, serial?.floor),
    inFlight(serial),
    serial && wide ? `${x2(serial.wall, wide.wall)}x` : '-',
    error ? `✗ ERROR: ${error}` : '✓',
  ]);
  return [header, header.map(() => '---'), ...body].map((cols) => `| ${cols.join(' | ')} |`).join('\n');
}

/** One line per connector with its checks, and the tally. A miss never fails the bench. */
export function latencyTargets(rows: LatencyRow[]): { text: string; met: number; missed: number } {
  let met = 0;
  let missed = 0;
  const lines = rows.map(({ c, wide, serial, error }) => {
    const checks: string[] = [];
    const check = (ok: boolean, text: string): void => {
      if (ok) met++;
      else missed++;
      checks.push(`${ok ? '✓' : '✗'} ${text}`);
    };
    const t = TARGETS[c.name];
    // a row whose runs failed meets no target
    if (t) check(!error && !!wide && wide.wall / wide.floor <= t.maxRatio, `wall/floor ${x2(wide?.wall, wide?.floor)}`);
    if (t?.minSpeedup)
      check(
        !error && !!wide && !!serial && serial.wall / wide.wall >= t.minSpeedup,
        `speed-up over max_concurrency 1 ${x2(serial?.wall, wide?.wall)}x`,
      );
    if (c.limit) check(!error && wide?.refused === 0 && serial?.refused === 0, `${c.limit.label} kept (no 429)`);
    return `${c.name}: ${checks.join('  ')}`;
  });
  const byRatio = new Map<number, string[]>();
  for (const [n, t] of Object.entries(TARGETS)) byRatio.set(t.maxRatio, [...(byRatio.get(t.maxRatio) ?? []), n]);
  const legend =
    `Latency targets (a miss does not fail the bench): wall/floor <= ${[...byRatio]
      .map(([r, names]) => `${r} (${names.join(', ')})`)
      .join(', ')}; ` +
    `listrak at max_concurrency 1 >= ${TARGETS.listrak.minSpeedup}x the default's wall; no request refused where the vendor has a limit.`;
  return { text: [legend, ...lines, `latency targets: ${met} met, ${missed} missed`].join('\n'), met, missed };
}

/** Runs the table (BENCH_LATENCY_ONLY=listrak,wootric to run less), prints it; returns the failed rows. */
export async function latencyTable(): Promise<number> {
  const only = process.env.BENCH_LATENCY_ONLY?.split(',');
  const rows: LatencyRow[] = [];
  for (const c of latencyCases) {
    if (only && !only.includes(c.name)) continue;
    const row: LatencyRow = { c };
    rows.push(row);
    try {
      const cap = defaultCap(c.connector);
      process.stderr.write(`[bench] latency ${c.name}: ${c.dataset}, max_concurrency default (${cap})...\n`);
      row.wide = await runOnce(c, undefined, cap);
      process.stderr.write(`[bench] latency ${c.name}: max_concurrency 1...\n`);
      row.serial = await runOnce(c, 1, 1);
      const one = (r: Run): Summary => ({ ...r.m, runs: [r.m] });
      row.error = runErrors(c.records, {
        'max_concurrency default': one(row.wide),
        'max_concurrency 1': one(row.serial),
      });
    } catch (e) {
      row.error = `threw ${e instanceof Error ? e.message : String(e)}`;
    }
  }
  console.log(
    `\nLatency: every response held ${LATENCY_MS} ms (BENCH_LATENCY_MS) by the replay/S3 server, which also counts the requests and refuses (429) any over the vendor's documented limit; the connector's pacing on. ` +
      `floor = max(requests x latency / max_concurrency, requests / rate limit); in flight = requests x latency / wall (the requests the run kept in flight on average). One run each, a fresh server per run.\n`,
  );
  console.log(printRows(rows));
  console.log(`\n${latencyTargets(rows).text}`);
  const failed = rows.filter((r) => r.error);
  for (const r of failed) console.error(`[bench] ERROR latency ${r.c.name}: ${r.error}`);
  return failed.length;
}
