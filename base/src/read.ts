// The read loop: for each configured stream, slices -> records -> checkpoints, with status traces,
// per-stream STATE carrying the count of records it covers, and failures isolated per stream.
import type { ConfiguredAirbyteStream, JsonObject } from './protocol.js';
import { messages } from './protocol.js';
import type { OutputWriter } from './output.js';
import type { AnyStreamDef, StreamContext } from './stream.js';
import { Checkpoint } from './stream.js';
import { MaxCursor, cursorOf } from './cursor.js';
import { clientFilter } from './client-filter.js';
import { failureTypeOf, messageOf, stackOf } from './errors.js';
import type { Logger } from './log.js';
import { recordJson } from './record-json.js';

const DEFAULT_CHECKPOINT_EVERY = 10_000;

/** stated: whether a STATE of this stream went out (a failed stream without one restarts from its old state). */
export interface StreamRunResult {
  stream: string;
  records: number;
  ok: boolean;
  error?: unknown;
  stated: boolean;
}

export async function readStream<C>(
  def: AnyStreamDef<C>,
  configured: ConfiguredAirbyteStream,
  ctx: StreamContext<C>,
  out: OutputWriter,
  log: Logger,
): Promise<StreamRunResult> {
  const name = def.name;
  const incremental = configured.sync_mode === 'incremental';
  const manual = def.stateMode === 'manual' || !def.cursorField;
  const every = def.checkpointEvery ?? DEFAULT_CHECKPOINT_EVERY;
  const field = configured.cursor_field?.[0] ?? def.cursorField;
  const prev = incremental ? ctx.state : undefined;
  const saved = field && prev ? prev[field] : undefined;
  const initial = typeof saved === 'string' || typeof saved === 'number' ? saved : undefined;
  const max = new MaxCursor(initial, ctx.startedAt);
  let base: JsonObject = prev ?? {};
  let sinceState = 0;
  let total = 0;
  let running = false;
  let stated = false;

  const currentState = (): JsonObject => {
    if (!incremental) return {};
    if (manual || !field || max.value === undefined) return base;
    return { ...base, [field]: max.value };
  };
  const emitState = async (state: JsonObject): Promise<void> => {
    await out.write(messages.streamState(name, state, sinceState));
    sinceState = 0;
    stated = true;
  };

  // The record line is assembled around the data's JSON: the hot path allocates no envelope.
  const recordHead = `{"type":"RECORD","record":{"stream":${JSON.stringify(name)},"data":`;
  const toJson = recordJson();
  // the tail changes once a millisecond, not once a record: hundreds of records share each one
  let tailMs = -1;
  let recordTail = '';
  await out.write(messages.streamStatus(name, 'STARTED'));
  try {
    const slices = def.slices ? def.slices(ctx) : [undefined];
    for await (const slice of slices) {
      const keep = def.clientSideIncremental && !manual && field ? clientFilter(field, initial, slice) : undefined;
      for await (const item of def.read(ctx, slice)) {
        if (item instanceof Checkpoint) {
          base = item.state;
          if (manual || !incremental) await emitState(incremental ? base : {});
          continue;
        }
        if (!running) {
          running = true;
          await out.write(messages.streamStatus(name, 'RUNNING'));
        }
        // a page of records goes out in one synchronous loop: no promise per record
        for (const record of Array.isArray(item) ? item : [item]) {
          if (keep && !keep(record)) continue;
          const now = Date.now();
          if (now !== tailMs) [tailMs, recordTail] = [now, `,"emitted_at":${now}}}`];
          const pending = out.writeLine(recordHead + toJson(record) + recordTail);
          if (pending) await pending;
          sinceState++;
          total++;
          if (incremental && field && !manual) max.see(cursorOf(record, field));
          if (sinceState >= every && (!incremental || (def.sorted && !manual))) await emitState(currentState());
        }
      }
      if (!running) {
        running = true;
        await out.write(messages.streamStatus(name, 'RUNNING'));
      }
      if (!manual || !incremental) await emitState(currentState());
    }
    if (!running) await out.write(messages.streamStatus(name, 'RUNNING'));
    if (sinceState > 0 || !stated) await emitState(currentState());
    await out.write(messages.streamStatus(name, 'COMPLETE'));
    log.info(`Stream ${name}: ${total} records`);
    return { stream: name, records: total, ok: true, stated };
  } catch (err) {
    // What was read is not lost: a sorted stream's max cursor covers every record already printed.
    if (incremental && def.sorted && !manual && sinceState > 0) await emitState(currentState());
    await out.write(
      messages.error(`Stream '${name}' failed: ${messageOf(err)}`, failureTypeOf(err), {
        stream: name,
        stack: stackOf(err),
      }),
    );
    await out.write(messages.streamStatus(name, 'INCOMPLETE'));
    return { stream: name, records: total, ok: false, error: err, stated };
  }
}
