// The message_* tables: one paged report per message of every list. Incremental ones ask for the
// window since the previous run's end; the state is that end, written once the read is through.
import { checkpoint, defineStream, type JsonSchema, type StreamDef } from '@conkit/base';
import type { Config } from './config.js';
import { coerce } from './coerce.js';
import { messages, pages, window, windowState } from './listrak.js';

/** dateField: the table's own date column, declared as the cursor; the state itself is the window's end. */
export interface MessageReport { name: string; schema: JsonSchema; operation: string; item: string; dateField?: string }

export function messageReport(r: MessageReport): StreamDef<Config> {
  return defineStream<Config>({
    name: r.name,
    schema: r.schema,
    primaryKey: [['MsgID'], ['EmailAddress']],
    ...(r.dateField ? { cursorField: r.dateField, stateMode: 'manual' as const, stateSchema: windowState } : {}),
    read: async function* (ctx) {
      const history = window(ctx, undefined);
      const since = window(ctx, ctx.state?.until);
      if (!history || !since) return;
      for await (const msg of messages(ctx, history)) {
        const args = r.dateField ? { MsgID: msg.MsgID, ...since } : { MsgID: msg.MsgID };
        for await (const page of pages(ctx, r.operation, r.item, args)) yield page.map((row) => coerce({ MsgID: msg.MsgID, ...row }, r.schema));
      }
      if (r.dateField) yield checkpoint({ until: ctx.startedAt.toISOString() });
    },
  });
}
