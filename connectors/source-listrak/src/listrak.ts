// Listrak's vendor facts (WIRE.md): login fault codes that are config errors (the SOAP client itself
// is declared in index.ts and opened by the kit, ctx.soap), dates sent as UTC with `Z`, Results that
// may be absent or empty, and paged reports read until an empty page.
import {
  readByParts,
  type Checkpoint,
  type JsonObject,
  type PartKey,
  type PartWindow,
  type StreamContext,
} from '@conkit/base';
import { callRows, soapPages } from '@conkit/base/soap';
import type { Config } from './config.js';

// [InvalidLogonAttempt], [LoginAttemptsExceeded], [ProhibitedIPAddress] (WIRE.md "Login faults"): never
// retried, whatever the faultcode, since every retry is one more failed login towards a lock-out; two
// of them get their own sentence
const ADVICE: [RegExp, string][] = [
  [
    /ProhibitedIPAddress/,
    "Listrak refused this machine's IP address ([ProhibitedIPAddress]): add the public IP address the sync runs from to the account's SOAP API IP allow-list (Listrak: Integrations -> Manage IP Addresses), then run it again.",
  ],
  [
    /LoginAttemptsExceeded/,
    "Listrak locked the API user after too many failed logins ([LoginAttemptsExceeded]): unlock it or reset its password in Listrak, fix 'username' and 'password', then run it again.",
  ],
];
export const isLoginFault = (fault: string): boolean | string =>
  ADVICE.find(([code]) => code.test(fault))?.[1] ??
  /InvalidLogonAttempt|logon|login|password|credential|authenticat/i.test(fault);

const report = async (ctx: StreamContext<Config>, op: string, item: string, args: Record<string, unknown>) =>
  (await callRows(ctx.soap, op, item, args)) as JsonObject[];

/** Dates go out as UTC with `Z`, seconds precision, as Stitch sends them (WIRE.md "Request date format"). */
export const listrakDate = (iso: string): string => iso.replace(/\.\d+Z$/, 'Z');

type Range = { StartDate: string; EndDate: string };
const listrakRange = (w: PartWindow): Range => ({ StartDate: listrakDate(w.start), EndDate: listrakDate(w.end) });

/**
 * An incremental table read part by part (a list, a message) over the window since the last run,
 * with a checkpoint after each part (readByParts).
 */
export function byParts<T>(
  ctx: StreamContext<Config>,
  parts: () => AsyncIterable<T>,
  key: (part: T) => PartKey,
  read: (part: T, range: Range) => AsyncIterable<JsonObject[]>,
): AsyncGenerator<JsonObject[] | Checkpoint> {
  return readByParts({
    saved: ctx.state,
    from: ctx.historyStart,
    to: ctx.startedAt.toISOString(),
    parts,
    key,
    read: (part, w) => read(part, listrakRange(w)),
    concurrency: ctx.maxConcurrency,
  });
}

export const listKey = (l: JsonObject): PartKey => [String(l.ListID)];

/** The whole history, start_date to this run's start, or undefined when start_date is not before it. */
export function history(ctx: StreamContext<Config>): Range | undefined {
  const w = { start: ctx.historyStart, end: ctx.startedAt.toISOString() };
  return w.start < w.end ? listrakRange(w) : undefined;
}

export async function* lists(ctx: StreamContext<Config>): AsyncGenerator<JsonObject> {
  yield* await report(ctx, 'GetContactListCollection', 'WSContactList', {});
}

/** The messages of one list sent in the range, test messages included as Stitch asks (README). */
export const listMessages = (ctx: StreamContext<Config>, listId: unknown, range: Range): Promise<JsonObject[]> =>
  report(ctx, 'ReportListMessageActivity', 'WSMessageActivity', {
    ListID: listId,
    ...range,
    IncludeTestMessages: true,
  });

/** Every message of every list in the range, each with its list's ListID. */
export async function* messages(ctx: StreamContext<Config>, range: Range): AsyncGenerator<JsonObject> {
  for await (const list of lists(ctx))
    for (const m of await listMessages(ctx, list.ListID, range)) yield { ...m, ListID: m.ListID ?? list.ListID };
}

/** A paged report, Page 1, 2, ... until an empty page (the kit's soapPages). */
export const pages = (ctx: StreamContext<Config>, op: string, item: string, args: Record<string, unknown>) =>
  soapPages(ctx.soap, op, item, args, ctx.log) as AsyncGenerator<JsonObject[]>;
