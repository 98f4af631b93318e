// Client-side incremental (Airbyte's `is_client_side_incremental`): for an API that cannot filter by
// the cursor, the kit keeps only the records a filter would have let through: on an incremental read
// none below the incoming cursor, and, when the slice is a date window, only those inside
// [start, end) (a request asked wider at its edges, as bounds of undocumented inclusivity must be,
// then gives each record once). A record without a cursor value is kept: nothing says it is old.
import type { JsonObject } from './protocol.js';
import { cursorOf, type CursorValue } from './cursor.js';
import { parseTimestamp } from './time.js';
import type { DateWindow } from './windows.js';

const isDateWindow = (slice: unknown): slice is DateWindow =>
  typeof slice === 'object' &&
  slice !== null &&
  (slice as DateWindow).start instanceof Date &&
  (slice as DateWindow).end instanceof Date;

/** compareCursor(at, floor) < 0, from instants parsed once (floor's once a slice, at's once a record). */
const isBelow = (at: CursorValue, atMs: number | undefined, floor: CursorValue, floorMs: number | undefined) =>
  typeof at === 'number' && typeof floor === 'number'
    ? at < floor
    : atMs !== undefined && floorMs !== undefined
      ? atMs < floorMs
      : String(at) < String(floor);

/** What a slice's records must pass, or undefined when nothing is to be dropped. */
export function clientFilter(
  field: string,
  floor: CursorValue | undefined,
  slice: unknown,
): ((record: JsonObject) => boolean) | undefined {
  const window = isDateWindow(slice) ? [slice.start.getTime(), slice.end.getTime()] : undefined;
  if (floor === undefined && !window) return undefined;
  const floorMs = floor === undefined ? undefined : parseTimestamp(floor)?.getTime();
  return (record) => {
    const at = cursorOf(record, field);
    if (at === undefined) return true;
    const ms = parseTimestamp(at)?.getTime();
    if (floor !== undefined && isBelow(at, ms, floor, floorMs)) return false;
    return !window || ms === undefined || (ms >= window[0] && ms < window[1]);
  };
}
