// Runs one process whose stdout is JSON lines, drains it as fast as it comes, and reports
// records per second and the process's peak RSS (VmHWM from /proc).
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface Measurement {
  records: number;
  seconds: number;
  rps: number;
  peakRssMb: number;
  code: number | null;
}

export function measure(cmd: string[], env: NodeJS.ProcessEnv = {}): Promise<Measurement> {
  const [bin, ...args] = cmd;
  const started = process.hrtime.bigint();
  const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  let peakKb = 0;
  const poll = (): void => {
    try {
      const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
      if (m) peakKb = Math.max(peakKb, Number(m[1]));
    } catch {
      /* exited */
    }
  };
  const timer = setInterval(poll, 25);
  let records = 0;
  let stderr = '';
  const needle = Buffer.from('"type":"RECORD"'); // either key order: faros prints type last
  // The consumer must cost as little as it can, or it slows the producer it measures: each chunk is
  // scanned in place, and only the seam with the previous chunk (needle-1 bytes each side) is copied.
  let tail: Buffer = Buffer.alloc(0);
  child.stdout.on('data', (chunk: Buffer) => {
    if (tail.length) {
      const seam = Buffer.concat([tail, chunk.subarray(0, needle.length - 1)]);
      if (seam.indexOf(needle) !== -1) records++;
    }
    for (let i = chunk.indexOf(needle); i !== -1; i = chunk.indexOf(needle, i + needle.length)) records++;
    const keep = needle.length - 1;
    tail =
      chunk.length >= keep
        ? Buffer.from(chunk.subarray(chunk.length - keep))
        : Buffer.concat([tail, chunk]).subarray(-keep);
  });
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      poll();
      clearInterval(timer);
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      if (code !== 0) process.stderr.write(`[bench] ${cmd.join(' ')} exited ${code}: ${stderr.slice(-500)}\n`);
      resolve({ records, seconds, rps: records / seconds, peakRssMb: peakKb / 1024, code });
    });
  });
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** How many times each side runs; the table shows medians (BENCH_REPEAT, default 3). */
export const REPEAT = Math.max(1, Number(process.env.BENCH_REPEAT ?? 3));

/** The medians of one command's runs, and every run (for the correctness checks of check.ts). */
export interface Summary extends Measurement {
  runs: Measurement[];
}

/**
 * Runs each command REPEAT times, interleaved (a, b, c, a, b, c, ...) so a noisy stretch of the
 * shared machine hits all alike, and returns the median records/s and median peak RSS of each.
 * `firsts` are measurements already taken (they count as the first run of their command).
 */
export async function interleave(
  runs: (() => Promise<Measurement>)[],
  firsts: (Measurement | undefined)[] = [],
): Promise<Summary[]> {
  const all: Measurement[][] = runs.map((_, i) => (firsts[i] ? [firsts[i]!] : []));
  for (let round = 0; round < REPEAT; round++) {
    for (let i = 0; i < runs.length; i++) if (all[i].length <= round) all[i].push(await runs[i]());
  }
  // differing record counts or exit codes are not thrown here: check.ts reports them in the row
  return all.map((ms) => ({
    records: ms[0].records,
    seconds: median(ms.map((m) => m.seconds)),
    rps: median(ms.map((m) => m.rps)),
    peakRssMb: median(ms.map((m) => m.peakRssMb)),
    code: ms.find((m) => m.code !== 0)?.code ?? 0,
    runs: ms,
  }));
}
