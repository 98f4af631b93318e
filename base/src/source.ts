// defineSource(): a connector is its spec, a check and its streams. runSource() turns argv into one
// of spec | check | discover | read and guarantees the protocol rules around it: only protocol
// messages on stdout, secrets masked everywhere, a TRACE ERROR before any non-zero exit.
import type { AirbyteStream, ConnectorSpecification, JsonObject, SyncMode } from './protocol.js';
import type { AnyStreamDef, StreamContext } from './stream.js';
import { normalizePrimaryKey } from './stream.js';
import { HttpClient, type HttpOptions } from './http.js';
import { withCommonFields } from './common-spec.js';
import { withStreamMaps } from './maps/stream-maps.js';
import type { Logger } from './log.js';
import type { SecretMasker } from './secrets.js';
import type { SoapClient, SoapSource } from './soap.js';
import { systemError } from './errors.js';

/** What a source's http() gets besides the config: configured(field) tells whether the user's file set it. */
export interface HttpContext {
  log: Logger;
  secrets: SecretMasker;
  configured?: (field: string) => boolean;
}

export interface CheckContext<C> {
  config: C;
  http: HttpClient;
  /** The run's SOAP client (the source's `soap`), opened on its first call. */
  soap: SoapClient;
  log: Logger;
  secrets: SecretMasker;
  streams: AnyStreamDef<C>[];
}

export interface SourceDef<C> {
  name: string;
  version: string;
  spec: ConnectorSpecification;
  /** HTTP client settings derived from the config (base URL, auth, the vendor's rate limit). */
  http?: (config: C, ctx: HttpContext) => HttpOptions;
  /** The SOAP service, for SOAP sources: soapClientOf((config) => SoapSettings) from @conkit/base/soap. */
  soap?: SoapSource<C>;
  /** Extra config rules beyond the JSON schema; throw configError(...) naming the field. */
  validate?: (config: C) => void;
  /** Throw (or return a string) to report FAILED with that reason. */
  check: (ctx: CheckContext<C>) => Promise<string | undefined> | Promise<void>;
  streams: AnyStreamDef<C>[] | ((config: C) => AnyStreamDef<C>[]);
}

export interface Source<C> extends SourceDef<C> {
  catalog(config: C): { streams: AirbyteStream[] };
}

export function defineSource<C>(def: SourceDef<C>): Source<C> {
  return {
    ...def,
    spec: withCommonFields(def.spec),
    catalog: (config) => ({ streams: streamsOf(def, config).map(toAirbyteStream) }),
    // the config's stream maps are checked with the rest of the config: check reports them as FAILED
    validate: (config) => {
      def.validate?.(config);
      streamsOf(def, config);
    },
  };
}

/** The source's streams as the config's stream_maps shape them: every command reads streams here. */
export function streamsOf<C>(def: SourceDef<C>, config: C): AnyStreamDef<C>[] {
  return withStreamMaps(typeof def.streams === 'function' ? def.streams(config) : def.streams, config);
}

export function toAirbyteStream<C>(s: AnyStreamDef<C>): AirbyteStream {
  const modes: SyncMode[] = s.cursorField ? ['full_refresh', 'incremental'] : ['full_refresh'];
  return {
    name: s.name,
    json_schema: s.schema,
    supported_sync_modes: modes,
    source_defined_cursor: s.cursorField ? true : undefined,
    default_cursor_field: s.cursorField ? [s.cursorField] : undefined,
    source_defined_primary_key: normalizePrimaryKey(s.primaryKey),
    is_resumable: s.cursorField ? true : undefined,
  };
}

/**
 * The run's SOAP client (ctx.soap): opened on its first call from the source's `soap` settings, the
 * run's log and whether the user's file set the endpoint field; shared by check and every stream of
 * the run, and dropped with it (a config object never carries a client into another run).
 */
export function soapClientFor<C>(
  source: SourceDef<C>,
  config: C,
  log: Logger,
  configured: (field: string) => boolean,
): SoapClient {
  let client: Promise<SoapClient> | undefined;
  const open = (): Promise<SoapClient> => {
    if (!source.soap) throw systemError(`${source.name} declares no SOAP service (defineSource's soap)`);
    const s = source.soap.settings(config);
    const endpointField = s.endpointField && { ...s.endpointField, set: configured(s.endpointField.field) };
    return source.soap.open({ log, ...s, endpointField });
  };
  return {
    async call<T>(operation: string, args: Record<string, unknown>): Promise<T | null> {
      return (await (client ??= open())).call<T>(operation, args);
    },
  };
}

export type { StreamContext, JsonObject };
