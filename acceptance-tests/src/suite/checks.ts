// The suite's assertions as plain functions that throw an Error saying what is wrong. The vitest
// file calls them for every connector; the harness's own tests call them on broken connectors to
// prove each one fails for the right reason.
import type { AirbyteCatalog, AirbyteMessage, ConfiguredAirbyteCatalog, JsonObject } from '@conkit/base';
import { compareCursor, createAjv, normalizePrimaryKey } from '@conkit/base';
import { compileRecordSchema, validateMessage, type ConnectorRun } from '@conkit/base/testing';
import { findSecret } from './scan.js';

export class CheckFailure extends Error {}
const fail = (msg: string): never => {
  throw new CheckFailure(msg);
};

type Msg<T extends AirbyteMessage['type']> = Extract<AirbyteMessage, { type: T }>;
export const of = <T extends AirbyteMessage['type']>(run: ConnectorRun, type: T): Msg<T>[] =>
  run.messages.filter((m): m is Msg<T> => (m as AirbyteMessage).type === type);

export function protocolOnly(run: ConnectorRun): void {
  run.messages.forEach((m, i) => {
    if ('unparsed' in m) fail(`stdout line ${i + 1} is not JSON: ${m.unparsed.slice(0, 120)}`);
    const errors = validateMessage(m);
    if (errors.length) fail(`stdout line ${i + 1} is not a valid AirbyteMessage: ${errors.join('; ')}`);
  });
}

export function noSecrets(runs: ConnectorRun[], secrets: string[]): void {
  for (const [i, r] of runs.entries()) {
    const out = findSecret(r.stdout, secrets);
    if (out)
      fail(
        `${out} appears on stdout of run ${i + 1}, line ${r.stdout.split('\n').findIndex((l) => findSecret(l, secrets)) + 1}`,
      );
    const err = findSecret(r.stderr, secrets);
    if (err) fail(`${err} appears on stderr of run ${i + 1}`);
  }
}

export function specIsSound(run: ConnectorRun): void {
  const specs = of(run, 'SPEC');
  if (specs.length !== 1) fail(`spec printed ${specs.length} SPEC messages, expected 1`);
  const schema = specs[0].spec.connectionSpecification as Record<string, unknown>;
  try {
    createAjv().compile(schema);
  } catch (e) {
    fail(`connectionSpecification does not compile: ${(e as Error).message}`);
  }
  const visit = (node: Record<string, unknown>, path: string): void => {
    if (node.additionalProperties === false)
      fail(`${path || '(root)'} has additionalProperties: false (configs must stay forward compatible)`);
    const props = (node.properties ?? {}) as Record<string, Record<string, unknown>>;
    for (const [k, p] of Object.entries(props)) {
      const at = path ? `${path}.${k}` : k;
      if (!p.title) fail(`spec property '${at}' has no title`);
      if (!p.description) fail(`spec property '${at}' has no description`);
      if (/secret|password|api_key|token/i.test(k) && p.airbyte_secret !== true)
        fail(`spec property '${at}' looks secret but is not marked airbyte_secret`);
      visit(p, at);
    }
    for (const alt of (node.oneOf ?? []) as Record<string, unknown>[]) {
      const consts = Object.values((alt.properties ?? {}) as Record<string, Record<string, unknown>>).filter(
        (p) => 'const' in p,
      );
      if (!consts.length) fail(`a oneOf branch under '${path}' has no const discriminator`);
      visit(alt, path);
    }
  };
  visit(schema, '');
}

export function connectionStatus(run: ConnectorRun, expected: 'SUCCEEDED' | 'FAILED'): string | undefined {
  if (run.code !== 0) fail(`check exited ${run.code}, expected 0`);
  const statuses = of(run, 'CONNECTION_STATUS');
  if (statuses.length !== 1) fail(`check printed ${statuses.length} CONNECTION_STATUS messages, expected exactly 1`);
  const s = statuses[0].connectionStatus;
  if (s.status !== expected) fail(`check said ${s.status} (${s.message ?? ''}), expected ${expected}`);
  if (expected === 'FAILED' && (!s.message || s.message.length < 15))
    fail(`check FAILED without a message a person can act on: '${s.message ?? ''}'`);
  return s.message;
}

export function catalogIsSound(run: ConnectorRun): AirbyteCatalog {
  const cats = of(run, 'CATALOG');
  if (cats.length !== 1) fail(`discover printed ${cats.length} CATALOG messages, expected 1`);
  const catalog = cats[0].catalog;
  const names = new Set<string>();
  for (const s of catalog.streams) {
    if (names.has(s.name)) fail(`stream name '${s.name}' appears twice`);
    names.add(s.name);
    try {
      compileRecordSchema(s.json_schema);
    } catch (e) {
      fail(`schema of '${s.name}' does not compile: ${(e as Error).message}`);
    }
    const props = (s.json_schema.properties ?? {}) as Record<string, unknown>;
    for (const key of s.source_defined_primary_key ?? [])
      if (!(key[0] in props)) fail(`primary key '${key.join('.')}' of '${s.name}' is not in its schema`);
    for (const c of s.default_cursor_field ?? [])
      if (!(c in props)) fail(`cursor '${c}' of '${s.name}' is not in its schema`);
  }
  return catalog;
}

export const pkOf = (catalog: AirbyteCatalog, stream: string, data: JsonObject): string => {
  const s = catalog.streams.find((x) => x.name === stream);
  const pk = normalizePrimaryKey(s?.source_defined_primary_key ?? []);
  return JSON.stringify(pk.map((path) => path.reduce<unknown>((n, k) => (n as JsonObject | undefined)?.[k], data)));
};

