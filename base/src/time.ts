// Every timestamp leaves a connector as ISO-8601 UTC. Vendors send many shapes; none may be read
// as local time (tests run under a non-UTC TZ to prove it).

const VENDOR_OFFSET = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)\s*(Z|[+-]\d{2}:?\d{2})?$/i;
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

function fromParts(date: string, time: string, offset: string | undefined): Date {
  const off = !offset || offset.toUpperCase() === 'Z' ? 'Z' : offset.replace(/^([+-]\d{2})(\d{2})$/, '$1:$2');
  const t = time.length === 5 ? `${time}:00` : time;
  return new Date(`${date}T${t}${off}`);
}

/** Parses a vendor timestamp; a value without offset is UTC. Numbers are epoch seconds (or ms when large). */
export function parseTimestamp(value: unknown): Date | undefined {
  if (value === null || value === undefined || value === '') return undefined;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value;
  if (typeof value === 'number' || (typeof value === 'string' && /^\d{9,13}(\.\d+)?$/.test(value))) {
    const n = Number(value);
    const d = new Date(n < 1e11 ? n * 1000 : n);
    return Number.isNaN(d.getTime()) ? undefined : d;
  }
  if (typeof value !== 'string') return undefined;
  // Fast path for the common case (ISO-8601 with an explicit zone): no regex, one Date.parse.
  const n = value.length;
  if (n >= 20 && value[10] === 'T' && (value[n - 1] === 'Z' || value[n - 6] === '+' || value[n - 6] === '-')) {
    const ms = Date.parse(value);
    if (!Number.isNaN(ms)) return new Date(ms);
  }
  // Fast path for "2016-12-16 09:05:00 -0800" (Wootric and many vendors): digits read in place.
  if (n === 25 && value[10] === ' ' && value[19] === ' ' && (value[20] === '-' || value[20] === '+')) {
    const d = (i: number, len: number): number => Number(value.slice(i, i + len));
    const sign = value[20] === '-' ? -1 : 1;
    const [y, mo, day, h, mi, sec] = [d(0, 4), d(5, 2), d(8, 2), d(11, 2), d(14, 2), d(17, 2)];
    const local = new Date(Date.UTC(y, mo - 1, day, h, mi, sec));
    // Date.UTC rolls "month 13" over into the next year; such a value is not a date
    if (local.getUTCMonth() === mo - 1 && local.getUTCDate() === day && h < 24 && mi < 60 && sec < 60) {
      return new Date(local.getTime() - sign * (d(21, 2) * 60 + d(23, 2)) * 60_000);
    }
    return undefined;
  }
  const s = value.trim();
  if (DATE_ONLY.test(s)) return new Date(`${s}T00:00:00Z`);
  const m = VENDOR_OFFSET.exec(s);
  const d = m ? fromParts(m[1], m[2], m[3]) : new Date(s);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

/** ISO-8601 UTC with milliseconds, or null when the value is empty or unparseable. */
export function toIsoUtc(value: unknown): string | null {
  const d = parseTimestamp(value);
  return d ? d.toISOString() : null;
}

export function epochSeconds(d: Date): number {
  return Math.floor(d.getTime() / 1000);
}

export function oneYearAgo(now = new Date()): Date {
  const d = new Date(now.getTime());
  d.setUTCFullYear(d.getUTCFullYear() - 1);
  return d;
}

export function addDuration(d: Date, step: Duration): Date {
  const ms = ((step.days ?? 0) * 86_400 + (step.hours ?? 0) * 3_600 + (step.minutes ?? 0) * 60 + (step.seconds ?? 0)) * 1000;
  return new Date(d.getTime() + ms);
}

export interface Duration { days?: number; hours?: number; minutes?: number; seconds?: number }
