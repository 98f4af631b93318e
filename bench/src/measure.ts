// Runs one process whose stdout is JSON lines, drains it as fast as it comes, and reports
// records per second and the process's peak RSS (VmHWM from /proc).
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface Measurement { records: number; seconds: number; rps: number; peakRssMb: number; code: number | null }

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
  let carry: Buffer = Buffer.alloc(0);
  child.stdout.on('data', (chunk: Buffer) => {
    const buf = carry.length ? Buffer.concat([carry, chunk]) : chunk;
    let i = buf.indexOf(needle);
    while (i !== -1) {
      records++;
      i = buf.indexOf(needle, i + needle.length);
    }
    carry = buf.subarray(Math.max(0, buf.length - needle.length + 1));
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
