// Listrak's vendor facts (WIRE.md): a SOAP client on the shipped WSDL with the WSUser header, login
// fault codes that are config errors, dates sent as UTC with `Z`, Results that may be absent or empty,
// and paged reports read page by page until an empty page (the kit's pageLoop).
import { fileURLToPath } from 'node:url';
import {
  readByParts,
  type Checkpoint,
  type JsonObject,
  type PartKey,
  type PartWindow,
  type StreamContext,
} from '@conkit/base';
import { callRows, createSoapClient, soapPages, xmlEscape, type SoapClient } from '@conkit/base/soap';
import type { Config } from './config.js';
import spec from './spec.json' with { type: 'json' };

const NS = 'http://webservices.listrak.com/v31/';
const WSDL = fileURLToPath(new URL('./wsdl/IntegrationService.wsdl', import.meta.url));
const clients = new WeakMap<object, Promise<SoapClient>>();

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

/** A WSException beside the Result (WIRE.md "WSException"): nil when all is well. */
const wsException = (response: Record<string, unknown>): string | undefined => {
  const ex = response.WSException as Record<string, unknown> | null | undefined;
  if (!ex || typeof ex !== 'object') return undefined;
  const nil =
    (ex.attributes as Record<string, unknown> | undefined)?.['xsi:nil'] ??
    (ex.$attributes as Record<string, unknown> | undefined)?.['xsi:nil'];
  if (nil === true || nil === 'true') return undefined;
  const fields = ['SoapMethod', 'Description', 'DateTime']
    .filter((k) => typeof ex[k] === 'string' && ex[k])
    .map((k) => `${k}=${String(ex[k])}`);
  return fields.length ? `WSException ${fields.join(', ')}` : undefined;
};

export function soapClient(config: Config, log?: StreamContext<Config>['log']): Promise<SoapClient> {
  let client = clients.get(config);
  if (!client) {
    client = createSoapClient({
      wsdl: WSDL,
      endpoint: config.endpoint,
      // the spec's default is filled in before this: equal to it means the user set none
      endpointField: {
        field: 'endpoint',
        set: config.endpoint !== spec.connectionSpecification.properties.endpoint.default,
      },
      headerXml: `<WSUser xmlns="${NS}"><UserName>${xmlEscape(config.username)}</UserName><Password>${xmlEscape(config.password)}</Password></WSUser>`,
      isLoginFault,
      credentials: "'username' and 'password'",
      inBandError: wsException,
      log,
    });
    clients.set(config, client);
  }
  return client;
}

async function report(
  ctx: StreamContext<Config>,
  operation: string,
  item: string,
  args: Record<string, unknown>,
): Promise<JsonObject[]> {
  return (await callRows(await soapClient(ctx.config, ctx.log), operation, item, args)) as JsonObject[];
}

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
export async function* pages(
  ctx: StreamContext<Config>,
  operation: string,
  item: string,
  args: Record<string, unknown>,
): AsyncGenerator<JsonObject[]> {
  yield* soapPages(await soapClient(ctx.config, ctx.log), operation, item, args, ctx.log) as AsyncGenerator<
    JsonObject[]
  >;
}
