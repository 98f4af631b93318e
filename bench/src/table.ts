/** rawRps: the raw pipeline writing rows as read; sameRps: the raw pipeline writing the connector's own records (mapped streams only). */
export interface Row { connector: string; stream: string; records: number; kitRps: number; rawRps: number; sameRps?: number; peakMb: number; note?: string }

const fmt = (n: number): string => (n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(2));

export function printTable(rows: Row[]): string {
  const header = ['connector', 'stream', 'records', 'connector rec/s', 'raw rec/s', 'ratio', 'raw, same records rec/s', 'ratio', 'peak RSS MB', 'note'];
  const body = rows.map((r) => [
    r.connector, r.stream, r.records.toLocaleString('en-US'), fmt(r.kitRps), fmt(r.rawRps), (r.kitRps / r.rawRps).toFixed(2),
    r.sameRps ? fmt(r.sameRps) : '-', r.sameRps ? (r.kitRps / r.sameRps).toFixed(2) : '',
    r.peakMb.toFixed(0), r.note ?? '',
  ]);
  const lines = [header, header.map(() => '---'), ...body].map((cols) => `| ${cols.join(' | ')} |`);
  return lines.join('\n');
}
