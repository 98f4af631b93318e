// Fuzzing the inputs of every connector (issue 10): configs, catalogs and states. Every case must end
// either with exit 1 and exactly one TRACE ERROR of type config_error that names what is wrong, or
// with a normal run; never a stack trace on stdout, never a line that is not a protocol message,
// never a hang. States are also tried the way a resumed sync meets them: an incremental catalog, and
// states made from a clean incremental read's final STATEs (future cursor, another stream's state,
// wrong cursor types, a stream listed twice).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalogFor, runConnector, validateMessage, type ConnectorRun } from '../../base/src/testing/index.js';
import type { AirbyteCatalog, AirbyteMessage, ConfiguredAirbyteCatalog } from '../../base/src/protocol.js';
import { checks } from '../../acceptance-tests/src/index.js';
import { secretPaths, valuesAt } from '../../base/src/secrets.js';
import { targets, type Fixtures } from './targets.js';
import {
  applyMutation,
  catalogBreakages,
  configMutation,
  fieldPaths,
  incrementalStateCases,
  stateBreakages,
  type IncrementalStateCase,
  type StreamState,
} from './mutations.js';

const dir = mkdtempSync(join(tmpdir(), 'fuzz-'));
let n = 0;
const file = (text: string): string => {
  const f = join(dir, `f${n++}.json`);
  writeFileSync(f, text);
  return f;
};
const run = (main: string, args: string[]): Promise<ConnectorRun> =>
  // pacing off: the fuzz is about inputs, not the vendors' quotas (pacing has its own tests)
  runConnector(main, args, { timeoutMs: 30_000, env: { CONKIT_RETRY_BASE_MS: '5', CONKIT_PACING: 'off' } });

/** The secret values of a config and the forms they take on the wire. */
function secretForms(spec: Record<string, unknown>, config: unknown): string[] {
  return valuesAt(config, secretPaths(spec))
    .filter((v): v is string => typeof v === 'string' && v.length >= 3)
    .flatMap((v) => [v, encodeURIComponent(v), Buffer.from(v).toString('base64')]);
}
let secrets: string[] = [];

function assertProtocolOnly(r: ConnectorRun): void {
  for (const s of secrets) {
    expect(r.stdout).not.toContain(s);
    expect(r.stderr).not.toContain(s);
  }
  for (const m of r.messages) {
    expect('unparsed' in m ? ['not JSON'] : validateMessage(m)).toEqual([]);
  }
}

function errorsOf(r: ConnectorRun) {
  return r.messages.flatMap((m) =>
    'type' in m && m.type === 'TRACE' && m.trace.type === 'ERROR' ? [m.trace.error!] : [],
  );
}

const messagesOf = <T extends AirbyteMessage['type']>(r: ConnectorRun, type: T) => checks.of(r, type);
const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** A message that names the stream and one of the fields, in any order. */
const namesStreamAndField = (stream: string, fields: string[]): RegExp =>
  new RegExp(`^(?=[\\s\\S]*\\b${escape(stream)}\\b)(?=[\\s\\S]*(${fields.map(escape).join('|')}))`);

function catalogOf(r: ConnectorRun): AirbyteCatalog {
  return (r.messages.find((m) => 'type' in m && m.type === 'CATALOG') as { catalog: AirbyteCatalog }).catalog;
}
const incrementalStreams = (catalog: AirbyteCatalog): string[] =>
  catalog.streams.filter((s) => s.supported_sync_modes.includes('incremental')).map((s) => s.name);

/**
 * A read that went normally: exit 0, the acceptance suite's sound read (valid records, statuses
 * STARTED -> RUNNING -> COMPLETE, state counts), no TRACE ERROR, a per-stream STATE for every selected
 * stream.
 */
function assertNormalRead(r: ConnectorRun, catalog: AirbyteCatalog, configured: ConfiguredAirbyteCatalog): void {
  expect(r.code).toBe(0);
  assertProtocolOnly(r);
  expect(errorsOf(r)).toEqual([]);
  checks.readIsSound(r, catalog, configured);
  const stated = new Set(messagesOf(r, 'STATE').map((m) => m.state.stream?.stream_descriptor.name));
  for (const s of configured.streams)
    expect(stated.has(s.stream.name), `no STATE for stream '${s.stream.name}'`).toBe(true);
}

/** Neither a stack trace nor an error's internals on stdout, whatever the outcome. */
function assertNoStackTrace(r: ConnectorRun): void {
  expect(r.stdout).not.toMatch(/\\n\s+at \S+.*:\d+:\d+/);
  for (const e of errorsOf(r)) expect(e.stack_trace).toBeUndefined();
}

