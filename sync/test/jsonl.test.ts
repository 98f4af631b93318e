// The JSON-lines destination takes a STATE that covers no records (an empty window) before the
// stream's first record, as incremental readers emit one per window.
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openJsonl } from '../src/jsonl-destination.js';

describe('JSON-lines destination', () => {
  it('commits a state with no records before any record, then appends', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'jsonl-')), 'out');
    const d = openJsonl(dir);
    await d.prepare('unsubscribes', { table: 'unsubscribes', columns: [], primaryKey: ['id'], mode: 'append_dedup' });
    const state = (n: number) => ({
      type: 'STREAM',
      stream: { stream_descriptor: { name: 'unsubscribes' }, stream_state: { n } },
    });
    await d.commit(new Map([['unsubscribes', []]]), new Map([['unsubscribes', state(1)]]));
    expect(existsSync(join(dir, 'unsubscribes.jsonl'))).toBe(false);
    await d.commit(new Map([['unsubscribes', [{ id: 1 }]]]), new Map([['unsubscribes', state(2)]]));
    expect(readFileSync(join(dir, 'unsubscribes.jsonl'), 'utf8')).toBe('{"id":1}\n');
    expect(await d.loadStates()).toEqual([state(2)]);
  });
});
