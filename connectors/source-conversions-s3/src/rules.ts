// Botify's delivery rules for conversion files, as pure functions: the date in a file name, and the
// checks every row must pass. Each rejection says which field is wrong and why.
import type { Config, Field } from './config.js';

export interface Row {
  url?: unknown;
  date?: unknown;
  channel?: unknown;
  device?: unknown;
  transactions?: unknown;
  revenue?: unknown;
}
export interface Conversion {
  url: string;
  date: string;
  channel: string | null;
  device: string | null;
  transactions: number | null;
  revenue: number | null;
}
export type Verdict =
  { ok: true; record: Conversion; warnings: string[] } | { ok: false; field: Field; reason: string };

export function isRealDate(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return false;
  const d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3]));
  return d.getUTCFullYear() === +m[1] && d.getUTCMonth() === +m[2] - 1 && d.getUTCDate() === +m[3];
}

// A date anywhere in the base name, not inside a longer run of digits: 2020-09-22 / 2020_09_22
// (one separator, used twice), or 20200922.
const SEPARATED = /(?<!\d)(\d{4})([-_])(\d{2})\2(\d{2})(?!\d)/g;
const COMPACT = /(?<!\d)(\d{4})(\d{2})(\d{2})(?!\d)/g;

/**
 * The day a file is for, from its base name: the first real date written YYYY-MM-DD (or
 * YYYY_MM_DD) anywhere in it, else the first real YYYYMMDD. Botify asks only that the name
 * "contain the date" (WIRE.md, BOT), so `export_1600771200_2020-09-22.csv` is 2020-09-22.
 */
export function dateOfKey(key: string): string | undefined {
  const name = key.split('/').pop() ?? key;
  for (const re of [SEPARATED, COMPACT]) {
    for (const m of name.matchAll(re)) {
      const date = re === SEPARATED ? `${m[1]}-${m[3]}-${m[4]}` : `${m[1]}-${m[2]}-${m[3]}`;
      if (isRealDate(date)) return date;
    }
  }
  return undefined;
}

const text = (v: unknown, d: string | undefined): string | null =>
  v === undefined || v === null || v === '' ? (d ?? null) : String(v);
const NUMBER = /^-?\d+(\.\d+)?$/;
const num = (v: unknown): number | undefined =>
  v === undefined || v === null || v === ''
    ? undefined
    : typeof v === 'number'
      ? v
      : NUMBER.test(String(v).trim())
        ? Number(v)
        : Number.NaN;

const DOMAIN = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*\.[a-z]{2,}(:\d+)?(\/|\?|#|$)/i;
const HTTP_URL = new RegExp(`^https?://${DOMAIN.source.slice(1)}`, 'i');

export function checkRow(row: Row, fileDate: string, config: Pick<Config, 'default_protocol' | 'defaults'>): Verdict {
  const warnings: string[] = [];
  const rawUrl = typeof row.url === 'string' ? row.url.trim() : '';
  if (!rawUrl) return { ok: false, field: 'url', reason: 'url is missing' };
  let url = rawUrl;
  if (HTTP_URL.test(url)) {
    // the usual row: a complete http(s) URL, judged by one regex
  } else if (!/^https?:\/\//i.test(url)) {
    if (!DOMAIN.test(url))
      return {
        ok: false,
        field: 'url',
        reason: `url '${rawUrl}' has no domain; give a complete URL such as https://www.example.com/path`,
      };
    url = `${config.default_protocol}://${url}`;
    warnings.push(`url '${rawUrl}' has no protocol; read as '${url}'`);
  } else if (!DOMAIN.test(url.replace(/^https?:\/\//i, ''))) {
    return { ok: false, field: 'url', reason: `url '${rawUrl}' has no valid domain` };
  }
  const date = typeof row.date === 'string' ? row.date.trim() : String(row.date ?? '');
  if (!date) return { ok: false, field: 'date', reason: 'date is missing' };
  // the file's day was checked once from its name; a row that repeats it needs no calendar check
  if (date !== fileDate) {
    if (!isRealDate(date))
      return { ok: false, field: 'date', reason: `date '${date}' must be a real date written YYYY-MM-DD` };
    return {
      ok: false,
      field: 'date',
      reason: `date ${date} is not the file's day ${fileDate}; a file holds only its own day`,
    };
  }
  const transactions = num(row.transactions);
  if (transactions !== undefined && !Number.isInteger(transactions))
    return {
      ok: false,
      field: 'transactions',
      reason: `transactions '${String(row.transactions)}' must be a whole number`,
    };
  const revenue = num(row.revenue);
  if (revenue !== undefined && Number.isNaN(revenue))
    return { ok: false, field: 'revenue', reason: `revenue '${String(row.revenue)}' must be a number` };
  return {
    ok: true,
    warnings,
    record: {
      url,
      date,
      channel: text(row.channel, config.defaults?.channel),
      device: text(row.device, config.defaults?.device),
      transactions: transactions ?? config.defaults?.transactions ?? null,
      revenue: revenue ?? config.defaults?.revenue ?? null,
    },
  };
}
