// The message_* tables: one paged report per message of every list. Incremental ones read the
// window since the previous run's end message by message, with a checkpoint after each message, so
// a failed first sync of a long history resumes after the last message it finished.
import { defineStream, partWindowStateSchema, readPartitions, type JsonObject, type JsonSchema } from '@conkit/base';
import { coerce } from '@conkit/base/soap';
import type { Config } from './config.js';
import { byMessage, history, messages, pages, type Range } from './listrak.js';

/** `operation`'s `item` rows, message by message; `dateField`, the table's own date column, is declared the cursor. */
export function messageReport(name: string, schema: JsonSchema, operation: string, item: string, dateField?: string) {
  return defineStream<Config>({
    name,
    schema,
    primaryKey: [['MsgID'], ['EmailAddress']],
    // the state itself is the window's end (byParts)
    ...(dateField ? { cursorField: dateField, stateMode: 'manual', stateSchema: partWindowStateSchema } : {}),
    read: async function* (ctx) {
      const all = history(ctx);
      if (!all) return;
      const rows = async function* (msg: JsonObject, range?: Range) {
        for await (const page of pages(ctx, operation, item, { MsgID: msg.MsgID, ...range }))
          yield page.map((row) => coerce({ MsgID: msg.MsgID, ...row }, schema));
      };
      if (dateField) return yield* byMessage(ctx, all, rows);
      const parts: JsonObject[] = [];
      for await (const msg of messages(ctx, all)) parts.push(msg);
      yield* readPartitions({ parts, read: rows, done: () => undefined, concurrency: ctx.maxConcurrency });
    },
  });
}
