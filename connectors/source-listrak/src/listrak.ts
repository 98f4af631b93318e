// Listrak's vendor facts: a SOAP client on the shipped WSDL with the WSUser header, dates sent as
// strings without an offset (UTC), results that come back null when empty, and paged reports read
// page by page until an empty page.
import { fileURLToPath } from 'node:url';
import { letItGo, oneYearAgo, readByParts, startEarly, toIsoUtc, type Checkpoint, type JsonObject, type PartKey, type PartWindow, type StreamContext } from '@conkit/base';
import { createSoapClient, xmlEscape, type SoapClient } from '@conkit/base/soap';
import type { Config } from './config.js';

const NS = 'http://webservices.listrak.com/v31/';
const WSDL = fileURLToPath(new URL('./wsdl/IntegrationService.wsdl', import.meta.url));
const clients = new WeakMap<object, Promise<SoapClient>>();

export function soapClient(config: Config, log?: StreamContext<Config>['log']): Promise<SoapClient> {
  if (!clients.has(config)) {
    clients.set(config, createSoapClient({
      wsdl: WSDL,
      endpoint: config.endpoint,
      headerXml: `<WSUser xmlns="${NS}"><UserName>${xmlEscape(config.username)}</UserName><Password>${xmlEscape(config.password)}</Password></WSUser>`,
      isLoginFault: (f) => /login|password|credential|authenticat/i.test(f),
      log,
    }));
  }
  return clients.get(config)!;
}

export const asArray = <T>(v: T | T[] | null | undefined): T[] => (v === null || v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** Listrak wants dates as strings, without an offset; we send and read them as UTC. */
export const listrakDate = (iso: string): string => iso.replace(/(\.\d+)?Z$/, '');

/** Where a table's history starts (ISO): start_date, else a year before this run. */
export const historyStart = (ctx: StreamContext<Config>): string => toIsoUtc(ctx.config.start_date ?? oneYearAgo(ctx.startedAt).toISOString())!;

/** A window as Listrak's StartDate/EndDate parameters. */
export const listrakRange = (w: PartWindow): { StartDate: string; EndDate: string } => ({ StartDate: listrakDate(w.start), EndDate: listrakDate(w.end) });

type Range = { StartDate: string; EndDate: string };

/**
 * An incremental table read part by part (a list, a message) over the window since the last run,
 * with a checkpoint after each part (readByParts).
 */
export function byParts<T>(ctx: StreamContext<Config>, parts: () => AsyncIterable<T>, key: (part: T) => PartKey, read: (part: T, range: Range) => AsyncIterable<JsonObject[]>): AsyncGenerator<JsonObject[] | Checkpoint> {
  return readByParts({ saved: ctx.state, from: historyStart(ctx), to: ctx.startedAt.toISOString(), parts, key, read: (part, w) => read(part, listrakRange(w)) });
}

export const listKey = (l: JsonObject): PartKey => [String(l.ListID)];

/** The whole history, start_date to this run's start, or undefined when start_date is not before it. */
export function history(ctx: StreamContext<Config>): { StartDate: string; EndDate: string } | undefined {
  const w = { start: historyStart(ctx), end: ctx.startedAt.toISOString() };
  return w.start < w.end ? listrakRange(w) : undefined;
}

export async function* lists(ctx: StreamContext<Config>): AsyncGenerator<JsonObject> {
  const c = await soapClient(ctx.config, ctx.log);
  const res = await c.call<{ WSContactList?: JsonObject | JsonObject[] }>('GetContactListCollection', {});
  yield* asArray(res?.WSContactList);
}

/** The messages of one list sent in the range. */
export async function listMessages(ctx: StreamContext<Config>, listId: unknown, range: { StartDate: string; EndDate: string }): Promise<JsonObject[]> {
  const c = await soapClient(ctx.config, ctx.log);
  const res = await c.call<{ WSMessageActivity?: JsonObject | JsonObject[] }>('ReportListMessageActivity', { ListID: listId, ...range, IncludeTestMessages: false });
  return asArray(res?.WSMessageActivity);
}

/** Every message of every list in the range, each with its list's ListID. */
export async function* messages(ctx: StreamContext<Config>, range: { StartDate: string; EndDate: string }): AsyncGenerator<JsonObject> {
  for await (const list of lists(ctx)) for (const m of await listMessages(ctx, list.ListID, range)) yield { ...m, ListID: m.ListID ?? list.ListID };
}

/**
 * A paged report, one array per page, page 1, 2, ... until a page comes back empty; the next page is
 * asked for while this one goes out.
 */
export async function* pages(ctx: StreamContext<Config>, operation: string, item: string, args: Record<string, unknown>): AsyncGenerator<JsonObject[]> {
  const c = await soapClient(ctx.config, ctx.log);
  const call = (page: number) => c.call<Record<string, JsonObject | JsonObject[]>>(operation, { ...args, Page: page });
  let pending = call(1);
  for (let page = 1; ; page++) {
    const rows = asArray((await pending)?.[item]);
    if (!rows.length) return;
    pending = startEarly(call(page + 1));
    await letItGo();
    yield rows;
  }
}
