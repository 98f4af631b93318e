// A concurrent read killed at random points (SIGKILL after N records) and resumed from the last
// STATE each stream emitted: no record is lost, and the only records read twice are of partitions
// that were still in flight when that STATE was written (at most max_concurrency of them), besides
// the record at a finished partition's bookmark where the cursor is inclusive (its granularity). What a
// destination keeps of the killed run is what precedes each stream's last STATE; the rest it drops.
// Datasets of many partitions from the latency bench (Listrak messages, Ometria lists, daily S3
// files), served 20 ms away so that several partitions are always in flight.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { jsonFile, catalogOf } from '../../base/src/testing/harness.js';
import { conversions, listrak, ometria, type LatencyCase, type LatencySource } from '../../bench/src/cases/latency.js';

const root = join(import.meta.dirname, '..', '..');
const CONCURRENCY = 8;

interface Target {
  kase: LatencyCase;
  stream: string; // an incremental stream of the case, resumable by its state
  key: (r: Record<string, unknown>) => string; // the record's primary key
  part: (r: Record<string, unknown>) => string; // the partition it was read in
  kills: number[]; // fractions of the records after which the read is killed
  records: number; // the stream's records in a complete read
  /** A record at its finished partition's bookmark, read again by an inclusive cursor (its granularity). */
  atBookmark?: (r: Record<string, unknown>, state: unknown) => boolean;
}

const targets: Target[] = [
  {
    kase: listrak,
    stream: 'message_opens',
    key: (r) => `${String(r.MsgID)} ${String(r.EmailAddress)}`,
    part: (r) => String(r.MsgID),
    kills: [0.1, 0.45, 0.8],
    records: 500 * 2,
  },
  {
    kase: ometria,
    stream: 'member_lists',
    key: (r) => String(r.__sync_key),
    part: (r) => String(r.list_id),
    kills: [0.3, 0.75],
    records: 50 * 40,
    // each list resumes from its newest change inclusive: a change in the same second may come later
    atBookmark: (r, state) =>
      (state as { stream: { stream_state: { lists: Record<string, string> } } }).stream.stream_state.lists[
        String(r.list_id)
      ] === r.event_at,
  },
  {
    kase: conversions,
    stream: 'conversions',
    key: (r) => `${String(r.url)} ${String(r.date)} ${String(r.channel)} ${String(r.device)}`,
    part: (r) => String(r._file),
    kills: [0.15, 0.5, 0.85],
    records: 365 * 20,
  },
];

type Msg = { type: string; record?: { stream: string; data: Record<string, unknown> }; state?: unknown };

/** Reads `stream` until `killAfter` records have come out (then SIGKILL), or to the end. */
function read(source: LatencySource, t: Target, state: unknown[] | undefined, killAfter = Infinity) {
  const args = ['read', '--config', jsonFile({ ...source.config, max_concurrency: CONCURRENCY }, 'config.json')];
  args.push('--catalog', jsonFile(catalogOf([t.stream], 'incremental'), 'catalog.json'));
  if (state) args.push('--state', jsonFile(state, 'state.json'));
  // the vendors' pacing is off (and the servers do not enforce it): this test is about state, not pace
  const child = spawn(process.execPath, [join(root, 'connectors', t.kase.connector, 'dist', 'main.js'), ...args], {
    stdio: ['ignore', 'pipe', 'ignore'],
    env: { ...process.env, CONKIT_PACING: 'off' },
  });
  const messages: Msg[] = [];
  let records = 0;
  const lines = createInterface({ input: child.stdout });
  lines.on('line', (line) => {
    const m = JSON.parse(line) as Msg;
    messages.push(m);
    if (m.type === 'RECORD' && ++records >= killAfter && child.exitCode === null) child.kill('SIGKILL');
  });
  return new Promise<{ messages: Msg[]; code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('close', (code, signal) => resolve({ messages, code, signal })),
  );
}

/** What a destination keeps: the records before the stream's last STATE, and that STATE. */
function committed(messages: Msg[], stream: string) {
  const last = messages.findLastIndex((m) => m.type === 'STATE');
  const recs = messages
    .slice(0, Math.max(0, last))
    .flatMap((m) => (m.record?.stream === stream ? [m.record.data] : []));
  return { recs, state: last >= 0 ? messages[last].state : undefined };
}

const sources: LatencySource[] = [];
afterAll(async () => {
  for (const s of sources) await s.close();
});

describe.each(targets)('killed concurrent read of $stream', (t) => {
  it.each(t.kills)(
    'SIGKILL after %s of the records, resumed from the last STATE: every record, repeats only in partitions in flight',
    async (fraction) => {
      const source = await t.kase.start(20, { unlimited: true });
      sources.push(source);
      const killed = await read(source, t, undefined, Math.round(t.records * fraction));
      expect(killed.signal).toBe('SIGKILL');
      const kept = committed(killed.messages, t.stream);
      expect(kept.state, 'a STATE before the kill').toBeDefined();
      const resumed = await read(source, t, [kept.state]);
      expect(resumed.code).toBe(0);
      const again = resumed.messages.flatMap((m) => (m.record?.stream === t.stream ? [m.record.data] : []));
      const keys = new Set([...kept.recs, ...again].map(t.key));
      expect(keys.size).toBe(t.records);
      const first = new Set(kept.recs.map(t.key));
      const repeated = again.filter((r) => first.has(t.key(r)) && !t.atBookmark?.(r, kept.state));
      // records read twice belong to at most CONCURRENCY partitions: those in flight at the STATE
      const parts = new Set(repeated.map(t.part));
      expect(parts.size).toBeLessThanOrEqual(CONCURRENCY);
      expect(kept.recs.length).toBeGreaterThan(0);
    },
    120_000,
  );
});
