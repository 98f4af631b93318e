import { describe, expect, it, vi } from 'vitest';
import { SecretMasker, maskerFor } from '../src/secrets.js';
import { toIsoUtc, oneYearAgo, isoFromMs, nowIso } from '../src/time.js';
import fc from 'fast-check';
import { backoffMs, decide, serverWaitMs } from '../src/retry.js';
import { checkConfig } from '../src/config.js';
import { parseState, checkCatalog } from '../src/inputs.js';
import { cursorPaging, offsetPaging, pageNumber } from '../src/paginate.js';
import { dateWindows } from '../src/windows.js';
import { MaxCursor, compareCursor } from '../src/cursor.js';

describe('SecretMasker', () => {
  it('masks the raw, URL-encoded, base64 and JSON-escaped forms', () => {
    const m = new SecretMasker();
    m.add('p@ss w"rd/+');
    const line = JSON.stringify({
      a: 'p@ss w"rd/+',
      b: encodeURIComponent('p@ss w"rd/+'),
      c: Buffer.from('p@ss w"rd/+').toString('base64'),
    });
    expect(m.mask(line)).toBe('{"a":"****","b":"****","c":"****"}');
  });
  it('masks a secret XML-escaped, and base64-encoded inside a longer value at any offset', () => {
    const secret = 'pa/ss&<wo"rd>+9z';
    const m = new SecretMasker();
    m.add(secret);
    expect(m.mask('<Password>pa/ss&amp;&lt;wo&quot;rd&gt;+9z</Password>')).toBe('<Password>****</Password>');
    for (const user of ['u', 'us', 'use']) {
      const header = `Basic ${Buffer.from(`${user}:${secret}`).toString('base64')}`;
      const masked = m.mask(header);
      expect(masked, header).toContain('****');
      // what is left can no longer be decoded back to the secret, nor to most of it
      expect(Buffer.from(masked.slice(6).replace('****', ''), 'base64').toString('latin1')).not.toContain(
        secret.slice(2, -2),
      );
    }
    expect(m.mask(`Basic ${Buffer.from('user:another-password').toString('base64')}`)).not.toContain('****');
  });
  it('ignores empty and one-character secrets instead of masking everything', () => {
    const m = new SecretMasker();
    m.add('');
    m.add('a');
    expect(m.mask('a banana')).toBe('a banana');
  });
  it('collects airbyte_secret values from nested objects and oneOf branches', () => {
    const spec = {
      type: 'object',
      properties: {
        export: { type: 'object', properties: { key: { type: 'string', airbyte_secret: true } } },
        auth: { oneOf: [{ properties: { token: { airbyte_secret: true } } }] },
      },
    };
    const m = maskerFor(spec, { export: { key: 'nested-secret' }, auth: { token: 'branch-secret' } });
    expect(m.mask('nested-secret branch-secret')).toBe('**** ****');
  });
});

