// Client-side pacing. A connector declares its vendor's limit once; the limiter keeps it in every
// rolling window, as a service counting requests over any second (or minute) sees them: request n
// leaves only once request n-N was answered at least one window ago (a sliding log of the last N).
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
 * A request's slot is counted from when its answer came, not from when it left: the service counts
 * arrivals, and a request arrives somewhere between the two (a new connection, a busy event loop,
 * several requests in flight at once can hold one back on this side for 100 ms and more). Request n+N
 * leaves one window after request n was answered, so no window the service counts can hold N+1
 * arrivals, however late request n went out. 3% more window covers the two clocks' rates.
 */
const SAFETY = 1.03;
const answeredAlready = (): void => undefined;

export class RateLimiter {
  /** The last `count` slots, oldest first (a ring): when each was answered, or its answer still awaited. */
  private readonly starts: number[] = [];
  private readonly inFlight: (Promise<void> | undefined)[] = [];
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
    this.windowMs = this.windowMs * SAFETY;
  }

  /**
   * Resolves when the next request may go out, with the function to call once it is answered (or
   * failed). Calls are served in order.
   */
  take(): Promise<() => void> {
    const next = this.queue.then(() => this.wait());
    this.queue = next.then(() => undefined);
    return next;
  }

  private async wait(): Promise<() => void> {
    if (this.serverRemaining !== undefined) {
      const now = Date.now();
      if (this.serverRemaining > 0 || now >= this.serverResetAt) {
        if (this.serverRemaining > 0) this.serverRemaining--;
        return this.record();
      }
      await sleep(this.serverResetAt - now);
      this.serverRemaining = undefined;
      return this.record();
    }
    if (this.count === 0) return answeredAlready;
    if (this.starts.length === this.count) {
      // the oldest of the last `count` slots must have been answered a whole window ago
      await this.inFlight[this.next];
      const waitMs = this.starts[this.next] + this.windowMs - Date.now();
      if (waitMs > 0) await sleep(waitMs);
    }
    return this.record();
  }

  /** Takes the oldest slot for a request leaving now; its time becomes the answer's when that comes. */
  private record(): () => void {
    if (this.count === 0) return answeredAlready;
    const full = this.starts.length === this.count;
    const slot = full ? this.next : this.starts.push(0) - 1;
    if (full) this.next = (this.next + 1) % this.count;
    this.starts[slot] = Date.now();
    let answered = answeredAlready;
    this.inFlight[slot] = new Promise<void>((resolve) => {
      answered = () => {
        this.starts[slot] = Math.max(this.starts[slot], Date.now());
        this.inFlight[slot] = undefined;
        resolve();
      };
    });
    return answered;
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
