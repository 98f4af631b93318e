// Daasity's Ometria tables. Each column read from Ometria names its field in the stream's schema
// (`x-source`) and is typed there (the kit's columnsOf); Daasity's own columns are written here:
// __sync_key, the lowercase hex MD5 of the listed values concatenated as strings, source_id first
// ('' when unset), timestamps exactly as the API sent them; __synced_at, when the row was read.
import { hash } from 'node:crypto';
import { columnsOf, nowIso, type JsonObject, type JsonSchema, type JsonValue } from '@conkit/base';
import type { Config } from './config.js';
import profiles from './schemas/profiles.json' with { type: 'json' };
import lists from './schemas/lists.json' with { type: 'json' };
import memberLists from './schemas/member_lists.json' with { type: 'json' };
import unsubscribes from './schemas/unsubscribes.json' with { type: 'json' };
import emailEvents from './schemas/email_events.json' with { type: 'json' };

/** Daasity's own columns, for whichever table has them (a table's id column is its sync key). */
const own = (key: string, config: Config, given: JsonObject): JsonObject => ({
  member_list_id: key,
  unsubscribe_id: key,
  email_event_id: key,
  list_id: given.list_id ?? null,
  updated_at: given.updated_at ?? null,
  _account_id: config.account_id ?? null,
  __source_id: config.source_id ?? null,
  __sync_key: key,
  __synced_at: nowIso(),
});

/** A Daasity table: its columns, and its key (md5 of source_id and `keyOf`'s values). */
function table(schema: JsonSchema, keyOf: (row: JsonObject, given: JsonObject) => JsonValue[]) {
  const columns = columnsOf(schema);
  /** `given` holds the run's or the request's values (profiles' updated_at, member_lists' list_id). */
  return (row: JsonObject, config: Config, given: JsonObject = {}): JsonObject => {
    let text = config.source_id ?? '';
    for (const v of keyOf(row, given)) if (v !== null && v !== undefined) text += String(v);
    return columns(row, own(hash('md5', text, 'hex'), config, given));
  };
}

/** `updated_at` is the run's update-since bound (Daasity's), the same for every row. */
export const profile = table(profiles, (p) => [p.id]);
export const list = table(lists, (l) => [l.id]);
// The list is the one asked about (the path's id, `list_id`): whether a change row carries its own id is undocumented.
export const memberList = table(memberLists, (c, { list_id }) => [list_id, c.profile_id, c.timestamp]);
export const unsubscribe = table(unsubscribes, (u) => [u.profile_id, u.timestamp]);
/** An export row: CSV has no null, so an empty cell is one (the kit's typing reads '' as null). */
export const emailEvent = table(emailEvents, (e) => [e.to_address, e.event_type, e.dt_occurred]);
