#!/usr/bin/env node
// A deliberately broken connector for the harness's own tests. BROKEN picks the fault:
// schema (a record breaks its schema), state (a state goes backwards), secret (the password leaks
// into a log), status (no stream status traces), none (a correct read).
import { readFileSync } from 'node:fs';

const broken = process.env.BROKEN ?? 'none';
const out = (m) => process.stdout.write(JSON.stringify(m) + '\n');
const now = Date.now();
const schema = { type: 'object', properties: { id: { type: 'integer' }, at: { type: 'string', format: 'date-time' } } };
const stream = {
  name: 'items',
  json_schema: schema,
  supported_sync_modes: ['full_refresh', 'incremental'],
  source_defined_cursor: true,
  default_cursor_field: ['at'],
  source_defined_primary_key: [['id']],
};
const [cmd, , file] = process.argv.slice(2);
const status = (s) =>
  broken !== 'status' &&
  out({
    type: 'TRACE',
    trace: {
      type: 'STREAM_STATUS',
      emitted_at: now,
      stream_status: { stream_descriptor: { name: 'items' }, status: s },
    },
  });
const state = (at, n) =>
  out({
    type: 'STATE',
    state: {
      type: 'STREAM',
      stream: { stream_descriptor: { name: 'items' }, stream_state: { at } },
      sourceStats: { recordCount: n },
    },
  });
if (cmd === 'spec')
  out({
    type: 'SPEC',
    spec: {
      connectionSpecification: {
        type: 'object',
        properties: { password: { type: 'string', title: 'Password', description: 'p', airbyte_secret: true } },
      },
    },
  });
if (cmd === 'discover') out({ type: 'CATALOG', catalog: { streams: [stream] } });
if (cmd === 'read') {
  const config = JSON.parse(readFileSync(file, 'utf8'));
  if (broken === 'secret') out({ type: 'LOG', log: { level: 'DEBUG', message: `logging in with ${config.password}` } });
  status('STARTED');
  status('RUNNING');
  out({ type: 'RECORD', record: { stream: 'items', data: { id: 1, at: '2024-01-02T00:00:00Z' }, emitted_at: now } });
  out({
    type: 'RECORD',
    record: {
      stream: 'items',
      data: { id: broken === 'schema' ? 'two' : 2, at: '2024-01-03T00:00:00Z' },
      emitted_at: now,
    },
  });
  state('2024-01-03T00:00:00Z', 2);
  out({ type: 'RECORD', record: { stream: 'items', data: { id: 3, at: '2024-01-04T00:00:00Z' }, emitted_at: now } });
  state(broken === 'state' ? '2024-01-01T00:00:00Z' : '2024-01-04T00:00:00Z', 1);
  status('COMPLETE');
}
