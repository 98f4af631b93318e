// Date-window slicing: a long history read as consecutive [start, end) windows, so each request
// stays small and the state can advance at every window's end.
import { addDuration, parseTimestamp, type Duration } from './time.js';
import { configError } from './errors.js';

export interface DateWindow {
  start: Date;
  end: Date;
}

export function* dateWindows(opts: { from: Date | string; to?: Date; step: Duration }): Generator<DateWindow> {
  const from = typeof opts.from === 'string' ? parseTimestamp(opts.from) : opts.from;
  if (!from)
    throw configError(`Start date '${String(opts.from)}' is not a date. Use YYYY-MM-DD or an ISO-8601 date-time.`);
  const to = opts.to ?? new Date();
  if (addDuration(from, opts.step).getTime() <= from.getTime()) throw new Error('dateWindows: step must be positive');
  for (let start = from; start < to;) {
    const next = addDuration(start, opts.step);
    const end = next < to ? next : to;
    yield { start, end };
    start = end;
  }
}
