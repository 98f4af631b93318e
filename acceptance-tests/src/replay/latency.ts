// A service's distance, played locally: the replay and S3 servers hold every response for a fixed
// time after the request arrived (ReplayOptions.latencyMs, the S3 server's latencyMs; the bench's
// latency table sets them from BENCH_LATENCY_MS).

/**
 * Runs `fn` once at least `ms` have passed by the monotonic clock (a timer may fire a millisecond
 * early; it is set again for what is left). 0 or undefined: now, in the same tick, as without it.
 */
export function afterLatency(ms: number | undefined, fn: () => void): void {
  if (!ms || ms <= 0) return fn();
  const until = performance.now() + ms;
  const tick = (): void => {
    const left = until - performance.now();
    if (left > 0) setTimeout(tick, Math.ceil(left));
    else fn();
  };
  setTimeout(tick, ms);
}
