// Listrak's vendor facts: a SOAP client on the shipped WSDL with the WSUser header, dates sent as
// strings without an offset (UTC), results that come back null when empty, and paged reports read
// page by page until an empty page.
import { fileURLToPath } from 'node:url';
import { letItGo, oneYearAgo, startEarly, toIsoUtc, type JsonObject, type JsonSchema, type StreamContext } from '@conkit/base';
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

/** The state of every incremental Listrak table: the end of the window the last run read. */
export const windowState: JsonSchema = { type: 'object', properties: { until: { type: 'string', format: 'date-time' } } };

export function window(ctx: StreamContext<Config>, saved: unknown): { StartDate: string; EndDate: string } | undefined {
  const start = toIsoUtc(typeof saved === 'string' ? saved : ctx.config.start_date ?? oneYearAgo(ctx.startedAt).toISOString())!;
  const end = ctx.startedAt.toISOString();
  return start < end ? { StartDate: listrakDate(start), EndDate: listrakDate(end) } : undefined;
}

export async function* lists(ctx: StreamContext<Config>): AsyncGenerator<JsonObject> {
  const c = await soapClient(ctx.config, ctx.log);
  const res = await c.call<{ WSContactList?: JsonObject | JsonObject[] }>('GetContactListCollection', {});
  yield* asArray(res?.WSContactList);
}

/** Every message of every list, over the whole history from start_date (their activity may be new). */
export async function* messages(ctx: StreamContext<Config>, range: { StartDate: string; EndDate: string }): AsyncGenerator<JsonObject> {
  const c = await soapClient(ctx.config, ctx.log);
  for await (const list of lists(ctx)) {
    const res = await c.call<{ WSMessageActivity?: JsonObject | JsonObject[] }>('ReportListMessageActivity', { ListID: list.ListID, ...range, IncludeTestMessages: false });
    yield* asArray(res?.WSMessageActivity);
  }
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
