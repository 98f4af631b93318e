// Every timestamp leaves a connector as ISO-8601 UTC. Vendors send many shapes; none may be read
// as local time (tests run under a non-UTC TZ to prove it).

const VENDOR_OFFSET = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)\s*(Z|[+-]\d{2}:?\d{2})?$/i;
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

function fromParts(date: string, time: string, offset: string | undefined): Date {
  const off = !offset || offset.toUpperCase() === 'Z' ? 'Z' : offset.replace(/^([+-]\d{2})(\d{2})$/, '$1:$2');
  const t = time.length === 5 ? `${time}:00` : time;
  return new Date(`${date}T${t}${off}`);
}

const DAY_MS = 86_400_000;

/** Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil). */
function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

const daysInMonth = (y: number, m: number): number =>
  m === 2
    ? y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0)
      ? 29
      : 28
    : m === 4 || m === 6 || m === 9 || m === 11
      ? 30
      : 31;

/** The number written by `len` ASCII digits at `i`, or NaN when any is not a digit. */
function digits(s: string, i: number, len: number): number {
  let n = 0;
  for (let k = i; k < i + len; k++) {
    const c = s.charCodeAt(k) - 48;
    if (c < 0 || c > 9) return Number.NaN;
    n = n * 10 + c;
  }
  return n;
}

const isDigit = (c: number): boolean => c >= 48 && c <= 57;

/**
 * The shapes nearly every vendor sends, read in place without a regex or Date.parse:
 * "YYYY-MM-DD[T ]hh:mm:ss[.fff][ ][Z|±hh[:]mm|±hh]", naive meaning UTC. Returns the epoch ms,
 * undefined for a day that does not exist (Feb 30; Date.parse would roll it into March), or
 * null for anything else, which the general path then reads.
 */
function inPlaceMs(v: string): number | undefined | null {
  const n = v.length;
  const sep = v.charCodeAt(10);
  if (
    n < 19 ||
    v.charCodeAt(4) !== 45 ||
    v.charCodeAt(7) !== 45 ||
    (sep !== 84 && sep !== 32) ||
    v.charCodeAt(13) !== 58 ||
    v.charCodeAt(16) !== 58
  )
    return null;
  const y = digits(v, 0, 4);
  const mo = digits(v, 5, 2);
  const d = digits(v, 8, 2);
  const h = digits(v, 11, 2);
  const mi = digits(v, 14, 2);
  const sec = digits(v, 17, 2);
  let i = 19;
  let ms = 0;
  if (v.charCodeAt(i) === 46) {
    let k = i + 1;
    for (; k < n && isDigit(v.charCodeAt(k)); k++) if (k - i <= 3) ms += (v.charCodeAt(k) - 48) * 10 ** (3 - (k - i));
    if (k === i + 1) return null;
    i = k;
  }
  if (v.charCodeAt(i) === 32) i++;
  let offset = 0;
  const z = v.charCodeAt(i);
  if (z === 90) i++;
  else if (z === 43 || z === 45) {
    const oh = digits(v, i + 1, 2);
    i += 3;
    if (v.charCodeAt(i) === 58) i++;
    const om = i < n ? digits(v, i, 2) : 0;
    if (i < n) i += 2;
    if (!(oh < 24 && om < 60)) return null;
    offset = (z === 45 ? -1 : 1) * (oh * 60 + om);
  } else if (i !== n) return null;
  // NaN fails every comparison, so a non-digit anywhere lands here too
  if (i !== n || !(mo >= 1 && mo <= 12 && d >= 1 && d <= 31 && h < 24 && mi < 60 && sec < 60)) return null;
  if (d > daysInMonth(y, mo)) return undefined;
  return daysFromCivil(y, mo, d) * DAY_MS + ((h * 60 + mi - offset) * 60 + sec) * 1000 + ms;
}

/** "2024-01-01T00:16:40.000Z" exactly as toISOString writes it, and a real time: it is its own answer. */
function isCanonicalIso(v: string): boolean {
  return (
    v.length === 24 &&
    v.charCodeAt(10) === 84 &&
    v.charCodeAt(19) === 46 &&
    v.charCodeAt(23) === 90 &&
    isDigit(v.charCodeAt(0))
  );
}

