// The acceptance fault matrix: each fault the connector's config lists, played against every
// stream on its own, early and late, must give the clean read's records; and, per transport, retries
// running out must end in a transient_error naming each failed stream and a rerun that completes the set.
import { expect, it } from 'vitest';
import type { AirbyteCatalog, ConfiguredAirbyteCatalog } from '@conkit/base';
import { catalogFor, type ConnectorRun } from '@conkit/base/testing';
import type { AcceptanceConfig, Environment } from './config.js';
import * as check from './checks.js';

/** What the fault tests need of the suite; env and catalog exist once its beforeAll has run. */
export interface SuiteContext {
  env(): Environment;
  catalog(): AirbyteCatalog;
  read(configured: ConfiguredAirbyteCatalog, state?: unknown): Promise<ConnectorRun>;
}

export function defineFaultTests(cfg: AcceptanceConfig, suite: SuiteContext): void {
  const faults = cfg.faults ?? [];
  // Each fault is played against every stream on its own (a single-stream read), so every
  // stream's requests meet it, not only the first stream's: once early (after the first request
  // or two, or from the first request when a small stream never gets that far) and once late, at
  // 60% of the stream's requests to the faulted server, past its first pages and checkpoints.
  // Every stream that talks to the faulted server (the replay server for HTTP faults, S3 for S3
  // faults) must meet the fault at both places; a stream on the other transport cannot.
  const s3Fault = (f: string): boolean => f === 'SlowDown' || f === 'InternalError' || f === 's3drop';
  const cleanByStream = new Map<string, { run: ConnectorRun; http: number; s3: { method: string }[] }>();
  type Fault = NonNullable<AcceptanceConfig['faults']>[number];
  /** `at` = requests let through first; undefined = the fault's own early default. */
  const addFault = (f: Fault, at: number | undefined): void => {
    const after = (n: number): number => at ?? n;
    if (s3Fault(String(f)))
      suite.env().s3?.addFault({
        kind: f === 's3drop' ? 'drop' : (f as 'SlowDown' | 'InternalError'),
        times: 2,
        after: after(0),
      });
    else if (f === 'drop') suite.env().replay.addFault({ drop: true, times: 1, after: after(1) });
    else if (f === 'truncate') suite.env().replay.addFault({ truncate: 0.6, times: 1, after: after(1) });
    // one slow answer and one Retry-After per play: the waits are what they test, twice proves no more
    else if (f === 'slow') suite.env().replay.addFault({ delayMs: 1500, times: 1, after: after(1) });
    else if (String(f) === '429')
      suite.env().replay.addFault({ status: 429, retryAfter: 1, times: 1, after: after(1) });
    // a 429 without Retry-After: the connector's own backoff (or the service's rate headers) decides
    else if (f === '429bare') suite.env().replay.addFault({ status: 429, times: 2, after: after(1) });
    else suite.env().replay.addFault({ status: Number(f), times: 3, after: after(2) });
  };
  const firedSoFar = (): number => suite.env().replay.faultsFired() + (suite.env().s3?.faultsFired() ?? 0);
  const cleanRead = async (stream: string, one: unknown) => {
    const cached = cleanByStream.get(stream);
    if (cached) return cached;
    const [h0, s0] = [suite.env().replay.requests().length, suite.env().s3?.requests.length ?? 0];
    const run = await suite.read(one as ConfiguredAirbyteCatalog);
    const clean = {
      run,
      http: suite.env().replay.requests().length - h0,
      s3: suite.env().s3?.requests.slice(s0) ?? [],
    };
    cleanByStream.set(stream, clean);
    return clean;
  };
  for (const f of faults) {
    it(`fault ${f}, on every stream, early and late: the same records as a clean read`, async () => {
      const reached: string[] = [];
      for (const s of suite.catalog().streams) {
        const one = catalogFor(suite.catalog(), { streams: [s.name], mode: 'full_refresh' });
        const clean = await cleanRead(s.name, one);
        // the requests this fault can land on, as the clean read made them
        const eligible = s3Fault(String(f))
          ? clean.s3.filter((r) => f !== 's3drop' || r.method === 'GET').length
          : clean.http;
        const play = async (at: number | undefined): Promise<boolean> => {
          const before = firedSoFar();
          addFault(f, at);
          const faulty = await suite.read(one);
          // a fault left over (the stream made fewer requests than it skips) must not reach the next read
          suite.env().replay.clearFaults();
          suite.env().s3?.clearFaults();
          check.readIsSound(faulty, suite.catalog(), one);
          check.sameRecords(clean.run, faulty, suite.catalog(), cfg.volatile_fields);
          return firedSoFar() > before;
        };
        if (eligible === 0) {
          await play(undefined);
          continue;
        }
        const early = (await play(undefined)) || (await play(0));
        expect(
          early,
          `fault ${f} never reached stream ${s.name}, which makes ${eligible} requests to the faulted server`,
        ).toBe(true);
        reached.push(s.name);
        if (eligible >= 4) {
          const at = Math.floor(eligible * 0.6);
          expect(await play(at), `fault ${f} placed after request ${at} of ${s.name}'s ${eligible} never fired`).toBe(
            true,
          );
        }
      }
      expect(reached.length, `fault ${f} reached no stream: it tests nothing here`).toBeGreaterThan(0);
    });
  }

  // Retries running out, on each transport the connector's faults cover: the fault starts half-way
  // through a clean read's requests on that transport and never stops.
  const transports = [
    ...(faults.some((f) => !s3Fault(String(f))) ? (['http'] as const) : []),
    ...(faults.some((f) => s3Fault(String(f))) ? (['s3'] as const) : []),
  ];
  for (const transport of transports) {
    it(`faults (${transport}): when retries run out, a transient_error names each failed stream, and a rerun from the last STATEs completes the set`, async () => {
      const configured = catalogFor(suite.catalog(), { mode: 'incremental' });
      const requestsOn = (): number =>
        transport === 'http' ? suite.env().replay.requests().length : (suite.env().s3?.requests.length ?? 0);
      const r0 = requestsOn();
      const clean = await suite.read(configured);
      const half = Math.floor((requestsOn() - r0) / 2);
      if (transport === 's3') suite.env().s3?.addFault({ kind: 'InternalError', times: 10_000, after: half });
      else suite.env().replay.addFault({ status: 503, times: 10_000, after: half });
      const broken = await suite.read(configured);
      suite.env().replay.clearFaults();
      suite.env().s3?.clearFaults();
      expect(broken.code, 'the read should fail once retries run out').toBe(1);
      const errors = check
        .of(broken, 'TRACE')
        .filter((m) => m.trace.type === 'ERROR')
        .map((m) => m.trace.error!);
      const streamErrors = errors.filter((e) => e.stream_descriptor);
      expect(streamErrors.length, 'no TRACE ERROR names a stream').toBeGreaterThan(0);
      for (const e of streamErrors) {
        expect(e.failure_type, e.message).toBe('transient_error');
        expect(e.message).toContain(e.stream_descriptor!.name);
      }
      const last = new Map<string, unknown>();
      for (const m of check.of(broken, 'STATE')) last.set(m.state.stream!.stream_descriptor.name, m.state);
      expect(
        last.size,
        'the failed read checkpointed nothing before the fault: the rerun would prove nothing',
      ).toBeGreaterThan(0);
      const rerun = await suite.read(configured, [...last.values()]);
      check.readIsSound(rerun, suite.catalog(), configured);
      const got = new Set([
        ...check.recordsByKey(broken, suite.catalog()).keys(),
        ...check.recordsByKey(rerun, suite.catalog()).keys(),
      ]);
      const missing = [...check.recordsByKey(clean, suite.catalog()).keys()].filter((k) => !got.has(k));
      expect(missing, 'records lost between the failed read and its rerun').toEqual([]);
    });
  }
}