const warningsOf = (r: ConnectorRun): string[] =>
  messagesOf(r, 'LOG')
    .filter((m) => m.log.level === 'WARN')
    .map((m) => m.log.message);

/** One line saying what the connector did with a case: the evidence when it fails. */
function observed(r: ConnectorRun, stream: string): string {
  const records = messagesOf(r, 'RECORD').filter((m) => m.record.stream === stream).length;
  const states = messagesOf(r, 'STATE').filter((m) => m.state.stream?.stream_descriptor.name === stream);
  const last = states.at(-1)?.state.stream?.stream_state;
  const errors = errorsOf(r).map((e) => `${e.failure_type}: ${e.message}${e.stack_trace ? ' [stack_trace]' : ''}`);
  const unparsed = r.messages.filter((m) => 'unparsed' in m).length;
  return `exit ${r.code}; ${records} ${stream} records; ${states.length} STATEs, last ${JSON.stringify(last)}; WARN ${JSON.stringify(warningsOf(r))}; ERROR ${JSON.stringify(errors)}${unparsed ? `; ${unparsed} non-JSON lines` : ''}`;
}

function assertConfigErrorOrNormal(r: ConnectorRun, normal: (r: ConnectorRun) => void, names: RegExp): void {
  assertProtocolOnly(r);
  if (r.code === 0) return normal(r);
  expect(r.code).toBe(1);
  const errors = errorsOf(r);
  expect(errors).toHaveLength(1);
  expect(errors[0].failure_type).toBe('config_error');
  expect(errors[0].message).toMatch(names);
  expect(errors[0].stack_trace).toBeUndefined();
}

