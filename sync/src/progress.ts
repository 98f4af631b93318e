// Progress on stderr while a sync runs (per stream: records, records/s, elapsed), at most a few
// times a second, and the summary table at the end.
export interface StreamProgress { stream: string; records: number; started: number; seconds?: number; stateSaved: boolean }

export class Progress {
  private last = 0;
  readonly streams = new Map<string, StreamProgress>();
  constructor(private readonly label: string, private readonly tty = process.stderr.isTTY) {}

  record(stream: string): void {
    const s = this.streams.get(stream) ?? { stream, records: 0, started: Date.now(), stateSaved: false };
    s.records++;
    this.streams.set(stream, s);
    const now = Date.now();
    if (now - this.last > (this.tty ? 250 : 5000)) {
      this.last = now;
      const secs = (now - s.started) / 1000;
      const line = `[${this.label}] ${stream}: ${s.records.toLocaleString('en-US')} records, ${Math.round(s.records / Math.max(secs, 0.001)).toLocaleString('en-US')}/s, ${secs.toFixed(1)} s`;
      process.stderr.write(this.tty ? `\r${line}\x1b[K` : `${line}\n`);
    }
  }

  saved(stream: string): void {
    const s = this.streams.get(stream) ?? { stream, records: 0, started: Date.now(), stateSaved: false };
    s.stateSaved = true;
    s.seconds = (Date.now() - s.started) / 1000;
    this.streams.set(stream, s);
  }

  summary(): string {
    if (this.tty) process.stderr.write('\r\x1b[K');
    const rows = [...this.streams.values()].map((s) => [this.label, s.stream, s.records.toLocaleString('en-US'), (s.seconds ?? (Date.now() - s.started) / 1000).toFixed(1), s.stateSaved ? 'yes' : 'no']);
    return table(['connector', 'stream', 'records', 'seconds', 'state saved'], rows);
  }
}

export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cols: string[]) => cols.map((c, i) => c.padEnd(widths[i])).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}
