// One concurrency cap per connector run: `max_concurrency` requests in flight at once, across every
// stream and partition, whatever transport carries them (HTTP and SOAP attempts in retrying(), S3
// commands in the client's middleware). The vendor's rate limit applies on top (ratelimit.ts). When
// the service pushes back with a wait (a 429 or 503 with Retry-After), every request of the run holds
// off until then, not just the one that was told: the others would only collect the same answer.
import { AsyncLocalStorage } from 'node:async_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { ConnectorError } from './errors.js';

export class RequestPool {
  private inFlight = 0;
  private readonly queue: (() => void)[] = [];
  private resumeAt = 0;
  /** Until a request has gone through, one goes at a time: a wrong password is tried once, not N times at once. */
  private proven = false;
  /** A config_error (bad credentials, an IP not allowed) stops every request that has not left. */
  private stopped: unknown;

  constructor(readonly max: number) {
    if (!Number.isInteger(max) || max < 1) throw new Error(`RequestPool: max must be a whole number >= 1, not ${max}`);
  }

  /** Runs `fn` once a slot is free and no pause is in force; the slot is held until it settles. */
  async run<T>(fn: () => Promise<T>): Promise<T> {
    await this.acquire();
    try {
      if (this.stopped) throw this.stopped;
      const result = await fn();
      this.proven = true;
      return result;
    } catch (e) {
      if (e instanceof ConnectorError && e.failureType === 'config_error') this.stopped ??= e;
      throw e;
    } finally {
      this.release();
    }
  }

  /** Holds every request that has not left yet until `ms` from now (the longest pause wins). */
  pause(ms: number): void {
    this.resumeAt = Math.max(this.resumeAt, Date.now() + ms);
  }

  private async acquire(): Promise<void> {
    if (this.inFlight < (this.proven ? this.max : 1)) this.inFlight++;
    else await new Promise<void>((resolve) => this.queue.push(resolve)); // the releaser hands its slot over
    for (let wait = this.resumeAt - Date.now(); wait > 0; wait = this.resumeAt - Date.now()) await sleep(wait);
  }

  private release(): void {
    this.inFlight--;
    // hand slots to waiting requests while the cap allows (after the first success, several at once)
    while (this.queue.length && this.inFlight < (this.proven ? this.max : 1)) {
      this.inFlight++;
      this.queue.shift()?.();
    }
  }
}

const current = new AsyncLocalStorage<{ pool: RequestPool; holding: boolean }>();

/** Runs a connector command with `pool` as the cap of every request made inside it. */
export const withPool = <T>(pool: RequestPool, fn: () => Promise<T>): Promise<T> =>
  current.run({ pool, holding: false }, fn);

/** The run's pool; outside a run (a unit test calling a client directly) requests are not capped. */
export const currentPool = (): RequestPool | undefined => current.getStore()?.pool;

/**
 * Runs one request under the current run's cap. A request made while holding a slot (the token
 * fetch inside an attempt) goes out in that slot: taking a second one could wait for ever at a cap of 1.
 */
export function inSlot<T>(fn: () => Promise<T>): Promise<T> {
  const ctx = current.getStore();
  if (!ctx || ctx.holding) return fn();
  return ctx.pool.run(() => current.run({ pool: ctx.pool, holding: true }, fn));
}
