// Listrak's vendor facts (WIRE.md): login fault codes that are config errors (the SOAP client itself
// is declared in index.ts and opened by the kit, ctx.soap), dates sent as UTC with `Z`, Results that
// may be absent or empty, and paged reports read until an empty page.
import { readByParts, type JsonObject, type PartKey, type StreamContext } from '@conkit/base';
import { callRows, soapPages } from '@conkit/base/soap';
import type { Config } from './config.js';

type Ctx = StreamContext<Config>;
export type Range = { StartDate: string; EndDate: string };
type ReadPart<T> = (part: T, range: Range) => AsyncIterable<JsonObject[]>;

// [InvalidLogonAttempt], [LoginAttemptsExceeded], [ProhibitedIPAddress] (WIRE.md "Login faults"): never
// retried, whatever the faultcode, since every retry is one more failed login towards a lock-out; two
// of them get their own sentence
const ADVICE: Record<string, string> = {
  ProhibitedIPAddress:
    "Listrak refused this machine's IP address ([ProhibitedIPAddress]): add the public IP address the sync runs from to the account's SOAP API IP allow-list (Listrak: Integrations -> Manage IP Addresses), then run it again.",
  LoginAttemptsExceeded:
    "Listrak locked the API user after too many failed logins ([LoginAttemptsExceeded]): unlock it or reset its password in Listrak, fix 'username' and 'password', then run it again.",
};
export const isLoginFault = (fault: string): boolean | string =>
  Object.entries(ADVICE).find(([code]) => fault.includes(code))?.[1] ??
  /InvalidLogonAttempt|logon|login|password|credential|authenticat/i.test(fault);

/** Dates go out as UTC with `Z`, seconds precision, as Stitch sends them (WIRE.md "Request date format"). */
export const listrakDate = (iso: string): string => iso.replace(/\.\d+Z$/, 'Z');

const range = (start: string, end: string): Range => ({ StartDate: listrakDate(start), EndDate: listrakDate(end) });

/** The whole history, start_date to this run's start, or undefined when start_date is not before it. */
export const history = (ctx: Ctx): Range | undefined =>
  ctx.historyStart < ctx.startedAt.toISOString() ? range(ctx.historyStart, ctx.startedAt.toISOString()) : undefined;

const report = async (ctx: Ctx, op: string, item: string, args: Record<string, unknown>) =>
  (await callRows(ctx.soap, op, item, args)) as JsonObject[];

/** A paged report, Page 1, 2, ... until an empty page (the kit's soapPages). */
export const pages = (ctx: Ctx, op: string, item: string, args: Record<string, unknown>) =>
  soapPages(ctx.soap, op, item, args, ctx.log) as AsyncGenerator<JsonObject[]>;

export async function* lists(ctx: Ctx): AsyncGenerator<JsonObject> {
  yield* await report(ctx, 'GetContactListCollection', 'WSContactList', {});
}

/** The messages of one list sent in the range, test messages included as Stitch asks (README). */
export const listMessages = (ctx: Ctx, ListID: unknown, range: Range): Promise<JsonObject[]> =>
  report(ctx, 'ReportListMessageActivity', 'WSMessageActivity', { ListID, ...range, IncludeTestMessages: true });

/** Every message of every list in the range, each with its list's ListID. */
export async function* messages(ctx: Ctx, range: Range): AsyncGenerator<JsonObject> {
  for await (const list of lists(ctx))
    for (const m of await listMessages(ctx, list.ListID, range)) yield { ...m, ListID: m.ListID ?? list.ListID };
}

/** An incremental table read part by part over the window since the last run, a checkpoint after each (readByParts). */
const byParts = <T>(ctx: Ctx, parts: () => AsyncIterable<T>, key: (part: T) => PartKey, read: ReadPart<T>) =>
  readByParts({
    saved: ctx.state,
    from: ctx.historyStart,
    to: ctx.startedAt.toISOString(),
    parts,
    key,
    read: (part, w) => read(part, range(w.start, w.end)),
    concurrency: ctx.maxConcurrency,
  });

const listKey = (l: JsonObject): PartKey => [String(l.ListID)];
const messageKey = (m: JsonObject): PartKey => [String(m.ListID), String(m.MsgID)];

export const byList = (ctx: Ctx, read: ReadPart<JsonObject>) => byParts(ctx, () => lists(ctx), listKey, read);

/** Message by message: every message of the history, since an old message may have new activity in the window. */
export const byMessage = (ctx: Ctx, history: Range, read: ReadPart<JsonObject>) =>
  byParts(ctx, () => messages(ctx, history), messageKey, read);
