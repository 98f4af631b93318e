// The acceptance suite for every connector that has an acceptance-tests/<connector>.yaml.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'vitest';
import { loadAcceptanceConfigs, connectorDir } from '../src/suite/config.js';
import { defineAcceptance } from '../src/suite/define.js';

const configs = loadAcceptanceConfigs();
for (const cfg of configs) {
  if (existsSync(join(connectorDir(cfg.connector), 'dist', 'main.js'))) defineAcceptance(cfg);
  else describe(`acceptance: ${cfg.connector}`, () => it(`is built (connectors/${cfg.connector}/dist/main.js missing)`, () => { throw new Error('not built'); }));
}
if (configs.length === 0) describe('acceptance', () => it.skip('no connector has an acceptance config yet', () => undefined));
