// Client-side pacing. A connector declares its vendor's limit once; the limiter spaces requests so
// the connector rarely meets a 429. When the server reports its own budget (X-Rate-Limit-Remaining,
// RateLimit-Remaining), that report wins: no waiting while budget remains, a wait for the reset when not.
import { serverWaitMs, sleep } from './retry.js';

export interface RateLimit { perSecond?: number; perMinute?: number }

export class RateLimiter {
  private readonly intervalMs: number;
  private readonly burst: number;
  private tokens: number;
  private last = Date.now();
  private serverRemaining: number | undefined;
  private serverResetAt = 0;
  private queue: Promise<void> = Promise.resolve();

  constructor(limit: RateLimit | undefined) {
    // CONKIT_PACING=off turns the declared pacing off (the benchmark measures throughput, not the
    // vendor's quota); the server's own budget headers are still obeyed.
    if (process.env.CONKIT_PACING === 'off') limit = undefined;
    const perMs = Math.max(limit?.perSecond ? limit.perSecond / 1000 : 0, 0) || (limit?.perMinute ? limit.perMinute / 60_000 : 0);
    this.intervalMs = perMs > 0 ? 1 / perMs : 0;
    // allow a short burst (one second's worth, at least 1) so single calls never wait
    this.burst = perMs > 0 ? Math.max(1, Math.floor(perMs * 1000)) : Infinity;
    this.tokens = this.burst;
  }

  /** Resolves when the next request may go out. Calls are served in order. */
  take(): Promise<void> {
    const next = this.queue.then(() => this.wait());
    this.queue = next;
    return next;
  }

  private async wait(): Promise<void> {
    const now = Date.now();
    if (this.serverRemaining !== undefined) {
      if (this.serverRemaining > 0 || now >= this.serverResetAt) {
        if (this.serverRemaining > 0) this.serverRemaining--;
        return;
      }
      await sleep(this.serverResetAt - now);
      this.serverRemaining = undefined;
      return;
    }
    if (this.intervalMs === 0) return;
    this.tokens = Math.min(this.burst, this.tokens + (now - this.last) / this.intervalMs);
    this.last = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return;
    }
    const waitMs = (1 - this.tokens) * this.intervalMs;
    await sleep(waitMs);
    this.tokens = 0;
    this.last = Date.now();
  }

  /** Learns the server's own budget from a response's headers. */
  observe(headers: Record<string, unknown>): void {
    const raw = headers['x-rate-limit-remaining'] ?? headers['x-ratelimit-remaining'] ?? headers['ratelimit-remaining'];
    if (raw === undefined || raw === null || !/^\d+$/.test(String(raw))) return;
    this.serverRemaining = Number(raw);
    const wait = serverWaitMs({ 'x-rate-limit-reset': headers['x-rate-limit-reset'] ?? headers['x-ratelimit-reset'] ?? headers['ratelimit-reset'] });
    this.serverResetAt = Date.now() + (wait ?? 60_000);
  }
}
