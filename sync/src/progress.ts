// Progress on stderr while a sync runs: per stream, the records read so far, the rate and the time
// since that stream's first record; a line at most every few seconds (every second on a terminal),
// never for a stream's first record alone; and the summary table at the end.
export interface StreamProgress {
  stream: string;
  records: number;
  started: number;
  seconds?: number;
  stateSaved: boolean;
}

export class Progress {
  private last = Date.now();
  private open = false;
  readonly streams = new Map<string, StreamProgress>();
  constructor(
    private readonly label: string,
    private readonly tty = process.stderr.isTTY,
    private readonly everyMs = tty ? 1000 : 5000,
  ) {}

  record(stream: string): void {
    let s = this.streams.get(stream);
    if (!s) this.streams.set(stream, (s = { stream, records: 0, started: Date.now(), stateSaved: false }));
    s.records++;
    const now = Date.now();
    if (now - this.last < this.everyMs) return;
    this.last = now;
    const secs = (now - s.started) / 1000;
    const rate = secs >= 1 ? `, ${Math.round(s.records / secs).toLocaleString('en-US')}/s` : '';
    const line = `[${this.label}] ${stream}: ${s.records.toLocaleString('en-US')} records${rate}, ${secs.toFixed(1)} s`;
    process.stderr.write(this.tty ? `\r${line}\x1b[K` : `${line}\n`);
    this.open = this.tty;
  }

  saved(stream: string): void {
    const s = this.streams.get(stream) ?? { stream, records: 0, started: Date.now(), stateSaved: false };
    s.stateSaved = true;
    s.seconds = (Date.now() - s.started) / 1000;
    this.streams.set(stream, s);
  }

  /** Ends a progress line still open on a terminal, before another message is written. */
  interrupt(): void {
    if (this.open) process.stderr.write('\r\x1b[K');
    this.open = false;
  }

  summary(): string {
    this.interrupt();
    const rows = [...this.streams.values()].map((s) => [
      this.label,
      s.stream,
      s.records.toLocaleString('en-US'),
      (s.seconds ?? (Date.now() - s.started) / 1000).toFixed(1),
      s.stateSaved ? 'yes' : 'no',
    ]);
    return table(['connector', 'stream', 'records', 'seconds', 'state saved'], rows);
  }
}

export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cols: string[]) => cols.map((c, i) => c.padEnd(widths[i])).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}
