// runSource(): the process around a connector. It owns stdout, masks every line, routes stray
// console output into LOG messages, and guarantees: exit 0 when the command completed, otherwise a
// TRACE ERROR and exit 1.
import type { Source } from './source.js';
import { soapClientFor, streamsOf, type CheckContext } from './source.js';
import { messages, type JsonObject } from './protocol.js';
import { OutputWriter } from './output.js';
import { SecretMasker, maskerFor } from './secrets.js';
import { createLogger, logLevelFromEnv, type Logger } from './log.js';
import { oneYearAgo, toIsoUtc } from './time.js';
import { parseArgs, type Command } from './cli.js';
import { checkConfig } from './config.js';
import { checkCatalog, parseState, readJsonFile } from './inputs.js';
import { ConnectorError, configError, failureTypeOf, messageOf, stackOf } from './errors.js';
import { HttpClient } from './http.js';
import { readStream } from './read.js';
import { RequestPool, withPool } from './pool.js';
import { DEFAULT_MAX_CONCURRENCY } from './common-spec.js';
import type { AnyStreamDef, StreamContext } from './stream.js';
import { checkStreamState, cursorStateSchema } from './state-check.js';
import { tuneHeapForStreaming } from './heap.js';
import { isSingerMode, singerMode } from './singer/mode.js';

export interface RunOptions {
  stdout?: NodeJS.WritableStream;
  exit?: boolean;
}

export async function runSource<C>(source: Source<C>, argv: string[], opts: RunOptions = {}): Promise<number> {
  const masker = new SecretMasker();
  // Singer mode is the same run with its inputs and output translated (singer/mode.ts)
  const singer = isSingerMode(argv) ? singerMode(source) : undefined;
  const sink = (opts.stdout ?? process.stdout) as never;
  const out = singer ? singer.writer(sink, masker) : new OutputWriter(sink, masker);
  const log = createLogger(out, logLevelFromEnv());
  const restore = guardProcess(out, masker, log);
  // Only a connector that owns its process tunes V8: in-process callers (tests, embedders) keep theirs.
  if (opts.exit !== false) {
    const { warning } = tuneHeapForStreaming();
    if (warning) log.warn(warning);
  }
  let code = 0;
  let http: HttpClient | undefined;
  try {
    const cmd = singer ? await singer.parse(argv.slice(1)) : await parseArgs(argv, source.name, source.version);
    http = await execute(source, cmd, out, log, masker);
  } catch (err) {
    code = 1;
    const failure = err instanceof ConnectorError ? err.failureType : 'system_error';
    const prefix = failure === 'config_error' ? '' : `${source.name} failed: `;
    // A config problem is the user's to fix: one sentence, no stack trace.
    const stack = failure === 'config_error' ? undefined : stackOf(err);
    await out.write(
      messages.error(`${prefix}${messageOf(err)}`, failure, { stack, internal: (err as ConnectorError).internal }),
    );
  } finally {
    http?.close();
    await out.flush();
    restore();
  }
  if (opts.exit !== false) process.exit(code);
  return code;
}

