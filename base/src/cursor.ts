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
    ? field.split('.').reduce<JsonValue | undefined>((n, k) => (n && typeof n === 'object' && !Array.isArray(n) ? n[k] : undefined), record)
    : record[field];
  return typeof v === 'string' || typeof v === 'number' ? v : undefined;
}

export class MaxCursor {
  value: CursorValue | undefined;
  constructor(initial: CursorValue | undefined, private readonly cap: Date) {
    this.value = initial;
  }

  see(v: CursorValue | undefined): void {
    if (v === undefined) return;
    const capped = this.capped(v);
    if (this.value === undefined || compareCursor(capped, this.value) > 0) this.value = capped;
  }

  private capped(v: CursorValue): CursorValue {
    if (typeof v !== 'string') return v;
    const d = parseTimestamp(v);
    return d && d.getTime() > this.cap.getTime() ? this.cap.toISOString() : v;
  }
}
