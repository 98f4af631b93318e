// The read command once its inputs are parsed: the catalog and the incoming states checked against
// the source (all before anything is read, so a bad one stops the read with nothing half done), a
// context per stream, every selected stream read at once under the run's request pool, and one
// closing error that says which streams failed and how to resume them.
import type { Source } from './source.js';
import { streamsOf } from './source.js';
import type { ConfiguredAirbyteCatalog, JsonObject } from './protocol.js';
import type { OutputWriter } from './output.js';
import type { SecretMasker } from './secrets.js';
import type { Logger } from './log.js';
import { oneYearAgo, toIsoUtc } from './time.js';
import { ConnectorError, configError, failureTypeOf, messageOf } from './errors.js';
import type { HttpClient } from './http.js';
import type { SoapClient } from './soap.js';
import { readStream } from './read.js';
import { RequestPool, withPool } from './pool.js';
import { DEFAULT_MAX_CONCURRENCY } from './common-spec.js';
import type { AnyStreamDef, StreamContext } from './stream.js';
import { checkStreamState, cursorStateSchema } from './state-check.js';

export interface ReadInputs<C> {
  source: Source<C>;
  config: C;
  catalog: ConfiguredAirbyteCatalog;
  /** The incoming state per stream (parsed from --state). */
  states: Map<string, JsonObject>;
  http: HttpClient;
  soap: SoapClient;
  out: OutputWriter;
  log: Logger;
  masker: SecretMasker;
}

export async function readCatalog<C>({ source, config, catalog, states, http, soap, out, log, masker }: ReadInputs<C>) {
  const defs = new Map(streamsOf(source, config).map((s) => [s.name, s]));
  for (const cs of catalog.streams) {
    const def = defs.get(cs.stream.name);
    if (!def)
      throw configError(
        `The catalog names stream '${cs.stream.name}', which ${source.name} does not have. Its streams are: ${[...defs.keys()].join(', ')}. Run discover and select from its catalog.`,
      );
    if (cs.sync_mode === 'incremental' && !def.cursorField)
      throw configError(`Stream '${def.name}' supports only full_refresh; change its sync_mode in the catalog.`);
  }
  for (const name of states.keys())
    if (!defs.has(name)) log.info(`Ignoring state for stream '${name}', which this source does not have.`);
  // every state is checked before any stream is read, so a bad one stops the read with nothing half done
  for (const cs of catalog.streams) {
    const given = cs.sync_mode === 'incremental' ? states.get(cs.stream.name) : undefined;
    if (!given) continue;
    const def = defs.get(cs.stream.name);
    const state = def && stateToReadFrom(def, cs.cursor_field?.[0], given, log);
    if (state) states.set(cs.stream.name, state);
    else states.delete(cs.stream.name);
  }
  const startedAt = new Date();
  const historyStart = historyStartOf(config, startedAt);
  const maxConcurrency = maxConcurrencyOf(config);
  const contextOf = (cs: (typeof catalog.streams)[number], def: AnyStreamDef<C>): StreamContext<C> => {
    const state = cs.sync_mode === 'incremental' ? states.get(def.name) : undefined;
    const field = cs.cursor_field?.[0] ?? def.cursorField;
    return {
      config,
      stream: def.name,
      syncMode: cs.sync_mode,
      state,
      http,
      soap,
      log,
      secrets: masker,
      startedAt,
      historyStart,
      since: (saved) =>
        (typeof saved === 'string' || typeof saved === 'number' ? toIsoUtc(saved) : null) ?? historyStart,
      maxConcurrency,
      cursor: {
        start: (fallback) =>
          field && state && (typeof state[field] === 'string' || typeof state[field] === 'number')
            ? (state[field] as string | number)
            : fallback,
      },
    };
  };
  // Every selected stream is read at once: their records interleave, each stream's STATE covers only
  // its own records, and the run's request pool caps what is in flight across all of them.
  const results = await withPool(new RequestPool(maxConcurrency), () =>
    Promise.all(
      catalog.streams.flatMap((cs) => {
        const def = defs.get(cs.stream.name);
        return def ? [readStream(def, cs, contextOf(cs, def), out, log)] : []; // every one is checked above
      }),
    ),
  );
  const configFailure = results.find((r) => !r.ok && failureTypeOf(r.error) === 'config_error');
  if (configFailure) throw configErrorAfterStream(configFailure.error, configFailure.stream);
  const failed = results.filter((r) => !r.ok).map((r) => r.stream);
  const resumable = results.filter((r) => !r.ok && r.stated).map((r) => r.stream);
  if (failed.length) {
    const resume =
      resumable.length === failed.length
        ? 'Their last STATE is valid; run the sync again to resume from it.'
        : resumable.length
          ? `${resumable.join(', ')} emitted a STATE to resume from; the others start again from their previous state. Run the sync again.`
          : 'None of them emitted a STATE, so the next sync starts them again from their previous state. Run the sync again.';
    throw new ConnectorError(
      `${failed.length} of ${catalog.streams.length} streams did not complete: ${failed.join(', ')}. ${resume}`,
      { failureType: 'transient_error' },
    );
  }
}

/** The config's max_concurrency (common-spec.ts fills in its default before this). */
function maxConcurrencyOf(config: unknown): number {
  const given = (config as { max_concurrency?: unknown }).max_concurrency;
  return typeof given === 'number' && Number.isInteger(given) && given >= 1 ? given : DEFAULT_MAX_CONCURRENCY;
}

/** The config's start_date as ISO UTC, else a year before the run: where a stream without state starts. */
function historyStartOf(config: unknown, startedAt: Date): string {
  const given = (config as { start_date?: unknown }).start_date;
  return (typeof given === 'string' ? toIsoUtc(given) : null) ?? oneYearAgo(startedAt).toISOString();
}

/** The incoming state checked against the shape the stream writes; cursor-mode keeps only its cursor. */
function stateToReadFrom<C>(
  def: AnyStreamDef<C>,
  catalogField: string | undefined,
  given: JsonObject,
  log: Logger,
): JsonObject | undefined {
  const field = catalogField ?? def.cursorField;
  const cursorMode = def.stateMode !== 'manual' && field !== undefined;
  const schema = def.stateSchema ?? (cursorMode ? cursorStateSchema(def.schema, field) : undefined);
  const state = schema ? checkStreamState(def.name, given, schema, log) : given;
  if (!state || !cursorMode || Object.keys(state).every((k) => k === field)) return state;
  log.warn(
    `The state for stream '${def.name}' holds keys besides its cursor '${field}' (${Object.keys(state)
      .filter((k) => k !== field)
      .join(', ')}); they are dropped.`,
  );
  return field in state ? { [field]: state[field] } : {};
}

function configErrorAfterStream(err: unknown, stream: string): ConnectorError {
  return new ConnectorError(`Stopped the read at stream '${stream}': ${messageOf(err)}`, {
    failureType: 'config_error',
    cause: err,
  });
}