async function execute<C>(
  source: Source<C>,
  cmd: Command,
  out: OutputWriter,
  log: Logger,
  masker: SecretMasker,
): Promise<HttpClient | undefined> {
  if (cmd.command === 'help') {
    process.stderr.write(cmd.text + '\n');
    return undefined;
  }
  if (cmd.command === 'version') {
    process.stderr.write(`${source.name} ${source.version}\n`);
    return undefined;
  }
  if (cmd.command === 'spec') {
    await out.write(messages.spec(source.spec));
    return undefined;
  }
  const schema = source.spec.connectionSpecification;
  const raw = await readJsonFile(cmd.config, '--config');
  // Mask before validating: a config error must not echo a secret it is about to describe.
  maskerFor(schema, raw, masker);
  if (cmd.command === 'check') {
    const config = (() => {
      try {
        const c = checkConfig<C>(schema, raw);
        source.validate?.(c);
        return c;
      } catch (e) {
        return e as Error;
      }
    })();
    if (config instanceof Error) {
      await out.write(messages.connectionStatus('FAILED', messageOf(config)));
      return undefined;
    }
    const http = httpClientFor(source, config, raw, log, masker);
    const soap = soapClientFor(source, config, log, (field) => configured(raw, field));
    const ctx: CheckContext<C> = { config, http, soap, log, secrets: masker, streams: streamsOf(source, config) };
    try {
      const failure = await source.check(ctx);
      await out.write(
        typeof failure === 'string'
          ? messages.connectionStatus('FAILED', failure)
          : messages.connectionStatus('SUCCEEDED'),
      );
    } catch (e) {
      log.debug(`check failed: ${stackOf(e) ?? messageOf(e)}`);
      await out.write(messages.connectionStatus('FAILED', messageOf(e)));
    }
    return http;
  }
  const config = checkConfig<C>(schema, raw);
  source.validate?.(config);
  if (cmd.command === 'discover') {
    await out.write(messages.catalog(source.catalog(config)));
    return undefined;
  }
  const catalogFile = cmd.catalog ? await readJsonFile(cmd.catalog, cmd.inputs?.catalogFlag ?? '--catalog') : undefined;
  const catalog = checkCatalog(cmd.inputs ? cmd.inputs.catalog(catalogFile, source.catalog(config)) : catalogFile);
  const repeated = (name: string): void =>
    log.warn(`The --state file holds more than one entry for stream '${name}'; the last one is used.`);
  const states = cmd.state
    ? parseState((cmd.inputs?.state ?? ((s: unknown) => s))(await readJsonFile(cmd.state, '--state')), repeated)
    : new Map<string, JsonObject>();
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
  const http = httpClientFor(source, config, raw, log, masker);
  const soap = soapClientFor(source, config, log, (field) => configured(raw, field));
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
  return http;
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

/** The run's HTTP client; it learns whether the user set the endpoint field or left the default. */
function httpClientFor<C>(source: Source<C>, config: C, raw: unknown, log: Logger, masker: SecretMasker): HttpClient {
  const opts = source.http?.(config, { log, secrets: masker, configured: (field) => configured(raw, field) }) ?? {};
  const endpoint = opts.endpoint ? { ...opts.endpoint, set: configured(raw, opts.endpoint.field) } : undefined;
  return new HttpClient({ log, ...opts, endpoint });
}

/** Whether the user's own config file sets a field (a dotted path), before any default is applied. */
function configured(raw: unknown, field: string): boolean {
  let node = raw;
  for (const key of field.split('.')) {
    if (!node || typeof node !== 'object' || !(key in node)) return false;
    node = (node as Record<string, unknown>)[key];
  }
  return node !== undefined && node !== null && node !== '';
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

/** Keeps stdout protocol-only and stderr masked, whatever a library prints or throws. */
function guardProcess(out: OutputWriter, masker: SecretMasker, log: Logger): () => void {
  const saved = {
    log: console.log,
    info: console.info,
    warn: console.warn,
    error: console.error,
    debug: console.debug,
  };
  const fmt = (args: unknown[]): string =>
    args.map((a) => (typeof a === 'string' ? a : a instanceof Error ? (a.stack ?? a.message) : safeJson(a))).join(' ');
  console.log = (...a: unknown[]) => log.info(fmt(a));
  console.info = (...a: unknown[]) => log.info(fmt(a));
  console.debug = (...a: unknown[]) => log.debug(fmt(a));
  // a library that warns per client or per file (the AWS SDK) is news once per run
  const warned = new Set<string>();
  const warnOnce = (text: string): void => {
    if (warned.has(text)) return;
    warned.add(text);
    log.warn(text);
  };
  console.warn = (...a: unknown[]) => warnOnce(fmt(a));
  console.error = (...a: unknown[]) => log.error(fmt(a));
  const stderrWrite = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((chunk: string | Uint8Array, ...rest: unknown[]) =>
    stderrWrite(
      masker.mask(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8')),
      ...(rest as []),
    )) as typeof process.stderr.write;
  const onFatal = (err: unknown): void => {
    void out.write(
      messages.error(`Unexpected failure: ${messageOf(err)}`, failureTypeOf(err), { stack: stackOf(err) }),
    );
    void out.flush().then(() => process.exit(1));
  };
  const onTerm = (sig: NodeJS.Signals): void => {
    void out.write(
      messages.error(
        `Stopped by ${sig} before the read finished; run the sync again to resume from the last STATE.`,
        'transient_error',
      ),
    );
    void out.flush().then(() => process.exit(sig === 'SIGTERM' ? 143 : 130));
  };
  // Node prints process warnings (deprecations, the AWS SDK's Node-version notice) through
  // console.error, which would make them ERROR lines; they are warnings.
  const warningListeners = process.listeners('warning');
  process.removeAllListeners('warning');
  const onWarning = (w: Error): void => warnOnce(`${w.name}: ${w.message}`);
  process.on('warning', onWarning);
  process.on('uncaughtException', onFatal);
  process.on('unhandledRejection', onFatal);
  process.on('SIGTERM', onTerm);
  process.on('SIGINT', onTerm);
  process.stdout.on('error', () => process.exit(1)); // the consumer went away (EPIPE)
  return () => {
    Object.assign(console, saved);
    process.stderr.write = stderrWrite as typeof process.stderr.write;
    process.off('warning', onWarning);
    for (const l of warningListeners) process.on('warning', l);
    process.off('uncaughtException', onFatal);
    process.off('unhandledRejection', onFatal);
    process.off('SIGTERM', onTerm);
    process.off('SIGINT', onTerm);
  };
}

function safeJson(v: unknown): string {
  try {
    return JSON.stringify(v);
  } catch {
    return String(v);
  }
}
