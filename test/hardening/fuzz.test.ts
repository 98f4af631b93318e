// Fuzzing the inputs of every connector (issue 10): configs, catalogs and states. Every case must end
// either with exit 1 and exactly one TRACE ERROR of type config_error that names what is wrong, or
// with a normal run; never a stack trace on stdout, never a line that is not a protocol message,
// never a hang.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runConnector, validateMessage, type ConnectorRun } from '../../base/src/testing/index.js';
import { secretPaths, valuesAt } from '../../base/src/secrets.js';
import { targets } from './targets.js';
import { applyMutation, catalogBreakages, configMutation, fieldPaths, stateBreakages } from './mutations.js';

const dir = mkdtempSync(join(tmpdir(), 'fuzz-'));
let n = 0;
const file = (text: string): string => {
  const f = join(dir, `f${n++}.json`);
  writeFileSync(f, text);
  return f;
};
const run = (main: string, args: string[]): Promise<ConnectorRun> =>
  runConnector(main, args, { timeoutMs: 30_000, env: { CONKIT_RETRY_BASE_MS: '5' } });

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
  return r.messages.flatMap((m) => ('type' in m && m.type === 'TRACE' && m.trace.type === 'ERROR' ? [m.trace.error!] : []));
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
      const spec = (await run(target.main, ['spec'])).messages.find((m) => 'type' in m && m.type === 'SPEC') as { spec: { connectionSpecification: Record<string, unknown> } };
      const paths = fieldPaths(spec.spec.connectionSpecification);
      secrets = secretForms(spec.spec.connectionSpecification, target.config);
      expect(secrets.length).toBeGreaterThan(0);
      await fc.assert(
        fc.asyncProperty(configMutation(paths), async (m) => {
          const config = file(JSON.stringify(applyMutation(target.config, m)));
          const r = await run(target.main, ['discover', '--config', config]);
          const leaf = m.path[m.path.length - 1];
          assertConfigErrorOrNormal(r, (ok) => expect(ok.messages.filter((x) => 'type' in x && x.type === 'CATALOG')).toHaveLength(1), new RegExp(`'(\\w+\\.)*${leaf}'|${leaf}`));
        }),
        { numRuns: Number(process.env.FUZZ_RUNS ?? 10), seed: 20261124 },
      );
    });

    it('catalogs: unknown stream, unknown sync mode, bad JSON, wrong shape', async () => {
      const config = file(JSON.stringify(target.config));
      const discovered = await run(target.main, ['discover', '--config', config]);
      const stream = (discovered.messages.find((m) => 'type' in m && m.type === 'CATALOG') as { catalog: { streams: { name: string }[] } }).catalog.streams[0].name;
      for (const b of catalogBreakages) {
        const r = await run(target.main, ['read', '--config', config, '--catalog', file(b.text(stream))]);
        assertConfigErrorOrNormal(r, () => expect.fail(`${b.name}: exit 0`), b.expect);
      }
    });

    it('states: bad JSON, wrong shapes', async () => {
      const config = file(JSON.stringify(target.config));
      const discovered = await run(target.main, ['discover', '--config', config]);
      const s = (discovered.messages.find((m) => 'type' in m && m.type === 'CATALOG') as { catalog: { streams: { name: string; supported_sync_modes: string[] }[] } }).catalog.streams[0];
      const catalog = file(JSON.stringify({ streams: [{ stream: s, sync_mode: 'full_refresh', destination_sync_mode: 'append' }] }));
      for (const b of stateBreakages) {
        const r = await run(target.main, ['read', '--config', config, '--catalog', catalog, '--state', file(b.text(s.name))]);
        assertConfigErrorOrNormal(r, () => expect.fail(`${b.name}: exit 0`), b.expect);
      }
    });
  });
}
