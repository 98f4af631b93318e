// The kit end to end: the example connector as a child process against a real local HTTP server.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startExampleServer, type ExampleServer } from '../src/testing/example-server.js';
import { catalog, example, protocolProblems, tempJson } from './helpers/run-example.js';
import { ofType } from '../src/testing/index.js';

const SECRET = 'example-secret-Q7x9Lm2';
let server: ExampleServer;
let config: string;

beforeEach(async () => {
  server = await startExampleServer(250, { apiKey: SECRET });
  config = tempJson('config.json', { api_key: SECRET, base_url: server.url, page_size: 50 });
});
afterEach(() => server.close());

const ids = (run: Awaited<ReturnType<typeof example>>): number[] =>
  ofType(run, 'RECORD').map((m) => m.record.data.id as number);
const range = (n: number, from = 0): number[] => Array.from({ length: n }, (_, i) => i + from);
/** A read of the items stream alone. */
const readItems = (env: NodeJS.ProcessEnv = {}) =>
  example(['read', '--config', config, '--catalog', tempJson('c.json', catalog(['items']))], env);
/** A read of the items stream that must be clean: exit 0, every message valid, items 0 to 249 once each. */
async function readsAllItems(env: NodeJS.ProcessEnv): Promise<Awaited<ReturnType<typeof example>>> {
  const run = await readItems(env);
  expect(run.code).toBe(0);
  expect(protocolProblems(run)).toEqual([]);
  expect(ids(run)).toEqual(range(250));
  return run;
}
const warnings = (run: Awaited<ReturnType<typeof example>>): string[] =>
  ofType(run, 'LOG')
    .filter((m) => m.log.level === 'WARN')
    .map((m) => m.log.message);