for (const target of targets()) {
  describe(`fuzz ${target.name}`, () => {
    it('configs: wrong types, missing fields, empty, huge, bad dates, bad URLs', async () => {
      const spec = (await run(target.main, ['spec'])).messages.find((m) => 'type' in m && m.type === 'SPEC') as {
        spec: { connectionSpecification: Record<string, unknown> };
      };
      const paths = fieldPaths(spec.spec.connectionSpecification);
      secrets = secretForms(spec.spec.connectionSpecification, target.config);
      expect(secrets.length).toBeGreaterThan(0);
      await fc.assert(
        fc.asyncProperty(configMutation(paths), async (m) => {
          const config = file(JSON.stringify(applyMutation(target.config, m)));
          const r = await run(target.main, ['discover', '--config', config]);
          // the message names the field by its whole path (a nested field as 'parent.field', not a
          // namesake elsewhere), or a field inside it ('export.bucket' when 'export' is an empty object)
          const field = m.path.map(escape).join('\\.');
          assertConfigErrorOrNormal(
            r,
            (ok) => expect(ok.messages.filter((x) => 'type' in x && x.type === 'CATALOG')).toHaveLength(1),
            new RegExp(`(^|[^\\w.])${field}(?!\\w)`),
          );
        }),
        { numRuns: Number(process.env.FUZZ_RUNS ?? 20), seed: 20261124 },
      );
    });

    it('catalogs: unknown stream, unknown sync mode, bad JSON, wrong shape', async () => {
      const config = file(JSON.stringify(target.config));
      const discovered = await run(target.main, ['discover', '--config', config]);
      const stream = (
        discovered.messages.find((m) => 'type' in m && m.type === 'CATALOG') as {
          catalog: { streams: { name: string }[] };
        }
      ).catalog.streams[0].name;
      for (const b of catalogBreakages) {
        const r = await run(target.main, ['read', '--config', config, '--catalog', file(b.text(stream))]);
        assertConfigErrorOrNormal(r, () => expect.fail(`${b.name}: exit 0`), b.expect);
      }
    });

    it('states: bad JSON, wrong shapes (incremental catalog)', async () => {
      const config = file(JSON.stringify(target.config));
      const discovered = catalogOf(await run(target.main, ['discover', '--config', config]));
      const inc = incrementalStreams(discovered);
      expect(inc.length, 'no stream supports incremental: the states would never be read').toBeGreaterThan(0);
      const catalog = file(JSON.stringify(catalogFor(discovered, { mode: 'incremental', streams: inc })));
      for (const b of stateBreakages) {
        const r = await run(target.main, [
          'read',
          '--config',
          config,
          '--catalog',
          catalog,
          '--state',
          file(b.text(inc[0])),
        ]);
        assertConfigErrorOrNormal(r, () => expect.fail(`${b.name}: exit 0`), b.expect);
      }
    });

    // Against the connector's fixtures: a clean incremental read gives each stream's real final state,
    // and every case is made from those (see incrementalStateCases).
    describe('incremental states', () => {
      let fx: Fixtures;
      let config: string;
      let catalog: AirbyteCatalog;
      let configured: ConfiguredAirbyteCatalog;
      let catalogFile: string;
      let cases: IncrementalStateCase[] = [];
      const finals = new Map<string, StreamState>();

      beforeAll(async () => {
        fx = await target.fixtures();
        config = file(JSON.stringify(fx.config));
        const spec = (await run(target.main, ['spec'])).messages.find((m) => 'type' in m && m.type === 'SPEC') as {
          spec: { connectionSpecification: Record<string, unknown> };
        };
        secrets = secretForms(spec.spec.connectionSpecification, fx.config);
        catalog = catalogOf(await run(target.main, ['discover', '--config', config]));
        configured = catalogFor(catalog, { mode: 'incremental', streams: incrementalStreams(catalog) });
        catalogFile = file(JSON.stringify(configured));
        const clean = await run(target.main, ['read', '--config', config, '--catalog', catalogFile]);
        expect(fx.unmatched(), 'the clean read asked for something no fixture answers').toEqual([]);
        assertNormalRead(clean, catalog, configured);
        for (const m of messagesOf(clean, 'STATE'))
          finals.set(m.state.stream!.stream_descriptor.name, m.state.stream!.stream_state as StreamState);
        cases = incrementalStateCases(
          finals,
          new Map(catalog.streams.map((s) => [s.name, s.default_cursor_field?.[0]])),
        );
      }, 300_000);
      afterAll(async () => {
        await fx?.close();
      });

      /**
       * Every case of a kind, every stream: exit 1 with exactly one config_error naming the stream and
       * the field, or exit 0 with a normal read (and what the kind asks of it). Failures are gathered so
       * one report shows what the connector did with every stream.
       */
      const play = async (
        kind: IncrementalStateCase['kind'],
        normal: (r: ConnectorRun, c: IncrementalStateCase) => void,
      ): Promise<void> => {
        const mine = cases.filter((c) => c.kind === kind);
        expect(mine.length, `no ${kind} case: the clean read gave no state`).toBeGreaterThan(0);
        const problems: string[] = [];
        for (const c of mine) {
          const before = fx.unmatched().length;
          let what = `${target.name} ${c.stream}, ${c.name}`;
          try {
            // a hang ends in run()'s timeout, reported here with the other cases
            const r = await run(target.main, [
              'read',
              '--config',
              config,
              '--catalog',
              catalogFile,
              '--state',
              file(JSON.stringify(c.state)),
            ]);
            what = `${what}: ${observed(r, c.stream)}`;
            console.info(what);
            assertNoStackTrace(r);
            assertConfigErrorOrNormal(r, (ok) => normal(ok, c), namesStreamAndField(c.stream, c.fields));
          } catch (e) {
            const unmatched = fx.unmatched().slice(before);
            problems.push(
              `${what}\n    -> ${(e as Error).message.split('\n')[0]}${unmatched.length ? `\n    (requests no fixture answers: ${unmatched.slice(0, 3).join(' | ')})` : ''}`,
            );
          }
        }
        expect(problems, problems.join('\n')).toEqual([]);
      };
      /** A state the connector cannot use as it is must not be ignored in silence. */
      const warnedIfUnusable = (r: ConnectorRun, c: IncrementalStateCase): void => {
        if (!c.mustWarn) return;
        const named = warningsOf(r).filter((w) => new RegExp(`\\b${escape(c.stream)}\\b`).test(w));
        expect(
          named,
          `exit 0 with ${c.name} for '${c.stream}' and no LOG WARN naming the stream: the state was used or dropped in silence`,
        ).not.toEqual([]);
      };

      it('a cursor in the future: no records for that stream, its STATE still printed', async () => {
        await play('future', (r, c) => {
          assertNormalRead(r, catalog, configured);
          expect(
            messagesOf(r, 'RECORD').filter((m) => m.record.stream === c.stream).length,
            `records read for '${c.stream}' from a future cursor`,
          ).toBe(0);
        });
      }, 600_000);

      it("another stream's state: a config_error, or a WARN when it cannot be this stream's", async () => {
        await play('foreign', (r, c) => {
          assertNormalRead(r, catalog, configured);
          warnedIfUnusable(r, c);
        });
      }, 600_000);

      it("a cursor of the wrong type (number, object, 'yesterday'): a config_error, or a WARN and a normal read", async () => {
        await play('wrongType', (r, c) => {
          assertNormalRead(r, catalog, configured);
          warnedIfUnusable(r, c);
        });
      }, 600_000);

      it('two entries for the same stream: a config_error, or a normal read', async () => {
        await play('duplicate', (r) => assertNormalRead(r, catalog, configured));
      }, 600_000);
    });
  });
}