describe('time', () => {
  it('turns vendor timestamps into ISO UTC whatever the local zone', () => {
    expect(toIsoUtc('2016-12-16 09:05:00 -0800')).toBe('2016-12-16T17:05:00.000Z');
    expect(toIsoUtc('2016-12-16T09:05:00+05:30')).toBe('2016-12-16T03:35:00.000Z');
    expect(toIsoUtc('2020-09-22 10:00:00')).toBe('2020-09-22T10:00:00.000Z'); // naive = UTC, not local
    expect(toIsoUtc('2020-09-22')).toBe('2020-09-22T00:00:00.000Z');
    expect(toIsoUtc(1481907900)).toBe('2016-12-16T17:05:00.000Z');
    expect(toIsoUtc('not a date')).toBeNull();
    expect(toIsoUtc('2016-13-16 09:05:00 -0800')).toBeNull();
    expect(toIsoUtc('2016-02-30 09:05:00 -0800')).toBeNull();
    expect(toIsoUtc('2016-12-31 23:59:59 -0100')).toBe('2017-01-01T00:59:59.000Z');
    expect(oneYearAgo(new Date('2024-02-29T12:00:00Z')).toISOString()).toBe('2023-03-01T12:00:00.000Z');
  });

  it('formats epoch milliseconds exactly as Date#toISOString does, across eras, leap days and negatives', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -62_198_755_200_000 * 2, max: 253_402_300_799_999 * 2 }),
        (ms) => isoFromMs(ms) === new Date(ms).toISOString(),
      ),
      { numRuns: 20_000 },
    );
    for (const iso of [
      '2024-02-29T23:59:59.999Z',
      '2000-02-29T00:00:00.000Z',
      '1900-03-01T00:00:00.000Z',
      '1969-12-31T23:59:59.999Z',
      '1000-01-01T00:00:00.000Z',
      '9999-12-31T23:59:59.999Z',
    ]) {
      expect(isoFromMs(Date.parse(iso))).toBe(iso);
    }
  });
  it('nowIso: the current time as Date#toISOString writes it, formatted again only when the millisecond changes', () => {
    vi.useFakeTimers({ now: Date.parse('2024-02-29T23:59:59.998Z') });
    try {
      expect(nowIso()).toBe('2024-02-29T23:59:59.998Z');
      expect(nowIso()).toBe('2024-02-29T23:59:59.998Z');
      vi.advanceTimersByTime(1);
      expect(nowIso()).toBe('2024-02-29T23:59:59.999Z');
      vi.setSystemTime(Date.parse('2024-03-01T00:00:00.000Z'));
      expect(nowIso()).toBe(new Date().toISOString());
      vi.setSystemTime(Date.parse('2023-01-01T00:00:00.000Z')); // a clock set back is followed too
      expect(nowIso()).toBe('2023-01-01T00:00:00.000Z');
    } finally {
      vi.useRealTimers();
    }
  });
  it('reads ISO-8601 with fractions and any zone form in place exactly as Date.parse does', () => {
    const pad = (n: number, w = 2) => String(n).padStart(w, '0');
    fc.assert(
      fc.property(
        fc.integer({ min: -30_000_000_000_000, max: 253_402_300_799_999 - 15 * 3_600_000 }),
        fc.constantFrom('', '.', '.#', '.##'),
        fc.constantFrom('Z', '+hh:mm', '-hh:mm', '+hhmm', ' -hhmm', ''),
        fc.integer({ min: 0, max: 14 * 60 }),
        (ms, frac, zone, offMin) => {
          const local = new Date(
            ms + (zone.includes('-') ? -offMin : zone.includes('+') ? offMin : 0) * 60_000,
          ).toISOString();
          const digits = local.slice(20, 23);
          const f = frac === '' ? '' : frac === '.' ? `.${digits}` : frac === '.#' ? `.${digits}0` : `.${digits}999`;
          const z =
            zone === 'Z' || zone === ''
              ? zone
              : zone.replace('hh', pad(Math.floor(offMin / 60))).replace('mm', pad(offMin % 60));
          const text = `${local.slice(0, 19)}${f}${z}`;
          const want = frac === '' ? Math.floor(ms / 1000) * 1000 : ms;
          return toIsoUtc(text) === new Date(want).toISOString();
        },
      ),
      { numRuns: 20_000 },
    );
  });
  it('rewrites a UTC value (Z, +00:00, +0000) with no or any fraction exactly as Date does', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -30_000_000_000_000, max: 253_402_300_799_999 }),
        fc.constantFrom('', '.#', '.##', '.###', '.####'),
        fc.constantFrom('Z', '+00:00', '+0000', '-00:00', ' +00:00'),
        fc.constantFrom('T', ' '),
        (ms, frac, zone, sep) => {
          const iso = new Date(ms).toISOString();
          const f = frac === '' ? '' : `.${iso.slice(20, 23)}000`.slice(0, frac.length);
          const text = `${iso.slice(0, 10)}${sep}${iso.slice(11, 19)}${f}${zone}`;
          const want = new Date(Date.parse(`${iso.slice(0, 19)}${f}Z`)).toISOString();
          return toIsoUtc(text) === want;
        },
      ),
      { numRuns: 20_000 },
    );
    expect(toIsoUtc('2023-01-26T09:00:00+00:00')).toBe('2023-01-26T09:00:00.000Z');
    expect(toIsoUtc('2023-02-30T09:00:00+00:00')).toBeNull();
  });
  it('reads "YYYY-MM-DD hh:mm:ss +hhmm" in place as Date would, and refuses what is not a real time', () => {
    const pad = (n: number, w = 2) => String(n).padStart(w, '0');
    fc.assert(
      fc.property(
        fc.integer({ min: 1000, max: 9999 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 31 }),
        fc.integer({ min: 0, max: 23 }),
        fc.integer({ min: 0, max: 59 }),
        fc.integer({ min: 0, max: 59 }),
        fc.constantFrom('+', '-'),
        fc.integer({ min: 0, max: 14 }),
        fc.constantFrom(0, 30, 45),
        (y, mo, d, h, mi, s, sign, oh, om) => {
          const v = `${pad(y, 4)}-${pad(mo)}-${pad(d)} ${pad(h)}:${pad(mi)}:${pad(s)} ${sign}${pad(oh)}${pad(om)}`;
          const real = new Date(Date.UTC(y, mo - 1, d)).getUTCDate() === d;
          const want = real
            ? new Date(
                `${pad(y, 4)}-${pad(mo)}-${pad(d)}T${pad(h)}:${pad(mi)}:${pad(s)}${sign}${pad(oh)}:${pad(om)}`,
              ).toISOString()
            : null;
          return toIsoUtc(v) === want;
        },
      ),
      { numRuns: 20_000 },
    );
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 253_402_300_799 }), fc.constantFrom(' ', 'T'), (sec, sep) => {
        const iso = new Date(sec * 1000).toISOString();
        return toIsoUtc(`${iso.slice(0, 10)}${sep}${iso.slice(11, 19)}`) === iso; // naive = UTC
      }),
      { numRuns: 20_000 },
    );
    expect(toIsoUtc('2016-02-30 09:05:00')).toBeNull();
    expect(toIsoUtc('2016-02-30T09:05:00.000Z')).toBeNull(); // Date.parse would roll it into March
    expect(toIsoUtc('1969-12-31T23:59:59.999Z')).toBe('1969-12-31T23:59:59.999Z');
    expect(toIsoUtc('2016-12-16T09:05:00.1234567-08')).toBe('2016-12-16T17:05:00.123Z');
    expect(toIsoUtc('2016-12-16T09:05:00.5 +0530')).toBe('2016-12-16T03:35:00.500Z');
    expect(toIsoUtc('2016-12-16T24:00:00Z')).toBe(new Date(Date.parse('2016-12-16T24:00:00Z')).toISOString());
    expect(toIsoUtc('2016-12-16 09:05:x0 -0800')).toBeNull();
    expect(toIsoUtc('2016-12-16 24:05:00 -0800')).toBeNull();
  });
});

