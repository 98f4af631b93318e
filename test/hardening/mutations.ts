// Bad input, generated: configs mutated field by field from a valid one, catalogs and states broken
// in the ways people and platforms break them.
import fc from 'fast-check';

export type ConfigMutation = { path: string[]; kind: 'delete' | 'wrongType' | 'empty' | 'huge' | 'badDate' | 'badUrl' | 'null'; value?: unknown };

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
  if (m.kind === 'delete') delete node[leaf];
  else node[leaf] = values[m.kind];
  return copy;
}

export const catalogBreakages: { name: string; text: (stream: string) => string; expect: RegExp }[] = [
  { name: 'unknown stream', text: () => JSON.stringify({ streams: [{ stream: { name: 'no_such_stream', json_schema: {}, supported_sync_modes: ['full_refresh'] }, sync_mode: 'full_refresh', destination_sync_mode: 'append' }] }), expect: /no_such_stream/ },
  { name: 'unknown sync mode', text: (s) => JSON.stringify({ streams: [{ stream: { name: s, json_schema: {}, supported_sync_modes: ['full_refresh'] }, sync_mode: 'cdc', destination_sync_mode: 'append' }] }), expect: /sync_mode "cdc"/ },
  { name: 'bad JSON', text: () => '{"streams": [', expect: /--catalog file .* is not valid JSON/ },
  { name: 'no streams array', text: () => '{"stream": {}}', expect: /"streams" array/ },
  { name: 'stream without a name', text: () => '{"streams": [{"sync_mode": "full_refresh"}]}', expect: /stream\.name is missing/ },
];

export const stateBreakages: { name: string; text: (stream: string) => string; expect: RegExp }[] = [
  { name: 'bad JSON', text: () => '[{"type": "STREAM", ', expect: /--state file .* is not valid JSON/ },
  { name: 'a number', text: () => '42', expect: /--state file must hold/ },
  { name: 'entries that are not objects', text: () => '["x"]', expect: /entry \[0\] is not an object/ },
  { name: 'a stream state that is a string', text: (s) => JSON.stringify([{ type: 'STREAM', stream: { stream_descriptor: { name: s }, stream_state: 'yesterday' } }]), expect: new RegExp(`stream '.*' must be an object`) },
  { name: 'an entry without a descriptor', text: () => JSON.stringify([{ type: 'STREAM', stream: { stream_state: {} } }]), expect: /without stream_descriptor\.name/ },
];
