import { readFileSync } from 'node:fs';

/** Polls a process's peak resident set (VmHWM, Linux) until stopped; returns the highest MB seen. */
export function watchPeakRss(pid: number, everyMs = 50): { stop(): number } {
  let peakKb = 0;
  const read = (): void => {
    try {
      const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (m) peakKb = Math.max(peakKb, Number(m[1]));
    } catch {
      /* the process has exited */
    }
  };
  const timer = setInterval(read, everyMs);
  return { stop: () => (read(), clearInterval(timer), peakKb / 1024) };
}
