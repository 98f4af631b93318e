// Progress lines count what was really read, never report a stream on its first record alone, and
// come at most once per interval.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Progress } from '../src/progress.js';

afterEach(() => vi.restoreAllMocks());

describe('Progress', () => {
  it('prints nothing for a first record, then the real count, at most once per interval', async () => {
    const lines: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation(
      (chunk: string | Uint8Array) => (lines.push(String(chunk)), true),
    );
    const p = new Progress('source-x', false, 200);
    p.record('responses');
    expect(lines).toEqual([]);
    await new Promise((r) => setTimeout(r, 250));
    for (let i = 0; i < 1699; i++) p.record('responses');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^\[source-x\] responses: 2 records, 0\.\d s\n$/);
    await new Promise((r) => setTimeout(r, 250));
    p.record('responses');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(/^\[source-x\] responses: 1,701 records, 0\.\d s\n$/);
    p.saved('responses');
    expect(p.summary()).toMatch(/responses\s+1,701\s/);
  });
});
