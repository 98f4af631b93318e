// Client-side pacing. A connector declares its vendor's limit once; the limiter keeps it in every
// rolling window, as a service counting requests over any second (or minute) sees them: request n
// leaves only once request n-N left at least one window ago (a sliding log of the last N starts).
// A token bucket that allows a burst and then spaces requests is not enough: a burst of 4 followed
// by one every 250 ms puts 7 requests into one second. When the server reports its own budget
// (X-Rate-Limit-Remaining, RateLimit-Remaining), that report wins: no waiting while budget remains,
// a wait for the reset when not.
import { serverWaitMs, sleep } from './retry.js';

export interface RateLimit {
  perSecond?: number;
  perMinute?: number;
}

/**
 * Requests leave a little inside the limit: the service counts arrivals, not departures, and the time
 * from a slot being taken to the request reaching the service differs from request to request (a new
 * connection, a token fetch, a busy event loop), which can bring two arrivals closer than their
 * departures. 3% plus 100 ms per window covers that (a test with 4 workers saw 30-60 ms).
 */
const SAFETY = 1.03;
const SLACK_MS = 100;

export class RateLimiter {
  /** The last `count` departures, oldest first (a ring). */
  private readonly starts: number[] = [];
  private next = 0;
  private readonly count: number;
  private readonly windowMs: number;
  private serverRemaining: number | undefined;
  private serverResetAt = 0;
  private queue: Promise<void> = Promise.resolve();

  constructor(limit: RateLimit | undefined) {
    // CONKIT_PACING=off turns the declared pacing off (the benchmark measures throughput, not the
    // vendor's quota); the server's own budget headers are still obeyed.
    if (process.env.CONKIT_PACING === 'off') limit = undefined;
    const perSecond = limit?.perSecond && limit.perSecond > 0 ? limit.perSecond : 0;
    const perMinute = limit?.perMinute && limit.perMinute > 0 ? limit.perMinute : 0;
    // a fractional limit (0.5 a second) becomes whole requests over a longer window
    if (perSecond) [this.count, this.windowMs] = perSecond >= 1 ? [Math.floor(perSecond), 1000] : [1, 1000 / perSecond];
    else if (perMinute)
      [this.count, this.windowMs] = perMinute >= 1 ? [Math.floor(perMinute), 60_000] : [1, 60_000 / perMinute];
    else [this.count, this.windowMs] = [0, 0];
    this.windowMs = this.windowMs * SAFETY + (this.count ? SLACK_MS : 0);
  }

  /** Resolves when the next request may go out. Calls are served in order. */
  take(): Promise<void> {
    const next = this.queue.then(() => this.wait());
    this.queue = next;
    return next;
  }

  private async wait(): Promise<void> {
    if (this.serverRemaining !== undefined) {
      const now = Date.now();
      if (this.serverRemaining > 0 || now >= this.serverResetAt) {
        if (this.serverRemaining > 0) this.serverRemaining--;
        this.record(now);
        return;
      }
      await sleep(this.serverResetAt - now);
      this.serverRemaining = undefined;
      this.record(Date.now());
      return;
    }
    if (this.count === 0) return;
    if (this.starts.length === this.count) {
      // the oldest of the last `count` departures must be a whole window ago
      const oldest = this.starts[this.next];
      const waitMs = oldest + this.windowMs - Date.now();
      if (waitMs > 0) await sleep(waitMs);
    }
    this.record(Date.now());
  }

  private record(at: number): void {
    if (this.count === 0) return;
    if (this.starts.length < this.count) this.starts.push(at);
    else {
      this.starts[this.next] = at;
      this.next = (this.next + 1) % this.count;
    }
  }

  /** Learns the server's own budget from a response's headers. */
  observe(headers: Record<string, unknown>): void {
    const raw = headers['x-rate-limit-remaining'] ?? headers['x-ratelimit-remaining'] ?? headers['ratelimit-remaining'];
    if (raw === undefined || raw === null || !/^\d+$/.test(String(raw))) return;
    this.serverRemaining = Number(raw);
    const wait = serverWaitMs({
      'x-rate-limit-reset': headers['x-rate-limit-reset'] ?? headers['x-ratelimit-reset'] ?? headers['ratelimit-reset'],
    });
    this.serverResetAt = Date.now() + (wait ?? 60_000);
  }
}
