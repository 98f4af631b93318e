// Memory checks for tests: sample a child's resident set while it runs. A leak shows as a rising
// middle, so flatness compares the median of the last third of the samples with the median of the
// middle third (start-up and the heap's first growth come before that); single GC spikes, which
// come and go, do not decide it.
import { readFileSync } from 'node:fs';

export interface RssSamples {
  stop(): { samples: number[]; peakMb: number; middleThirdMb: number; lastThirdMb: number };
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)] : 0;
};

export function sampleRss(pid: number, everyMs = 100): RssSamples {
  const samples: number[] = [];
  let peakKb = 0;
  const read = (): void => {
    try {
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      samples.push(Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024);
      peakKb = Math.max(peakKb, Number(/VmHWM:\s+(\d+)/.exec(status)![1]));
    } catch {
      /* exited */
    }
  };
  const timer = setInterval(read, everyMs);
  return {
    stop: () => {
      clearInterval(timer);
      const third = Math.max(1, Math.floor(samples.length / 3));
      return {
        samples,
        peakMb: peakKb / 1024,
        middleThirdMb: median(samples.slice(third, 2 * third)),
        lastThirdMb: median(samples.slice(-third)),
      };
    },
  };
}
