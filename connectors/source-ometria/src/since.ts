import { isoFromMs, oneYearAgo, toIsoUtc, type StreamContext } from '@conkit/base';
import type { Config } from './config.js';

/** The lower bound of this run, as ISO UTC: a saved value, else start_date, else a year ago. */
export function sinceOf(ctx: StreamContext<Config>, saved: unknown): string {
  const raw = typeof saved === 'string' ? saved : ctx.config.start_date ?? oneYearAgo(ctx.startedAt).toISOString();
  return toIsoUtc(raw) ?? oneYearAgo(ctx.startedAt).toISOString();
}

let lastMs = 0;
let lastIso = '';
/** The time a record is read, as ISO UTC (formatted once per millisecond: this runs per record). */
export const now = (): string => {
  const ms = Date.now();
  if (ms !== lastMs) [lastMs, lastIso] = [ms, isoFromMs(ms)];
  return lastIso;
};
