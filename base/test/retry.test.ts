// The one retry loop HTTP and SOAP share (retry.ts): attempts counted, free attempts, the short probe
// of an unreachable host, the server's own wait, the total-wait cap, and errors passed through.
import { describe, expect, it } from 'vitest';
import { retrying, type Outcome } from '../src/retry.js';
import { configError, systemError } from '../src/errors.js';
import type { Logger } from '../src/log.js';

const quiet = (): Logger & { lines: string[] } => {
  const lines: string[] = [];
  return {
    lines,
    debug: () => {},
    info: (m) => void lines.push(`INFO ${m}`),
    warn: (m) => void lines.push(`WARN ${m}`),
    error: () => {},
  };
};
const policy = { retries: 3, baseMs: 1, maxMs: 5 };

describe('retrying', () => {
  it('returns the first done outcome and counts only the attempts that failed', async () => {
    let calls = 0;
    const log = quiet();
    const v = await retrying<string>(
      async () => (++calls < 3 ? { retry: 'GET /x answered HTTP 503' } : { done: 'ok' }),
      { ...policy, log },
    );
    expect(v).toBe('ok');
    expect(calls).toBe(3);
    expect(log.lines.map((l) => l.replace(/[\d.]+ s/, 'N s'))).toEqual([
      'WARN GET /x answered HTTP 503; retrying in N s (attempt 2 of 4)',
      'WARN GET /x answered HTTP 503; retrying in N s (attempt 3 of 4)',
    ]);
  });

  it('gives up after retries + 1 attempts with a transient_error naming the problem', async () => {
    let calls = 0;
    const run = retrying(async () => (calls++, { retry: 'GET /x answered HTTP 503' }), policy);
    await expect(run).rejects.toMatchObject({
      failureType: 'transient_error',
      message:
        'GET /x answered HTTP 503; gave up after 4 attempts. The service may be down or rate limiting; run the sync again later.',
    });
    expect(calls).toBe(4);
  });

  it('does not count a free attempt (a renewed credential), but only once per outcome', async () => {
    let calls = 0;
    const outcomes: Outcome<number>[] = [
      { retry: '401', free: true },
      { retry: '503' },
      { retry: '401', free: true },
      { done: 7 },
    ];
    expect(await retrying(async () => outcomes[calls++], { ...policy, retries: 1 })).toBe(7);
    expect(calls).toBe(4);
  });

  it('probes an unreachable host briefly (3 attempts), at INFO, then throws the policy error', async () => {
    let calls = 0;
    const log = quiet();
    const run = retrying(
      async () => (calls++, { retry: 'GET /x failed: connection refused', unreachable: 'ECONNREFUSED' }),
      {
        ...policy,
        retries: 5,
        log,
        unreachable: (code, n) => configError(`nothing at the host (${code}), ${n} attempts`),
      },
    );
    await expect(run).rejects.toMatchObject({
      failureType: 'config_error',
      message: 'nothing at the host (ECONNREFUSED), 3 attempts',
    });
    expect(calls).toBe(3);
    expect(log.lines.every((l) => l.startsWith('INFO '))).toBe(true);
  });

  it('waits what the server asked and stops when the total wait would pass the cap', async () => {
    let calls = 0;
    const run = retrying(async () => (calls++, { retry: 'GET /x answered HTTP 429', waitMs: 30_000 }), {
      ...policy,
      maxWaitMs: 5_000,
    });
    await expect(run).rejects.toMatchObject({
      failureType: 'transient_error',
      message: expect.stringMatching(/HTTP 429; stopped retrying after waiting 0 s in total \(limit 5 s\)/),
    });
    expect(calls).toBe(1);
  });

  it('passes a thrown error through at once, never retried', async () => {
    let calls = 0;
    await expect(
      retrying(async () => {
        calls++;
        throw systemError('bad request');
      }, policy),
    ).rejects.toMatchObject({ message: 'bad request' });
    expect(calls).toBe(1);
  });

  it('uses the policy message when retries run out', async () => {
    const run = retrying(async () => ({ retry: 'Op(x=1) failed with a SOAP fault: busy' }), {
      ...policy,
      retries: 1,
      exhausted: (p, n) => systemError(`${p} (after ${n} attempts)`),
    });
    await expect(run).rejects.toMatchObject({ message: 'Op(x=1) failed with a SOAP fault: busy (after 2 attempts)' });
  });
});