/** Records strictly valid, statuses in order, state counts exact, nothing for unselected streams. */
export function readIsSound(run: ConnectorRun, catalog: AirbyteCatalog, configured: ConfiguredAirbyteCatalog): void {
  if (run.code !== 0) {
    const err = of(run, 'TRACE').find((m) => m.trace.type === 'ERROR')?.trace.error?.message;
    fail(`read exited ${run.code}: ${err ?? run.stderr.slice(-300)}`);
  }
  protocolOnly(run);
  const selected = new Set(configured.streams.map((s) => s.stream.name));
  const validators = new Map(catalog.streams.map((s) => [s.name, compileRecordSchema(s.json_schema)]));
  const sinceState = new Map<string, number>();
  const statuses = new Map<string, string[]>();
  for (const m of run.messages as AirbyteMessage[]) {
    if (m.type === 'RECORD') {
      const { stream, data } = m.record;
      if (!selected.has(stream)) fail(`a record for stream '${stream}', which is not selected`);
      const v = validators.get(stream)!;
      if (!v(data))
        fail(
          `a '${stream}' record breaks its schema: ${v.errors?.map((e) => `${e.instancePath} ${e.message}`).join('; ')} in ${JSON.stringify(data).slice(0, 200)}`,
        );
      sinceState.set(stream, (sinceState.get(stream) ?? 0) + 1);
    } else if (m.type === 'STATE') {
      const name = m.state.stream?.stream_descriptor.name;
      if (m.state.type !== 'STREAM' || !name)
        fail(`a STATE that is not per-stream: ${JSON.stringify(m.state).slice(0, 200)}`);
      const count = m.state.sourceStats?.recordCount;
      if (count !== (sinceState.get(name!) ?? 0))
        fail(
          `STATE of '${name}' says recordCount ${count} but ${sinceState.get(name!) ?? 0} records were printed since its previous STATE`,
        );
      sinceState.set(name!, 0);
    } else if (m.type === 'TRACE' && m.trace.type === 'STREAM_STATUS') {
      const name = m.trace.stream_status!.stream_descriptor.name;
      statuses.set(name, [...(statuses.get(name) ?? []), m.trace.stream_status!.status]);
    }
  }
  for (const name of selected) {
    const seq = (statuses.get(name) ?? []).join(' -> ');
    if (seq !== 'STARTED -> RUNNING -> COMPLETE')
      fail(`stream '${name}' statuses were '${seq || 'none'}', expected STARTED -> RUNNING -> COMPLETE`);
  }
}

export function recordsByKey(run: ConnectorRun, catalog: AirbyteCatalog, drop: string[] = []): Map<string, JsonObject> {
  const out = new Map<string, JsonObject>();
  for (const m of of(run, 'RECORD')) {
    const data = Object.fromEntries(Object.entries(m.record.data).filter(([k]) => !drop.includes(k)));
    out.set(`${m.record.stream} ${pkOf(catalog, m.record.stream, m.record.data)}`, data);
  }
  return out;
}

export function containsExpected(
  run: ConnectorRun,
  catalog: AirbyteCatalog,
  expected: { stream: string; data: JsonObject }[],
): void {
  const got = recordsByKey(run, catalog);
  for (const e of expected) {
    const key = `${e.stream} ${pkOf(catalog, e.stream, e.data)}`;
    const rec = got.get(key);
    if (!rec) fail(`expected record ${key} is missing`);
    for (const [k, v] of Object.entries(e.data)) {
      if (JSON.stringify(rec![k]) !== JSON.stringify(v))
        fail(`record ${key}: field '${k}' is ${JSON.stringify(rec![k])}, expected ${JSON.stringify(v)}`);
    }
  }
}

export function sameRecords(a: ConnectorRun, b: ConnectorRun, catalog: AirbyteCatalog, volatile: string[] = []): void {
  const x = recordsByKey(a, catalog, volatile);
  const y = recordsByKey(b, catalog, volatile);
  if (x.size !== y.size) fail(`the reads differ: ${x.size} vs ${y.size} distinct records`);
  for (const [k, v] of x) if (JSON.stringify(v) !== JSON.stringify(y.get(k))) fail(`the reads differ at ${k}`);
  const count = (r: ConnectorRun) => of(r, 'RECORD').length;
  if (count(a) !== count(b)) fail(`the reads printed ${count(a)} and ${count(b)} records`);
}

/** Per stream, each STATE's cursor value is at or after the previous one. */
export function statesNeverGoBack(run: ConnectorRun, cursorOf: (stream: string) => string | undefined): void {
  const last = new Map<string, string | number>();
  for (const m of of(run, 'STATE')) {
    const name = m.state.stream!.stream_descriptor.name;
    const field = cursorOf(name);
    const v = field ? (m.state.stream!.stream_state as JsonObject | undefined)?.[field] : undefined;
    if (typeof v !== 'string' && typeof v !== 'number') continue;
    const prev = last.get(name);
    if (prev !== undefined && compareCursor(v, prev) < 0) fail(`state of '${name}' went backwards: ${prev} then ${v}`);
    last.set(name, v);
  }
}

export function unknownStreamIsConfigError(run: ConnectorRun): void {
  if (run.code === 0) fail('a catalog naming an unknown stream was accepted');
  const err = of(run, 'TRACE').find((m) => m.trace.type === 'ERROR')?.trace.error;
  if (err?.failure_type !== 'config_error')
    fail(`an unknown stream gave ${err?.failure_type ?? 'no TRACE ERROR'}, expected config_error`);
}

export function compareCursorSafe(a: string | number, b: string | number): number {
  return compareCursor(a, b);
}
