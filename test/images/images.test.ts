// Builds every connector image and runs `spec` and a fixture `read` in it, with podman or docker,
// whichever has a working engine. Without one the tests are skipped, saying so.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadAcceptanceConfigs, startEnvironment } from '../../acceptance-tests/src/index.js';
import { catalogFor, runConnector, validateMessage } from '../../base/src/testing/index.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const engine = ['podman', 'docker'].find(
  (e) => spawnSync(e, ['info'], { stdio: 'ignore', timeout: 20_000 }).status === 0,
);
const configs = loadAcceptanceConfigs();

if (!engine) {
  console.warn(
    '[images] SKIPPED: neither podman nor docker has a working engine on this machine; image tests did not run.',
  );
  describe('images', () => it.skip('SKIPPED: no podman or docker engine on this machine', () => undefined));
} else {
  describe.each(configs.map((c) => [c.connector, c] as const))('image %s:dev', (name, cfg) => {
    const tag = `${name}:dev`;
    it(`builds from connectors/${name}/Dockerfile and answers spec`, () => {
      const build = spawnSync(
        engine,
        ['build', '--network', 'host', '-f', `connectors/${name}/Dockerfile`, '-t', tag, '.'],
        { cwd: root, encoding: 'utf8', timeout: 900_000 },
      );
      expect(build.status, build.stderr.slice(-2000)).toBe(0);
      const spec = spawnSync(engine, ['run', '--rm', tag, 'spec'], { encoding: 'utf8', timeout: 120_000 });
      expect(spec.status, spec.stderr).toBe(0);
      const msg = JSON.parse(spec.stdout.trim().split('\n')[0]);
      expect(validateMessage(msg)).toEqual([]);
      expect(msg.type).toBe('SPEC');
      const labels = spawnSync(engine, ['image', 'inspect', tag, '--format', '{{json .Config.Labels}}'], {
        encoding: 'utf8',
      });
      expect(JSON.parse(labels.stdout)).toMatchObject({
        'io.airbyte.name': `conkit/${name}`,
        'io.airbyte.version': '0.1.0',
      });
    }, 900_000);

    it('reads its fixtures inside the container', async () => {
      const env = await startEnvironment(name);
      try {
        const dir = mkdtempSync(join(tmpdir(), 'image-'));
        chmodSync(dir, 0o755); // the image runs as the unprivileged node user
        writeFileSync(join(dir, 'config.json'), JSON.stringify(env.fill(cfg.config)), { mode: 0o644 });
        const command = [engine, 'run', '--rm', '--network', 'host', '-v', `${dir}:/secrets:ro`, tag];
        const discover = await runConnector('', ['discover', '--config', '/secrets/config.json'], {
          command,
          timeoutMs: 120_000,
        });
        const catalog = (
          discover.messages.find((m) => 'type' in m && m.type === 'CATALOG') as {
            catalog: Parameters<typeof catalogFor>[0];
          }
        ).catalog;
        writeFileSync(
          join(dir, 'catalog.json'),
          JSON.stringify(catalogFor(catalog, { mode: 'full_refresh', streams: [catalog.streams[0].name] })),
          { mode: 0o644 },
        );
        const read = await runConnector(
          '',
          ['read', '--config', '/secrets/config.json', '--catalog', '/secrets/catalog.json'],
          { command, timeoutMs: 180_000 },
        );
        expect(read.code, read.stderr.slice(-1000)).toBe(0);
        expect(read.messages.filter((m) => 'type' in m && m.type === 'RECORD').length).toBeGreaterThan(0);
        for (const m of read.messages) expect('unparsed' in m ? ['not JSON'] : validateMessage(m)).toEqual([]);
      } finally {
        await env.close();
      }
    }, 300_000);

    it('runs as a Singer tap inside the container (docker run <image> singer ...)', async () => {
      const env = await startEnvironment(name);
      try {
        const dir = mkdtempSync(join(tmpdir(), 'image-singer-'));
        chmodSync(dir, 0o755);
        writeFileSync(join(dir, 'config.json'), JSON.stringify(env.fill(cfg.config)), { mode: 0o644 });
        const command = [engine, 'run', '--rm', '--network', 'host', '-v', `${dir}:/secrets:ro`, tag, 'singer'];
        const about = await runConnector('', ['--about', '--format=json'], { command, timeoutMs: 120_000 });
        expect(JSON.parse(about.stdout)).toMatchObject({ name: name.replace(/^source-/, 'tap-') });
        const discover = await runConnector('', ['--config', '/secrets/config.json', '--discover'], {
          command,
          timeoutMs: 120_000,
        });
        expect(discover.code, discover.stderr.slice(-1000)).toBe(0);
        const singer = JSON.parse(discover.stdout) as {
          streams: { metadata: { breadcrumb: string[]; metadata: Record<string, unknown> }[] }[];
        };
        singer.streams[0].metadata[0].metadata.selected = true;
        writeFileSync(join(dir, 'singer.json'), JSON.stringify(singer), { mode: 0o644 });
        const sync = await runConnector('', ['--config', '/secrets/config.json', '--catalog', '/secrets/singer.json'], {
          command,
          timeoutMs: 180_000,
        });
        expect(sync.code, sync.stderr.slice(-1000)).toBe(0);
        const types = sync.stdout
          .trim()
          .split('\n')
          .map((l) => (JSON.parse(l) as { type: string }).type);
        expect(types[0]).toBe('SCHEMA');
        expect(types).toContain('RECORD');
        expect(types.at(-1)).toBe('STATE');
      } finally {
        await env.close();
      }
    }, 300_000);
  });
}
