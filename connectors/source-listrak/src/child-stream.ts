// The message_* tables: one paged report per message of every list. Incremental ones read the
// window since the previous run's end message by message, with a checkpoint after each message, so
// a failed first sync of a long history resumes after the last message it finished.
import {
  defineStream,
  partWindowStateSchema,
  readPartitions,
  type JsonObject,
  type JsonSchema,
  type StreamContext,
  type StreamDef,
} from '@conkit/base';
import type { Config } from './config.js';
import { coerce } from '@conkit/base/soap';
import { byParts, history, messages, pages } from './listrak.js';

/** dateField: the table's own date column, declared as the cursor; the state itself is the window's end. */
export interface MessageReport {
  name: string;
  schema: JsonSchema;
  operation: string;
  item: string;
  dateField?: string;
}

export function messageReport(r: MessageReport): StreamDef<Config> {
  async function* rows(
    ctx: StreamContext<Config>,
    msg: JsonObject,
    range?: { StartDate: string; EndDate: string },
  ): AsyncGenerator<JsonObject[]> {
    for await (const page of pages(ctx, r.operation, r.item, { MsgID: msg.MsgID, ...range }))
      yield page.map((row) => coerce({ MsgID: msg.MsgID, ...row }, r.schema));
  }
  return defineStream<Config>({
    name: r.name,
    schema: r.schema,
    primaryKey: [['MsgID'], ['EmailAddress']],
    ...(r.dateField
      ? { cursorField: r.dateField, stateMode: 'manual' as const, stateSchema: partWindowStateSchema }
      : {}),
    read: async function* (ctx) {
      // every message of the history: an old message may have new activity in the window
      const all = history(ctx);
      if (!all) return;
      if (!r.dateField) {
        const parts: JsonObject[] = [];
        for await (const msg of messages(ctx, all)) parts.push(msg);
        const read = (msg: JsonObject) => rows(ctx, msg);
        return yield* readPartitions({ parts, read, done: () => undefined, concurrency: ctx.maxConcurrency });
      }
      yield* byParts(
        ctx,
        () => messages(ctx, all),
        (m) => [String(m.ListID), String(m.MsgID)],
        (m, range) => rows(ctx, m, range),
      );
    },
  });
}