describe('example connector', () => {
  it('spec, check and discover print valid protocol messages', async () => {
    const spec = await example(['spec']);
    expect(spec.code).toBe(0);
    expect(protocolProblems(spec)).toEqual([]);
    const check = await example(['check', '--config', config]);
    expect(ofType(check, 'CONNECTION_STATUS').map((m) => m.connectionStatus.status)).toEqual(['SUCCEEDED']);
    const discover = await example(['discover', '--config', config]);
    const streams = ofType(discover, 'CATALOG')[0].catalog.streams;
    expect(streams.map((s) => [s.name, s.supported_sync_modes, s.default_cursor_field])).toEqual([
      ['items', ['full_refresh', 'incremental'], ['updated_at']],
      ['events', ['full_refresh'], undefined],
    ]);
  });

  it('reads every record with statuses and per-stream state counts', async () => {
    const run = await readsAllItems({ EXAMPLE_CHECKPOINT_EVERY: '100' });
    const statuses = ofType(run, 'TRACE')
      .filter((m) => m.trace.type === 'STREAM_STATUS')
      .map((m) => m.trace.stream_status!.status);
    expect(statuses).toEqual(['STARTED', 'RUNNING', 'COMPLETE']);
    const states = ofType(run, 'STATE');
    expect(states.length).toBeGreaterThanOrEqual(3); // mid-stream checkpoints, not only at the end
    expect(states.reduce((n, s) => n + (s.state.sourceStats?.recordCount ?? 0), 0)).toBe(250);
    // each state's count equals the records printed since the previous state
    let since = 0;
    for (const m of run.messages) {
      if ('type' in m && m.type === 'RECORD') since++;
      if ('type' in m && m.type === 'STATE') {
        expect(m.state.sourceStats?.recordCount).toBe(since);
        since = 0;
      }
    }
  });

  it('resumes from a mid-way state with no gap (only the boundary record repeats)', async () => {
    const cat = tempJson('c.json', catalog(['items']));
    const first = await example(['read', '--config', config, '--catalog', cat], { EXAMPLE_CHECKPOINT_EVERY: '100' });
    const mid = ofType(first, 'STATE')[0].state;
    const seen = new Set(ids(first).slice(0, 100));
    const second = await example(['read', '--config', config, '--catalog', cat, '--state', tempJson('s.json', [mid])]);
    const resumed = ids(second);
    expect(new Set([...seen, ...resumed])).toEqual(new Set(range(250)));
    expect(resumed.filter((id) => seen.has(id))).toEqual([99]);
  });

  it('waits out a 429 with Retry-After and finishes with every record', async () => {
    server.faults.push({ status: 429, retryAfter: '1' });
    const started = Date.now();
    const run = await readItems();
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(run.code).toBe(0);
    expect(ids(run)).toEqual(range(250));
    expect(ofType(run, 'LOG').some((m) => /429.*as the server asked/.test(m.log.message))).toBe(true);
  });

  it('survives three 500s in a row and a connection reset mid-body', async () => {
    server.faults.push({ status: 500 }, { status: 500 }, { status: 500 }, { drop: true });
    const run = await readItems();
    expect(run.code).toBe(0);
    expect(ids(run)).toEqual(range(250));
  });

  it('gives up on endless 503s with a transient_error naming the stream, and still runs the other streams', async () => {
    server.faults.push(...Array.from({ length: 20 }, () => ({ status: 503 })));
    const run = await example([
      'read',
      '--config',
      config,
      '--catalog',
      tempJson('c.json', catalog(['items', 'events'])),
    ]);
    expect(run.code).toBe(1);
    const statuses = ofType(run, 'TRACE')
      .filter((m) => m.trace.type === 'STREAM_STATUS')
      .map((m) => `${m.trace.stream_status!.stream_descriptor.name}:${m.trace.stream_status!.status}`);
    // the streams are read at once, so their traces interleave; each stream's own are in order
    const of = (stream: string) => statuses.filter((st) => st.startsWith(`${stream}:`));
    expect(of('items')).toEqual(['items:STARTED', 'items:INCOMPLETE']);
    expect(of('events')).toEqual(['events:STARTED', 'events:RUNNING', 'events:COMPLETE']);
    expect(statuses).toHaveLength(5);
    const errors = ofType(run, 'TRACE')
      .filter((m) => m.trace.type === 'ERROR')
      .map((m) => m.trace.error!);
    expect(errors[0]).toMatchObject({ failure_type: 'transient_error', stream_descriptor: { name: 'items' } });
    expect(errors[0].message).toMatch(/GET \/items answered HTTP 503; gave up after 6 attempts/);
  });

  it('turns a 401 into a config_error naming the credential, never the secret', async () => {
    const wrong = 'wrong-key-ZZ81xq';
    const bad = tempJson('bad.json', { api_key: wrong, base_url: server.url });
    const check = await example(['check', '--config', bad]);
    expect(check.code).toBe(0);
    const status = ofType(check, 'CONNECTION_STATUS')[0].connectionStatus;
    expect(status.status).toBe('FAILED');
    expect(status.message).toMatch(/rejected the API key \(api_key\) \(HTTP 401/);
    const read = await example(['read', '--config', bad, '--catalog', tempJson('c.json', catalog(['items']))]);
    expect(read.code).toBe(1);
    const err = ofType(read, 'TRACE').find((m) => m.trace.type === 'ERROR' && !m.trace.error?.stream_descriptor)!.trace
      .error!;
    expect(err.failure_type).toBe('config_error');
    for (const out of [check.stdout, check.stderr, read.stdout, read.stderr]) expect(out).not.toContain(wrong);
  });

  it('masks a secret that the service echoes into an error, in every form, on stdout and stderr', async () => {
    const echoed = `bad request for key ${SECRET} (${encodeURIComponent(SECRET)}, ${Buffer.from(SECRET).toString('base64')})`;
    server.faults.push({ status: 400, body: echoed });
    const run = await readItems();
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('bad request for key ****');
    for (const out of [run.stdout, run.stderr]) {
      expect(out).not.toContain(SECRET);
      expect(out).not.toContain(Buffer.from(SECRET).toString('base64'));
    }
  });
});

describe('process tuning', () => {
  it('reads as usual and says why when CONKIT_HEAP_GROWING_PERCENT is not a number', async () => {
    const run = await readsAllItems({ CONKIT_HEAP_GROWING_PERCENT: 'lots' });
    expect(
      warnings(run).some(
        (w) => w.includes('CONKIT_HEAP_GROWING_PERCENT must be a whole number') && w.includes("'lots'"),
      ),
    ).toBe(true);
  });

  it('passes a process warning on as a LOG WARN, not as an error on stderr', async () => {
    const run = await readsAllItems({ EXAMPLE_WARNING: 'careful now' });
    // emitted three times, reported once
    expect(warnings(run).filter((m) => m === 'TestWarning: careful now')).toHaveLength(1);
    expect(ofType(run, 'LOG').filter((m) => m.log.level === 'ERROR' || m.log.level === 'FATAL')).toEqual([]);
    expect(run.stderr).not.toContain('careful now');
  });
});

describe('invocation errors', () => {
  const errorOf = (run: Awaited<ReturnType<typeof example>>) =>
    ofType(run, 'TRACE').find((m) => m.trace.type === 'ERROR')!.trace.error!;

  it('names an unknown command, a missing file, bad JSON, an unknown stream and a bad field', async () => {
    const cases: [string[], RegExp][] = [
      [['bogus'], /Unknown command 'bogus'/],
      [
        ['read', '--config', '/nonexistent/c.json', '--catalog', '/x'],
        /--config file '\/nonexistent\/c.json': no such file/,
      ],
      [['check'], /config/],
      [['discover', '--config', tempJson('c.json', '{"api_key": ')], /not valid JSON/],
      [
        [
          'discover',
          '--config',
          tempJson('c.json', { api_key: SECRET, base_url: 'http://127.0.0.1:1', page_size: 'ten' }),
        ],
        /'page_size' \(Page size\) must be of type integer/,
      ],
      [
        ['discover', '--config', tempJson('c.json', { api_key: SECRET, base_url: 'http://127.0.0.1:1/' })],
        /'base_url' must not end with '\/'/,
      ],
      [
        [
          'read',
          '--config',
          tempJson('c.json', { api_key: SECRET, base_url: 'http://127.0.0.1:1' }),
          '--catalog',
          tempJson('k.json', catalog(['nope'])),
        ],
        /stream 'nope', which source-example does not have/,
      ],
      [
        [
          'read',
          '--config',
          tempJson('c.json', { api_key: SECRET, base_url: 'http://127.0.0.1:1' }),
          '--catalog',
          tempJson('k.json', catalog(['items'])),
          '--state',
          tempJson('s.json', '[1]'),
        ],
        /--state file entry \[0\] is not an object/,
      ],
    ];
    for (const [args, pattern] of cases) {
      const run = await example(args);
      expect(run.code, args.join(' ')).toBe(1);
      expect(protocolProblems(run)).toEqual([]);
      const err = errorOf(run);
      expect(err.failure_type).toBe('config_error');
      expect(err.message).toMatch(pattern);
      expect(err.stack_trace).toBeUndefined();
      expect(run.stdout).not.toContain(SECRET);
    }
  });

  it('treats a state for an unknown stream as harmless', async () => {
    const server2 = await startExampleServer(10);
    const cfg = tempJson('c.json', { api_key: SECRET, base_url: server2.url });
    const state = tempJson('s.json', [
      { type: 'STREAM', stream: { stream_descriptor: { name: 'gone' }, stream_state: { x: 1 } } },
    ]);
    const run = await example([
      'read',
      '--config',
      cfg,
      '--catalog',
      tempJson('k.json', catalog(['items'])),
      '--state',
      state,
    ]);
    await server2.close();
    expect(run.code).toBe(0);
    expect(ids(run)).toEqual(range(10));
  });
});
