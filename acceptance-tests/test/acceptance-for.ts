// The acceptance suite of one connector, from its acceptance-tests/<connector>.yaml. Each connector has
// its own one-line test file (source-*.test.ts) so that vitest runs the connectors' suites side by side
// in separate workers; harness.test.ts fails when a config has no such file.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'vitest';
import { loadAcceptanceConfigs, connectorDir } from '../src/suite/config.js';
import { defineAcceptance } from '../src/suite/define.js';

export function acceptanceFor(connector: string): void {
  const cfg = loadAcceptanceConfigs().find((c) => c.connector === connector);
  if (!cfg) {
    describe(`acceptance: ${connector}`, () =>
      it('has an acceptance config', () => {
        throw new Error(`acceptance-tests/${connector}.yaml is missing`);
      }));
    return;
  }
  if (existsSync(join(connectorDir(connector), 'dist', 'main.js'))) defineAcceptance(cfg);
  else
    describe(`acceptance: ${connector}`, () =>
      it(`is built (connectors/${connector}/dist/main.js missing)`, () => {
        throw new Error('not built');
      }));
}
