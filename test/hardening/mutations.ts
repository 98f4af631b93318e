// Bad input, generated: configs mutated field by field from a valid one, catalogs and states broken
// in the ways people and platforms break them.
import fc from 'fast-check';

export type ConfigMutation = {
  path: string[];
  kind: 'delete' | 'wrongType' | 'empty' | 'huge' | 'badDate' | 'badUrl' | 'null';
  value?: unknown;
};

export function fieldPaths(spec: Record<string, unknown>): string[][] {
  const out: string[][] = [];
  const walk = (node: Record<string, unknown>, prefix: string[]): void => {
    const props = (node.properties ?? {}) as Record<string, Record<string, unknown>>;
    for (const [k, v] of Object.entries(props)) {
      out.push([...prefix, k]);
      if (v.type === 'object' && v.properties && prefix.length === 0) walk(v, [k]);
    }
  };
  walk(spec, []);
  return out;
}

export const configMutation = (paths: string[][]): fc.Arbitrary<ConfigMutation> =>
  fc.record({
    path: fc.constantFrom(...paths),
    kind: fc.constantFrom('delete', 'wrongType', 'empty', 'huge', 'badDate', 'badUrl', 'null'),
    value: fc.oneof(fc.integer(), fc.boolean(), fc.constant([]), fc.constant({ nested: true })),
  }) as fc.Arbitrary<ConfigMutation>;

export function applyMutation(config: Record<string, unknown>, m: ConfigMutation): Record<string, unknown> {
  const copy = structuredClone(config);
  let node: Record<string, unknown> = copy;
  for (const key of m.path.slice(0, -1)) {
    if (!node[key] || typeof node[key] !== 'object') node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  const leaf = m.path[m.path.length - 1];
  const values: Record<ConfigMutation['kind'], unknown> = {
    delete: undefined,
    wrongType: typeof node[leaf] === 'number' ? 'not-a-number' : m.value,
    empty: '',
    huge: 'x'.repeat(200_000),
    badDate: '2020-13-45T99:00:00',
    badUrl: 'ht!tp://no such host/%%',
    null: null,
  };
  if (m.kind === 'delete') Reflect.deleteProperty(node, leaf);
  else node[leaf] = values[m.kind];
  return copy;
}

export const catalogBreakages: { name: string; text: (stream: string) => string; expect: RegExp }[] = [
  {
    name: 'unknown stream',
    text: () =>
      JSON.stringify({
        streams: [
          {
            stream: { name: 'no_such_stream', json_schema: {}, supported_sync_modes: ['full_refresh'] },
            sync_mode: 'full_refresh',
            destination_sync_mode: 'append',
          },
        ],
      }),
    expect: /no_such_stream/,
  },
  {
    name: 'unknown sync mode',
    text: (s) =>
      JSON.stringify({
        streams: [
          {
            stream: { name: s, json_schema: {}, supported_sync_modes: ['full_refresh'] },
            sync_mode: 'cdc',
            destination_sync_mode: 'append',
          },
        ],
      }),
    expect: /sync_mode "cdc"/,
  },
  { name: 'bad JSON', text: () => '{"streams": [', expect: /--catalog file .* is not valid JSON/ },
  { name: 'no streams array', text: () => '{"stream": {}}', expect: /"streams" array/ },
  {
    name: 'stream without a name',
    text: () => '{"streams": [{"sync_mode": "full_refresh"}]}',
    expect: /stream\.name is missing/,
  },
];

export const stateBreakages: { name: string; text: (stream: string) => string; expect: RegExp }[] = [
  { name: 'bad JSON', text: () => '[{"type": "STREAM", ', expect: /--state file .* is not valid JSON/ },
  { name: 'a number', text: () => '42', expect: /--state file must hold/ },
  { name: 'entries that are not objects', text: () => '["x"]', expect: /entry \[0\] is not an object/ },
  {
    name: 'a stream state that is a string',
    text: (s) =>
      JSON.stringify([{ type: 'STREAM', stream: { stream_descriptor: { name: s }, stream_state: 'yesterday' } }]),
    expect: new RegExp(`stream '.*' must be an object`),
  },
  {
    name: 'an entry without a descriptor',
    text: () => JSON.stringify([{ type: 'STREAM', stream: { stream_state: {} } }]),
    expect: /without stream_descriptor\.name/,
  },
];

// Incremental states broken the way they break in practice: a cursor in the future, the state of
// another stream, a cursor of the wrong type, a stream listed twice. Each is made from the real final
// state of a clean incremental read, so it has the stream's own keys (its cursor field or state key).

export type StreamState = Record<string, unknown>;
type Path = (string | number)[];

const DATE = /^\d{4}-\d{2}-\d{2}/;
export const isDateLike = (v: unknown): v is string => typeof v === 'string' && DATE.test(v);

/** The path of every date-like string in a state. */
export function datePaths(value: unknown, prefix: Path = []): Path[] {
  if (isDateLike(value)) return [prefix];
  if (Array.isArray(value)) return value.flatMap((v, i) => datePaths(v, [...prefix, i]));
  if (value && typeof value === 'object')
    return Object.entries(value).flatMap(([k, v]) => datePaths(v, [...prefix, k]));
  return [];
}

/** A copy with every date-like string replaced by f(it). */
export function mapDates(value: unknown, f: (date: string) => unknown): unknown {
  if (isDateLike(value)) return f(value);
  if (Array.isArray(value)) return value.map((v) => mapDates(v, f));
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mapDates(v, f)]));
  return value;
}

