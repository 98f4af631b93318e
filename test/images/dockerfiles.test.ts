// Every connector's Dockerfile is the one template with the connector's name (scripts/dockerfiles.mjs),
// on the Node 24 LTS image: an edit by hand to one of them, or a connector without one, fails here.
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));

describe('connector Dockerfiles', () => {
  it('are exactly what the shared template makes', () => {
    const r = spawnSync(process.execPath, [join(root, 'scripts', 'dockerfiles.mjs'), '--check'], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });
  it('build and run on node:24-bookworm-slim', () => {
    for (const name of readdirSync(join(root, 'connectors'))) {
      const text = readFileSync(join(root, 'connectors', name, 'Dockerfile'), 'utf8');
      expect(text).toMatch(/^FROM node:24-bookworm-slim AS build$/m);
      expect(text).toMatch(/^ARG BASE_IMAGE=node:24-bookworm-slim$/m);
      expect(text).toContain(`io.airbyte.name="conkit/${name}"`);
    }
  });
});
