// Cursor arithmetic for the kit's automatic state: the maximum cursor value seen, compared as numbers
// or instants, capped at the sync's start so a clock-skewed record can't push the bookmark ahead.
import type { JsonObject, JsonValue } from './protocol.js';
import { parseTimestamp } from './time.js';

export type CursorValue = string | number;

export function compareCursor(a: CursorValue, b: CursorValue): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const da = parseTimestamp(a);
  const db = parseTimestamp(b);
  if (da && db) return da.getTime() - db.getTime();
  return String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0;
}

export function cursorOf(record: JsonObject, field: string): CursorValue | undefined {
  const v: JsonValue | undefined = field.includes('.')
    ? field
        .split('.')
        .reduce<JsonValue | undefined>(
          (n, k) => (n && typeof n === 'object' && !Array.isArray(n) ? n[k] : undefined),
          record,
        )
    : record[field];
  return typeof v === 'string' || typeof v === 'number' ? v : undefined;
}

/** The largest cursor value seen. Each value is parsed once (this runs for every record). */
export class MaxCursor {
  value: CursorValue | undefined;
  private ms: number | undefined;
  private readonly capMs: number;

  constructor(initial: CursorValue | undefined, cap: Date) {
    this.value = initial;
    this.capMs = cap.getTime();
    this.ms = typeof initial === 'string' ? parseTimestamp(initial)?.getTime() : undefined;
  }

  see(v: CursorValue | undefined): void {
    if (v === undefined) return;
    if (typeof v === 'number') {
      if (this.value === undefined || (typeof this.value === 'number' && v > this.value)) this.value = v;
      return;
    }
    const ms = parseTimestamp(v)?.getTime();
    if (ms === undefined) {
      if (this.value === undefined || compareCursor(v, this.value) > 0) this.value = v;
      return;
    }
    if (this.ms !== undefined && ms <= this.ms) return;
    if (ms > this.capMs) {
      if (this.ms !== undefined && this.ms >= this.capMs) return;
      this.ms = this.capMs;
      this.value = new Date(this.capMs).toISOString();
      return;
    }
    this.ms = ms;
    this.value = v;
  }
}