/** The same instants, in year 2999 (same format, so only the value is wrong, not its shape). */
export const inTheFuture = (state: StreamState): StreamState =>
  mapDates(state, (d) => `2999${d.slice(4)}`) as StreamState;

export const stateEntry = (stream: string, state: unknown) => ({
  type: 'STREAM',
  stream: { stream_descriptor: { name: stream }, stream_state: state },
});

export interface IncrementalStateCase {
  /** future | foreign | wrongType | duplicate */
  kind: 'future' | 'foreign' | 'wrongType' | 'duplicate';
  name: string;
  /** The stream whose state is broken. */
  stream: string;
  /** The --state file: the other streams' real final states plus the broken entry (or entries). */
  state: unknown[];
  /** Names a config_error may use for the field at fault (the state's keys on the broken paths). */
  fields: string[];
  /**
   * The connector cannot use this state as it is; going on silently (no config_error, no LOG WARN
   * naming the stream) reads from somewhere the user did not ask for, or not at all.
   */
  mustWarn: boolean;
}

export const wrongCursorValues: { name: string; value: unknown }[] = [
  { name: 'a number', value: 1700000000 },
  { name: 'an object', value: { $date: '2024-03-01T00:00:00Z' } },
  { name: "a non-date string ('yesterday')", value: 'yesterday' },
];

const keysOf = (s: StreamState): string => Object.keys(s).sort().join(',');

/**
 * The incremental-state cases of one connector, from the final state of each incremental stream
 * after a clean incremental read. cursorFields: each stream's default cursor field, used as the key of
 * a future cursor when a final state holds no date.
 */
export function incrementalStateCases(
  finals: Map<string, StreamState>,
  cursorFields: Map<string, string | undefined>,
): IncrementalStateCase[] {
  const out: IncrementalStateCase[] = [];
  const streams = [...finals.keys()];
  const others = (stream: string) => streams.filter((s) => s !== stream).map((s) => stateEntry(s, finals.get(s)));
  for (const stream of streams) {
    const final = finals.get(stream)!;
    const paths = datePaths(final);
    const fieldsOf = (ps: Path[]): string[] => [
      ...new Set(ps.flatMap((p) => p.filter((k): k is string => typeof k === 'string'))),
    ];
    const cursor = cursorFields.get(stream);
    // (a) the real state, its dates moved to 2999; a state without a date gets one in the cursor field
    const future = paths.length ? inTheFuture(final) : { ...final, [cursor ?? 'cursor']: '2999-01-01T00:00:00.000Z' };
    out.push({
      kind: 'future',
      name: 'a cursor in the future (2999)',
      stream,
      state: [...others(stream), stateEntry(stream, future)],
      fields: fieldsOf(datePaths(future)),
      mustWarn: false,
    });
    // (b) another stream's state, one with other keys when there is one
    const foreign = streams
      .filter((s) => s !== stream)
      .sort(
        (a, b) => Number(keysOf(finals.get(a)!) === keysOf(final)) - Number(keysOf(finals.get(b)!) === keysOf(final)),
      )[0];
    if (foreign) {
      const theirs = finals.get(foreign)!;
      out.push({
        kind: 'foreign',
        name: `the state of stream '${foreign}'`,
        stream,
        state: [...others(stream), stateEntry(stream, theirs)],
        fields: [...new Set([...Object.keys(theirs), ...Object.keys(final), ...(cursor ? [cursor] : [])])],
        mustWarn: keysOf(theirs) !== keysOf(final),
      });
    } else {
      // a connector with one incremental stream: a state of some other shape stands in for another stream's
      const theirs = {
        other_stream_cursor: paths.length
          ? (paths[0].reduce<unknown>((n, k) => (n as Record<string, unknown>)[k as string], final) as string)
          : '2024-01-01T00:00:00.000Z',
      };
      out.push({
        kind: 'foreign',
        name: 'a state of another shape (the connector has no other incremental stream)',
        stream,
        state: [stateEntry(stream, theirs)],
        fields: [...Object.keys(theirs), ...Object.keys(final), ...(cursor ? [cursor] : [])],
        mustWarn: true,
      });
    }
    // (c) the cursor of the wrong type, in every place the real state holds a date
    const targetPaths = paths.length ? paths : [[cursor ?? 'cursor']];
    for (const w of wrongCursorValues) {
      let broken: unknown = structuredClone(final);
      for (const p of targetPaths) broken = setPath(broken, p, w.value);
      out.push({
        kind: 'wrongType',
        name: `a cursor that is ${w.name}`,
        stream,
        state: [...others(stream), stateEntry(stream, broken)],
        fields: fieldsOf(targetPaths),
        mustWarn: true,
      });
    }
    // (d) two entries for the stream: its real state, then the same in the future
    out.push({
      kind: 'duplicate',
      name: 'two entries for the same stream (real, then future)',
      stream,
      state: [...others(stream), stateEntry(stream, final), stateEntry(stream, future)],
      fields: fieldsOf(datePaths(future)),
      mustWarn: false,
    });
  }
  return out;
}

function setPath(value: unknown, path: Path, v: unknown): unknown {
  if (path.length === 0) return v;
  const [head, ...rest] = path;
  const node = (value && typeof value === 'object' ? value : {}) as Record<string | number, unknown>;
  const copy = (Array.isArray(node) ? [...node] : { ...node }) as Record<string | number, unknown>;
  copy[head] = setPath(node[head], rest, v);
  return copy;
}
