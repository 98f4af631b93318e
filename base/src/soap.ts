// SOAP for connectors, over the `soap` package: a client built from a WSDL file shipped inside the
// connector (never downloaded), an endpoint override, a custom auth header, retries on transport
// errors, 5xx and server faults, and SOAP faults turned into errors that name the operation and its parameters.
import { ConnectorError, configError, systemError, transientError } from './errors.js';
import {
  isUnreachableCode,
  retryBaseMs,
  retrying,
  unreachableMessage,
  type EndpointField,
  type Outcome,
} from './retry.js';
import type { Logger } from './log.js';
import { pageLoop } from './page-loop.js';
import { untilEmpty } from './paginate.js';

export { coerce, coerceValue } from './coerce.js';

export interface SoapSettings {
  /** Path of the WSDL file inside the connector package. */
  wsdl: string;
  /** Overrides the WSDL's service address. */
  endpoint?: string;
  /** The config field holding `endpoint`, named when the host cannot be reached. */
  endpointField?: EndpointField;
  /** A header element sent with every call, as raw XML (escape values with xmlEscape). */
  headerXml?: string;
  retries?: number;
  timeoutMs?: number;
  log?: Logger;
  /**
   * Tells whether a fault means the credentials were refused (a config_error, never retried): true,
   * or the whole sentence to say instead of the generic one (a lock-out, a refused IP address).
   */
  isLoginFault?: (faultString: string) => boolean | string;
  /** How the config names the credentials, for the login error, e.g. "'username' and 'password'". */
  credentials?: string;
  /**
   * Reads an error the service reports inside a successful response, beside the Result (Listrak's
   * WSException): a message makes the call fail with it instead of reading as an empty result.
   */
  inBandError?: (response: Record<string, unknown>) => string | undefined;
}

export const xmlEscape = (v: string): string =>
  v.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');

interface SoapFailure {
  root?: { Envelope?: { Body?: { Fault?: { faultcode?: string; faultstring?: string } } } };
  response?: { status?: number };
  code?: string;
  message?: string;
}

export interface SoapClient {
  call<T = unknown>(operation: string, args: Record<string, unknown>): Promise<T | null>;
}

type Row = Record<string, unknown>;

/**
 * An inBandError reader for a service that reports an error as an element beside the Result
 * (Listrak's WSException): nothing when the element is absent or xsi:nil, else its non-empty
 * `fields`, named.
 */
export function errorElement(element: string, fields: string[]): (response: Row) => string | undefined {
  return (response) => {
    const ex = response[element] as Row | null | undefined;
    if (!ex || typeof ex !== 'object') return undefined;
    const nil = (ex.attributes as Row | undefined)?.['xsi:nil'] ?? (ex.$attributes as Row | undefined)?.['xsi:nil'];
    if (nil === true || nil === 'true') return undefined;
    const said = fields.filter((k) => typeof ex[k] === 'string' && ex[k]).map((k) => `${k}=${String(ex[k])}`);
    return said.length ? `${element} ${said.join(', ')}` : undefined;
  };
}

/** A call as errors and WARNs name it: `Op(Name=value, ...)`. */
const describe = (op: string, args: Record<string, unknown>): string =>
  `${op}(${Object.entries(args)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(', ')})`;
const asArray = <T>(v: T | T[] | null | undefined): T[] =>
  v === null || v === undefined ? [] : Array.isArray(v) ? v : [v];

/**
 * The rows of an ASMX-style `<Op>Result` holding repeated `<item>` elements: none when the Result is
 * absent or empty, and an error, never zero rows, when it holds something other than `item` (an
 * answer shaped otherwise than the WSDL says would otherwise read as an empty page).
 */
export function resultRows(operation: string, item: string, result: unknown): Row[] {
  if (result === null || result === undefined || result === '') return [];
  const keys =
    typeof result === 'object'
      ? Object.keys(result).filter((k) => k !== 'attributes' && k !== '$attributes')
      : [String(result).slice(0, 60)];
  if (keys.includes(item))
    return asArray((result as Record<string, Row | Row[] | null>)[item]).filter(
      (r): r is Row => r !== null && typeof r === 'object',
    );
  if (keys.length === 0) return [];
  throw systemError(
    `${operation} answered a ${operation}Result without any <${item}> element (it holds: ${keys.join(', ')}). The answer is not shaped as the WSDL says, so its rows cannot be read; nothing was taken as an empty page. Report this to the connector's maintainers.`,
  );
}

/** The rows of one call (resultRows). */
export const callRows = async (
  client: SoapClient,
  operation: string,
  item: string,
  args: Record<string, unknown>,
): Promise<Row[]> => resultRows(operation, item, await client.call(operation, args));

/** A paged report, Page 1, 2, ... until an empty page, through the kit's page loop (prefetch, repeat guard). */
export async function* soapPages(
  client: SoapClient,
  operation: string,
  item: string,
  args: Record<string, unknown>,
  log?: Logger,
): AsyncGenerator<Row[]> {
  const what = describe(operation, args);
  const fetch = async (page: unknown) => ({
    records: await callRows(client, operation, item, { ...args, Page: page }),
  });
  for await (const rows of pageLoop({ what, log, paginator: untilEmpty(), fetch })) if (rows.length) yield rows;
}

