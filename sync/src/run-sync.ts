// One sync: discover (unless a catalog is given), read from the last committed state, and commit
// records together with the STATE that covers them. Records after the last STATE are dropped when
// the connector fails: the next run reads them again from the committed state.
import { createInterface } from 'node:readline';
import { mkdtempSync, writeFileSync, readFileSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AirbyteCatalog, AirbyteMessage, ConfiguredAirbyteCatalog } from '@conkit/base';
import { catalogFor } from '@conkit/base/testing';
import { columnsOf } from './schema-columns.js';
import type { Destination } from './destination.js';
import { resolveConnector, startConnector } from './connector-process.js';
import { Progress } from './progress.js';

export interface SyncOptions {
  connector: string;
  config: string;
  catalog?: string;
  destination: Destination;
  /** Table name prefix (the demo lands several connectors in one database). */
  prefix?: string;
  image?: string;
  label?: string;
  /** A readable copy of the committed states, rewritten (atomically) after every commit. */
  stateFile?: string;
}

export interface SyncResult {
  ok: boolean;
  progress: Progress;
  error?: string;
}

// A warning repeated per request, per file or per connector (the AWS SDK's Node-version notice
// comes from every connector that loads the SDK) is news once per run of the runner.
const said = new Set<string>();
export const firstTime = (key: string): boolean => !said.has(key) && !!said.add(key);

async function runToEnd(
  ref: ReturnType<typeof resolveConnector>,
  args: string[],
  image: string | undefined,
  files: string[],
): Promise<AirbyteMessage[]> {
  const child = startConnector(ref, args, image, files);
  const out: AirbyteMessage[] = [];
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  for await (const line of createInterface({ input: child.stdout }))
    if (line.trim()) out.push(JSON.parse(line) as AirbyteMessage);
  const code = await new Promise<number | null>((r) =>
    child.exitCode !== null ? r(child.exitCode) : child.on('close', r),
  );
  if (code !== 0)
    throw new Error(
      `${ref.name} ${args[0]}: ${traceOf(out) ?? `exited ${code}: ${err.trim().split('\n').pop() ?? ''}`}`,
    );
  return out;
}

const traceOf = (msgs: AirbyteMessage[]): string | undefined =>
  msgs
    .flatMap((m) => (m.type === 'TRACE' && m.trace.type === 'ERROR' ? [m.trace.error?.message ?? 'failed'] : []))
    .join('; ') || undefined;

export async function runSync(opts: SyncOptions): Promise<SyncResult> {
  const ref = resolveConnector(opts.connector, !!opts.image);
  const label = opts.label ?? ref.name;
  const progress = new Progress(label);
  const work = mkdtempSync(join(tmpdir(), 'sync-run-'));
  let configured: ConfiguredAirbyteCatalog;
  if (opts.catalog) configured = JSON.parse(readFileSync(opts.catalog, 'utf8')) as ConfiguredAirbyteCatalog;
  else {
    const msgs = await runToEnd(ref, ['discover', '--config', opts.config], opts.image, [opts.config]);
    const cat = msgs.find((m) => m.type === 'CATALOG') as { catalog: AirbyteCatalog } | undefined;
    if (!cat) throw new Error(`${ref.name} discover printed no catalog`);
    configured = catalogFor(cat.catalog);
  }
  const tableOf = (stream: string): string => `${opts.prefix ?? ''}${stream}`;
  for (const cs of configured.streams) {
    const pk = (cs.primary_key ?? cs.stream.source_defined_primary_key ?? []).map((p) => p[0]);
    const mode = cs.sync_mode === 'incremental' ? 'append_dedup' : 'overwrite';
    await opts.destination.prepare(cs.stream.name, {
      table: tableOf(cs.stream.name),
      columns: columnsOf(cs.stream.json_schema),
      primaryKey: pk,
      mode,
    });
  }
  const catalogFile = join(work, 'catalog.json');
  writeFileSync(catalogFile, JSON.stringify(configured));
  const states = await opts.destination.loadStates();
  const args = ['read', '--config', opts.config, '--catalog', catalogFile];
  const files = [opts.config, catalogFile];
  if (states.length) {
    const stateFile = join(work, 'state.json');
    writeFileSync(stateFile, JSON.stringify(states));
    args.push('--state', stateFile);
    files.push(stateFile);
  }
  const child = startConnector(ref, args, opts.image, files);
  let stderrTail = '';
  child.stderr.on('data', (d: Buffer) => {
    stderrTail = (stderrTail + d.toString()).slice(-2000);
  });
  const pending = new Map<string, Record<string, unknown>[]>();
  const committed = new Map<string, unknown>(
    states.map((s) => [(s as { stream: { stream_descriptor: { name: string } } }).stream.stream_descriptor.name, s]),
  );
  const errors: string[] = [];
  const say = (line: string, key = line): void => {
    if (!firstTime(key)) return;
    progress.interrupt();
    process.stderr.write(`${line}\n`);
  };
  for await (const line of createInterface({ input: child.stdout })) {
    if (!line.trim()) continue;
    const m = JSON.parse(line) as AirbyteMessage;
    if (m.type === 'RECORD') {
      const list = pending.get(m.record.stream) ?? [];
      list.push(m.record.data);
      pending.set(m.record.stream, list);
      progress.record(m.record.stream);
    } else if (m.type === 'STATE' && m.state.stream) {
      const stream = m.state.stream.stream_descriptor.name;
      const rows = pending.get(stream) ?? [];
      pending.delete(stream);
      await opts.destination.commit(new Map([[stream, rows]]), new Map([[stream, m.state]]));
      progress.saved(stream);
      committed.set(stream, m.state);
      if (opts.stateFile) {
        // streams are read concurrently, so their states commit in any order: the file lists them by name
        const byName = [...committed].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, st]) => st);
        writeFileSync(`${opts.stateFile}.tmp`, JSON.stringify(byName, null, 2));
        renameSync(`${opts.stateFile}.tmp`, opts.stateFile);
      }
    } else if (m.type === 'LOG' && (m.log.level === 'WARN' || m.log.level === 'ERROR' || m.log.level === 'FATAL')) {
      say(`[${label}] ${m.log.level}: ${m.log.message}`, `${m.log.level}: ${m.log.message}`);
    } else if (m.type === 'TRACE' && m.trace.type === 'ERROR') {
      // the connector's own words; the run's closing line repeats them, so they are not printed here
      const said = m.trace.error?.message ?? 'failed';
      if (!errors.includes(said)) errors.push(said);
    }
  }
  const code = await new Promise<number | null>((r) =>
    child.exitCode !== null || child.signalCode !== null ? r(child.exitCode) : child.on('close', (c) => r(c)),
  );
  const ok = code === 0 && errors.length === 0;
  const dropped = [...pending.values()].reduce((n, l) => n + l.length, 0);
  if (!ok && dropped)
    say(`[${label}] ${dropped} records after the last STATE were not committed; the next run reads them again.`);
  // the run's closing TRACE sums up; a stream's own error is kept only when the summary lacks its cause
  const last = errors[errors.length - 1];
  const causes = errors.slice(0, -1).filter((e) => !last.includes(e.replace(/^Stream '[^']*' failed: /, '')));
  const error =
    [...causes, last].filter(Boolean).join(' ') ||
    `the connector exited ${code ?? child.signalCode}${stderrTail.trim() ? `: ${stderrTail.trim().split('\n').pop()}` : ''}`;
  return { ok, progress, error: ok ? undefined : `${label}: ${error}` };
}
