// JSON-lines destination: one file per stream under DIR, state in DIR/state.json. Records of a
// batch are appended and fsynced before the state that covers them is renamed into place. The
// folder is made at the first commit: a run that fails before it leaves no trace.
import {
  appendFileSync,
  existsSync,
  readFileSync,
  renameSync,
  writeFileSync,
  openSync,
  fsyncSync,
  closeSync,
  mkdirSync,
} from 'node:fs';
import { join } from 'node:path';
import { preparedSpec, type Destination, type TableSpec } from './destination.js';

export function openJsonl(dir: string): Destination {
  const stateFile = join(dir, 'state.json');
  const specs = new Map<string, TableSpec>();
  const replaced = new Set<string>();
  const states = new Map<string, unknown>(
    existsSync(stateFile)
      ? (JSON.parse(readFileSync(stateFile, 'utf8')) as { stream: { stream_descriptor: { name: string } } }[]).map(
          (s) => [s.stream.stream_descriptor.name, s],
        )
      : [],
  );
  return {
    async prepare(stream, spec) {
      specs.set(stream, spec);
    },
    async commit(batches, newStates) {
      mkdirSync(dir, { recursive: true });
      for (const [stream, rows] of batches) {
        const spec = preparedSpec(specs, stream);
        const file = join(dir, `${spec.table}.jsonl`);
        if (spec.mode === 'overwrite' && !replaced.has(stream)) {
          writeFileSync(file, '');
          replaced.add(stream);
        }
        if (rows.length) appendFileSync(file, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
        // a STATE over an empty window commits no rows: there may be no file to flush yet
        if (!existsSync(file)) continue;
        const fd = openSync(file, 'r');
        fsyncSync(fd);
        closeSync(fd);
      }
      for (const [k, v] of newStates) states.set(k, v);
      writeFileSync(`${stateFile}.tmp`, JSON.stringify([...states.values()], null, 2));
      renameSync(`${stateFile}.tmp`, stateFile);
    },
    async loadStates() {
      return [...states.values()];
    },
    async close() {},
  };
}
