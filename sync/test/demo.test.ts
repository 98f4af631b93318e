// `npm run sync` as a user types it: the demo lands every connector, prints no npm warning, and no
// warning twice (the AWS SDK's Node-version notice comes from the runner and from two connectors).
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));

describe('npm run sync (the demo)', () => {
  it('lands every connector with no npm warning and no repeated warning', async () => {
    const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>(
      (resolve) => {
        const p = spawn('npm', ['run', 'sync'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
        let [stdout, stderr] = ['', ''];
        p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
        p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        p.on('close', (c) => resolve({ code: c, stdout, stderr }));
      },
    );
    expect(code, stderr.slice(-2000)).toBe(0);
    expect(`${stdout}\n${stderr}`).not.toMatch(/npm warn/i);
    const warnings = stderr.split('\n').filter((l) => /warn/i.test(l));
    expect(warnings.length).toBeGreaterThan(0); // the fixtures' own rejected rows are reported
    expect(new Set(warnings).size).toBe(warnings.length);
    expect(stderr.match(/NodeVersionSupportWarning/g)?.length ?? 0).toBeLessThanOrEqual(1);
    for (const t of ['wootric_responses', 'listrak_message_sends', 'ometria_profiles', 'conversions_s3_conversions'])
      expect(stdout).toContain(t);
    expect(stdout).toMatch(/npm run sync -- --db out\/demo\.duckdb --query/);
  }, 180_000);
});