/**
 * A source's SOAP service (defineSource's `soap`): its settings for a config, and how a client is
 * opened (createSoapClient: carried here so the core kit never loads SOAP code for REST sources).
 */
export interface SoapSource<C> {
  settings(config: C): SoapSettings;
  open(settings: SoapSettings): Promise<SoapClient>;
}

/**
 * Declares a source's SOAP client: the kit opens it on the first call of a run (`ctx.soap`), with the
 * run's log and whether the user's file set the endpoint field, shares it across check and every
 * stream of the run, and drops it when the run ends.
 */
export const soapClientOf = <C>(settings: (config: C) => SoapSettings): SoapSource<C> => ({
  settings,
  open: createSoapClient,
});

export async function createSoapClient(s: SoapSettings): Promise<SoapClient> {
  // dates stay the strings the service sent: the soap package would parse them as local time
  const keepText = (text: string): string => text;
  // loaded here, not at startup: spec and discover never need the soap package (~40 ms to load)
  const { default: soap } = await import('soap');
  const client = await soap.createClientAsync(s.wsdl, {
    endpoint: s.endpoint,
    disableCache: true,
    returnFault: false,
    customDeserializer: { dateTime: keepText, date: keepText, time: keepText },
  });
  if (s.headerXml) client.addSoapHeader(s.headerXml);
  const retries = s.retries ?? 5;
  // until the service has answered once, a host that refuses or does not resolve is most likely a
  // wrong address: a short probe, then a config_error naming the host and the field
  let reached = false;
  /** One failed call, classified once: retried (the returned outcome) or a thrown ConnectorError. */
  const classify = (e: unknown, what: string): Outcome<never> => {
    // a programming error or the kit's own verdict is never retried
    if (e instanceof ConnectorError || e instanceof TypeError || e instanceof ReferenceError || e instanceof RangeError)
      throw e;
    const err = e as SoapFailure;
    const fault = err.root?.Envelope?.Body?.Fault;
    if (fault || err.response) reached = true;
    if (!reached && isUnreachableCode(err.code))
      return { retry: `${what} could not connect (${err.code})`, unreachable: err.code };
    if (fault) {
      const text = String(fault.faultstring ?? fault.faultcode ?? 'SOAP fault');
      const login = s.isLoginFault?.(text);
      if (typeof login === 'string') throw configError(login);
      if (login)
        throw configError(
          `The service refused the login (${text}). Check ${s.credentials ?? 'the credentials in the config'}, and that the account has API access.`,
        );
      // SOAP 1.1 soap:Server / 1.2 Receiver: the service failed to process a sound request and the
      // same request may succeed later (ASMX services answer a timeout this way); a Client fault is
      // the request's own problem and would fail the same way again
      if (/(^|:)(Server|Receiver)$/i.test(String(fault.faultcode ?? '')))
        return { retry: `${what} failed with a SOAP fault: ${text}` };
      throw systemError(`${what} failed with a SOAP fault: ${text}`);
    }
    const status = err.response?.status;
    if (status === 401 || status === 403)
      throw configError(
        `${what} was refused with HTTP ${status}. Check ${s.credentials ?? 'the credentials in the config'} and the service's IP allow-list.`,
      );
    // no status: the connection failed or the envelope broke off (the XML parser's error carries no
    // code); a 2xx here: the envelope arrived cut short; both are retried, like 408, 429 and 5xx
    const retryable =
      status === undefined || (status >= 200 && status < 300) || status === 408 || status === 429 || status >= 500;
    const problem = `${what} failed: ${status ? `HTTP ${status}` : (err.message ?? String(e))}`;
    if (!retryable) throw systemError(problem);
    return { retry: problem };
  };
  return {
    async call<T>(operation: string, args: Record<string, unknown>): Promise<T | null> {
      const fn = (client as unknown as Record<string, (a: unknown, o?: unknown) => Promise<[unknown]>>)[
        `${operation}Async`
      ];
      if (!fn) throw systemError(`The WSDL has no operation ${operation}`);
      const what = describe(operation, args);
      return retrying<T | null>(
        async () => {
          let result: unknown;
          try {
            [result] = await fn.call(client, args, { timeout: s.timeoutMs ?? 120_000 });
          } catch (e) {
            return classify(e, what);
          }
          reached = true;
          const body = result as Record<string, unknown> | null;
          const inBand = body ? s.inBandError?.(body) : undefined;
          if (inBand) throw systemError(`${what} answered with an error: ${inBand}`);
          return { done: (body?.[`${operation}Result`] ?? null) as T | null };
        },
        {
          retries,
          baseMs: retryBaseMs(),
          maxMs: 60_000,
          log: s.log,
          unreachable: (code, n) => configError(unreachableMessage(s.endpoint ?? s.wsdl, code, s.endpointField, n)),
          exhausted: (problem, n) => transientError(`${problem} (after ${n} attempts)`),
        },
      );
    },
  };
}