describe('retry policy', () => {
  it('maps statuses to actions', () => {
    expect(decide(200).action).toBe('success');
    expect(decide(429)).toEqual({ action: 'retry', failureType: 'transient_error' });
    expect(decide(503).action).toBe('retry');
    expect(decide(408).action).toBe('retry');
    expect(decide(401).action).toBe('refresh_auth');
    expect(decide(403)).toEqual({ action: 'fail', failureType: 'config_error' });
    expect(decide(400)).toEqual({ action: 'fail', failureType: 'system_error' });
  });
  it('reads Retry-After and the rate-limit reset headers', () => {
    const now = Date.UTC(2024, 0, 1);
    expect(serverWaitMs({ 'retry-after': '2' }, now)).toBe(2000);
    expect(serverWaitMs({ 'retry-after': new Date(now + 5000).toUTCString() }, now)).toBe(5000);
    expect(serverWaitMs({ 'x-rate-limit-reset': String(now / 1000 + 30) }, now)).toBe(30_000);
    expect(serverWaitMs({ 'ratelimit-reset': '7' }, now)).toBe(7000);
    expect(serverWaitMs({}, now)).toBeUndefined();
  });
  it('backs off exponentially with jitter, capped', () => {
    expect(backoffMs(1, 1000, 60_000, () => 0)).toBe(500);
    expect(backoffMs(3, 1000, 60_000, () => 1)).toBe(4000);
    expect(backoffMs(20, 1000, 60_000, () => 1)).toBe(60_000);
  });
});

