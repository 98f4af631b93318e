// runSource(): the process around a connector. It owns stdout, masks every line, routes stray
// console output into LOG messages, and guarantees: exit 0 when the command completed, otherwise a
// TRACE ERROR and exit 1.
import type { Source } from './source.js';
import { soapClientFor, streamsOf, type CheckContext } from './source.js';
import { messages, type JsonObject } from './protocol.js';
import { OutputWriter } from './output.js';
import { SecretMasker, maskerFor } from './secrets.js';
import { createLogger, logLevelFromEnv, type Logger } from './log.js';
import { parseArgs, type Command } from './cli.js';
import { checkConfig } from './config.js';
import { checkCatalog, parseState, readJsonFile } from './inputs.js';
import { ConnectorError, failureTypeOf, messageOf, stackOf } from './errors.js';
import { HttpClient } from './http.js';
import { readCatalog } from './read-catalog.js';
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
  const http = httpClientFor(source, config, raw, log, masker);
  const soap = soapClientFor(source, config, log, (field) => configured(raw, field));
  await readCatalog({ source, config, catalog, states, http, soap, out, log, masker });
  return http;
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
