// Ometria's time formats (WIRE.md) and this run's bounds.
import { isoFromMs, toIsoUtc, type StreamContext } from '@conkit/base';
import type { Config } from './config.js';

/** When a record is read (`__synced_at`): the kit's clock, formatted once per millisecond. */
export { nowIso as now } from '@conkit/base';

/** The lower bound of this run, as ISO UTC: a saved value, else where the history starts (kit). */
export const sinceOf = (ctx: StreamContext<Config>, saved: unknown): string =>
  (typeof saved === 'string' ? toIsoUtc(saved) : null) ?? ctx.historyStart;

/** `YYYY-MM-DDTHH:MM:SS` in UTC, floored to the second: the unsubscribes format (WIRE.md). */
export const utcSeconds = (ms: number): string => isoFromMs(ms).slice(0, 19);

/** The `updateSince` date: the UTC day before the bound's day, so no zone reading of a bare date misses a change. */
export const dayBefore = (iso: string): string => isoFromMs(Date.parse(iso.slice(0, 10)) - 86_400_000).slice(0, 10);