describe('config checking', () => {
  const schema = {
    type: 'object',
    required: ['key'],
    properties: {
      key: { type: 'string', title: 'Key' },
      region: { type: 'string', default: 'us-east-1' },
      when: { type: 'string', format: 'date' },
    },
  };
  it('applies defaults', () => expect(checkConfig(schema, { key: 'k' })).toEqual({ key: 'k', region: 'us-east-1' }));
  it('names the field and the fix', () => {
    expect(() => checkConfig(schema, {})).toThrow(
      "Config field 'key' (Key) is required but missing. Add it to the config.",
    );
    expect(() => checkConfig(schema, { key: 1 })).toThrow(/'key' \(Key\) must be of type string/);
    expect(() => checkConfig(schema, { key: 'k', when: '2020-22-09' })).toThrow(/'when' must be a valid date/);
    expect(() => checkConfig(schema, [])).toThrow(/must be a JSON object/);
  });
});

describe('inputs', () => {
  it('reads per-stream, global and legacy state', () => {
    const perStream = [{ type: 'STREAM', stream: { stream_descriptor: { name: 'a' }, stream_state: { c: 1 } } }];
    expect([...parseState(perStream)]).toEqual([['a', { c: 1 }]]);
    const global = {
      type: 'GLOBAL',
      global: { stream_states: [{ stream_descriptor: { name: 'b' }, stream_state: { c: 2 } }] },
    };
    expect([...parseState(global)]).toEqual([['b', { c: 2 }]]);
    expect([...parseState({ a: { c: 3 } })]).toEqual([['a', { c: 3 }]]);
    expect(() => parseState([{ stream: { stream_descriptor: { name: 'a' }, stream_state: 5 } }])).toThrow(
      /stream 'a' must be an object/,
    );
  });
  it('rejects a catalog with an unknown sync mode', () => {
    expect(() => checkCatalog({ streams: [{ stream: { name: 'a' }, sync_mode: 'cdc' }] })).toThrow(/sync_mode "cdc"/);
  });
});

describe('paginators', () => {
  const info = (records: number, token: string | number | undefined, body: unknown = {}) => ({
    body,
    headers: {},
    records: new Array(records),
    token,
  });
  it('page numbers stop on a short page or the max', () => {
    const p = pageNumber({ size: 50, max: 30 });
    expect(p.next(info(50, 1))).toBe(2);
    expect(p.next(info(49, 2))).toBeUndefined();
    expect(p.next(info(50, 30))).toBeUndefined();
  });
  it('offsets advance by what was read', () => expect(offsetPaging({ limit: 250 }).next(info(250, 500))).toBe(750));
  it('cursor paging refuses a repeated token', () => {
    const p = cursorPaging({ next: (b) => (b as { next: string }).next });
    expect(p.next(info(1, undefined, { next: 'abc' }))).toBe('abc');
    expect(() => p.next(info(1, 'abc', { next: 'abc' }))).toThrow(/twice/);
  });
});

describe('windows and cursors', () => {
  it('slices [from, to) into steps', () => {
    const w = [...dateWindows({ from: '2024-01-01', to: new Date('2024-01-03T12:00:00Z'), step: { days: 1 } })];
    expect(w.map((x) => [x.start.toISOString(), x.end.toISOString()])).toEqual([
      ['2024-01-01T00:00:00.000Z', '2024-01-02T00:00:00.000Z'],
      ['2024-01-02T00:00:00.000Z', '2024-01-03T00:00:00.000Z'],
      ['2024-01-03T00:00:00.000Z', '2024-01-03T12:00:00.000Z'],
    ]);
  });
  it('keeps the max cursor and caps it at the sync start', () => {
    const m = new MaxCursor('2024-01-01T00:00:00Z', new Date('2024-06-01T00:00:00Z'));
    m.see('2024-03-01T00:00:00-0500');
    m.see('2024-02-01T00:00:00Z');
    expect(m.value).toBe('2024-03-01T00:00:00-0500');
    m.see('2030-01-01T00:00:00Z');
    expect(m.value).toBe('2024-06-01T00:00:00.000Z');
    expect(compareCursor(10, 9)).toBeGreaterThan(0);
  });
});