/** Epoch milliseconds of a vendor timestamp; a value without offset is UTC. */
function parseMs(value: unknown): number | undefined {
  if (value === null || value === undefined || value === '') return undefined;
  if (value instanceof Date) return valid(value.getTime());
  // the usual shapes first: they never look like an epoch number, and the regex costs more than this
  if (typeof value === 'string') {
    const fast = inPlaceMs(value);
    if (fast !== null) return fast;
  }
  if (typeof value === 'number' || (typeof value === 'string' && /^\d{9,13}(\.\d+)?$/.test(value))) {
    const n = Number(value);
    return valid(new Date(n < 1e11 ? n * 1000 : n).getTime());
  }
  if (typeof value !== 'string') return undefined;
  const s = value.trim();
  if (DATE_ONLY.test(s)) return valid(Date.parse(`${s}T00:00:00Z`));
  const m = VENDOR_OFFSET.exec(s);
  return valid((m ? fromParts(m[1], m[2], m[3]) : new Date(s)).getTime());
}

const valid = (ms: number): number | undefined => (Number.isNaN(ms) ? undefined : ms);

/** Parses a vendor timestamp; a value without offset is UTC. Numbers are epoch seconds (or ms when large). */
export function parseTimestamp(value: unknown): Date | undefined {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value;
  const ms = parseMs(value);
  return ms === undefined ? undefined : new Date(ms);
}

const PAD2 = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, '0'));
const PAD3 = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0'));

/**
 * Date.prototype.toISOString without the Date: about three times faster, which counts when every
 * record carries several timestamps. Years outside 1000-9999 go through Date.
 */
export function isoFromMs(ms: number): string {
  const days = Math.floor(ms / DAY_MS);
  let rem = ms - days * DAY_MS;
  // civil_from_days (Howard Hinnant)
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  if (y < 1000 || y > 9999 || !Number.isInteger(ms)) return new Date(ms).toISOString();
  const h = Math.floor(rem / 3_600_000);
  rem -= h * 3_600_000;
  const mi = Math.floor(rem / 60_000);
  rem -= mi * 60_000;
  const sec = Math.floor(rem / 1000);
  return `${y}-${PAD2[m]}-${PAD2[d]}T${PAD2[h]}:${PAD2[mi]}:${PAD2[sec]}.${PAD3[rem - sec * 1000]}Z`;
}

let lastMs = Number.NaN;
let lastIso = '';
/**
 * The current time as ISO UTC, formatted once per millisecond: a read time stamped on every record
 * (a column such as `__synced_at`) costs a clock read, not a formatting, per record.
 */
export function nowIso(): string {
  const ms = Date.now();
  if (ms !== lastMs) [lastMs, lastIso] = [ms, isoFromMs(ms)];
  return lastIso;
}

/**
 * A valid UTC value written with 'T', no or 3-digit fraction and Z / +00:00 / +0000 is already the
 * ISO form but for its tail: rewriting the tail skips formatting from milliseconds (vendors such as
 * Ometria send every timestamp this way).
 */
function zeroOffsetIso(v: string): string | undefined {
  if (v.charCodeAt(10) !== 84) return undefined;
  let i = 19;
  let fraction = '.000';
  if (v.charCodeAt(19) === 46) {
    if (!isDigit(v.charCodeAt(22)) || isDigit(v.charCodeAt(23))) return undefined;
    fraction = v.slice(19, 23);
    i = 23;
  }
  const tail = v.length - i;
  const utc =
    tail === 1 ? v.charCodeAt(i) === 90 : tail === 6 ? v.endsWith('+00:00') : tail === 5 && v.endsWith('+0000');
  return utc ? `${v.slice(0, 19)}${fraction}Z` : undefined;
}

/** ISO-8601 UTC with milliseconds, or null when the value is empty or unparseable. */
export function toIsoUtc(value: unknown): string | null {
  if (typeof value === 'string') {
    const ms = inPlaceMs(value);
    if (ms !== null)
      return ms === undefined ? null : isCanonicalIso(value) ? value : (zeroOffsetIso(value) ?? isoFromMs(ms));
  }
  const ms = parseMs(value);
  return ms === undefined ? null : isoFromMs(ms);
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
  const ms =
    ((step.days ?? 0) * 86_400 + (step.hours ?? 0) * 3_600 + (step.minutes ?? 0) * 60 + (step.seconds ?? 0)) * 1000;
  return new Date(d.getTime() + ms);
}

export interface Duration {
  days?: number;
  hours?: number;
  minutes?: number;
  seconds?: number;
}
