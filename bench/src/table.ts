/**
 * One row per connector, stream and size. n: the records the source holds (the expected count);
 * records: what the connector emitted. rawRps: the raw pipeline writing rows as read; sameRps: the
 * raw pipeline writing the connector's own records (mapped streams only). error: why the runs behind
 * the row are wrong (check.ts). peerOf: this row is a peer run beside that connector's row.
 */
export interface Row {
  connector: string;
  stream: string;
  n: number;
  records: number;
  kitRps: number;
  rawRps: number;
  sameRps?: number;
  peakMb: number;
  note?: string;
  error?: string;
  peerOf?: string;
}

export const fmtInt = (n: number): string => (Number.isFinite(n) ? n.toLocaleString('en-US') : '-');
const fmt = (n: number): string => (!Number.isFinite(n) ? '-' : n >= 100 ? fmtInt(Math.round(n)) : n.toFixed(2));
export const ratio = (a: number, b: number): string => (Number.isFinite(a / b) ? (a / b).toFixed(2) : '-');
export const pct = (x: number): string => (Number.isFinite(x) ? `${x >= 0 ? '+' : ''}${Math.round(x * 100)}%` : '-');

/** The row of the same connector and stream at the smallest size run, when that is not `r` itself. */
export function rssBase(rows: Row[], r: Row): Row | undefined {
  const same = rows.filter((o) => o.connector === r.connector && o.stream === r.stream);
  const base = same.reduce<Row | undefined>((b, o) => (!b || o.n < b.n ? o : b), undefined);
  return base && base.n < r.n ? base : undefined;
}

/** Peak RSS at this size over peak RSS at the smallest size, minus 1 (0.05 = +5%). */
export function rssGrowth(rows: Row[], r: Row): number | undefined {
  const base = rssBase(rows, r);
  return base ? r.peakMb / base.peakMb - 1 : undefined;
}

export function printTable(rows: Row[]): string {
  const header = [
    'connector',
    'stream',
    'records',
    'connector rec/s',
    'raw rec/s',
    'ratio',
    'raw, same records rec/s',
    'ratio',
    'peak RSS MB',
    'RSS growth',
    'note',
    'runs',
  ];
  const body = rows.map((r) => {
    const growth = rssGrowth(rows, r);
    return [
      r.connector,
      r.stream,
      fmtInt(r.records),
      fmt(r.kitRps),
      fmt(r.rawRps),
      ratio(r.kitRps, r.rawRps),
      r.sameRps ? fmt(r.sameRps) : '-',
      r.sameRps ? ratio(r.kitRps, r.sameRps) : '',
      Number.isFinite(r.peakMb) ? r.peakMb.toFixed(0) : '-',
      growth === undefined ? '' : pct(growth),
      r.note ?? '',
      r.error ? `✗ ERROR: ${r.error}` : '✓',
    ];
  });
  const lines = [header, header.map(() => '---'), ...body].map((cols) => `| ${cols.join(' | ')} |`);
  return lines.join('\n');
}
