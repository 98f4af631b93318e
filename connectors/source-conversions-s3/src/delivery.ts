// Which files a read takes: one per day (a name without a date is skipped; of two files for one day
// the later by last-modified wins, and on equal last-modified the key that sorts last in S3's
// order, UTF-8 binary, whatever order the listing came in), nothing already read, and a state that
// stays small: the keys read in the last LATE_DAYS days, so a file that arrives late for an earlier
// day is read once.
import type { JsonObject, Logger } from '@conkit/base';
import type { S3Object } from '@conkit/base/s3';
import { dateOfKey } from './rules.js';

export const LATE_DAYS = 30;

export interface DeliveryState { last_complete_date?: string; files: Record<string, string> }

export function parseState(raw: JsonObject | undefined): DeliveryState {
  const files = raw?.files && typeof raw.files === 'object' && !Array.isArray(raw.files) ? (raw.files as Record<string, string>) : {};
  const last = typeof raw?.last_complete_date === 'string' ? raw.last_complete_date : undefined;
  return { last_complete_date: last, files: { ...files } };
}

export interface DatedFile extends S3Object { date: string }

/** Binary order of keys (UTF-16 code units: S3's UTF-8 byte order outside astral characters), not locale collation. */
export const byKey = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export function chooseFiles(objects: S3Object[], state: DeliveryState, startDate: string | undefined, log: Logger): DatedFile[] {
  const byDate = new Map<string, DatedFile[]>();
  for (const o of objects) {
    const date = dateOfKey(o.key);
    if (!date) {
      log.warn(`${o.key}: the file name carries no date (expected one like conversion-export-2020-09-22.csv); skipped`);
      continue;
    }
    if (startDate && date < startDate) continue;
    byDate.set(date, [...(byDate.get(date) ?? []), { ...o, date }]);
  }
  const chosen: DatedFile[] = [];
  for (const [date, files] of byDate) {
    files.sort((a, b) => a.lastModified.getTime() - b.lastModified.getTime() || byKey(a.key, b.key));
    const winner = files[files.length - 1];
    if (files.length > 1) {
      log.warn(`${files.length} files for ${date}: ${files.map((f) => `${f.key} (${f.lastModified.toISOString()})`).join(', ')}; reading ${winner.key}, the later by last-modified${files[files.length - 2].lastModified.getTime() === winner.lastModified.getTime() ? ' (a tie: the key that sorts last)' : ''}`);
    }
    if (state.last_complete_date && date <= state.last_complete_date) continue;
    if (state.files[winner.key] === winner.lastModified.toISOString()) continue;
    chosen.push(winner);
  }
  return chosen.sort((a, b) => byKey(a.date, b.date) || byKey(a.key, b.key));
}

/** Moves the complete-date line forward and forgets keys older than it. */
export function settle(state: DeliveryState, newest: string | undefined): DeliveryState {
  if (!newest) return state;
  const d = new Date(`${newest}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - LATE_DAYS);
  const line = d.toISOString().slice(0, 10);
  const last = state.last_complete_date && state.last_complete_date > line ? state.last_complete_date : line;
  const files = Object.fromEntries(Object.entries(state.files).filter(([k]) => (dateOfKey(k) ?? '') > last));
  return { last_complete_date: last, files };
}
