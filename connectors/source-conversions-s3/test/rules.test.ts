import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { checkRow, dateOfKey } from '../src/rules.js';
import { days } from '../src/readers.js';
import { csvRows, detectDelimiter, jsonRows } from '../src/readers.js';

const cfg = { default_protocol: 'https' as const, defaults: { channel: 'organic' } };
const reason = (row: Record<string, unknown>) => {
  const v = checkRow({ url: 'https://www.example.com/x', date: '2020-09-22', ...row }, '2020-09-22', cfg);
  return v.ok ? 'ok' : `${v.field}: ${v.reason}`;
};
// readers hand out batches; the tests look at the rows
const collect = async <T>(it: AsyncIterable<T[]>): Promise<T[]> => {
  const out: T[] = [];
  for await (const batch of it) out.push(...batch);
  return out;
};

describe('delivery rules', () => {
  // the day from the file name, or nothing; the date anywhere in the name, past digit runs that are not dates
  it.each([
    ['exports/conversion-export-2020-09-22.csv', '2020-09-22'],
    ['x/conv_2020_09_22.json.gz', '2020-09-22'],
    ['x/conv-20200922.csv', '2020-09-22'],
    ['x/README.txt', undefined],
    ['x/conv-2020-02-30.csv', undefined],
    ['x/export_1600771200_2020-09-22.csv', '2020-09-22'],
    ['x/acct-123456789-2020-09-22.csv', '2020-09-22'],
    ['x/acct-123456789-20200922.csv', '2020-09-22'],
    // the separated form first, wherever it stands
    ['x/run-20200101-for-2020-09-22.csv', '2020-09-22'],
    ['x/conv-2020-09_22.csv', undefined],
    ['x/id-120200922.csv', undefined],
  ])('reads the day of %s from its name: %s', (key, day) => {
    expect(dateOfKey(key)).toBe(day);
  });
  it('of two files for one day reads the later by last-modified, and on a tie the key last in S3 (binary) order, whatever the listing order', () => {
    const log = { debug() {}, info() {}, warn() {}, error() {} };
    const at = (key: string, s: number) => ({ key, size: 1, lastModified: new Date(Date.UTC(2020, 8, 22, 12, 0, s)) });
    const winner = (objs: ReturnType<typeof at>[]) =>
      days.unread(objs, { files: {} }, { config: {}, log } as never).map((f) => f.key);
    const later = [at('b-2020-09-22.csv', 0), at('a-2020-09-22.csv', 1)];
    expect(winner(later)).toEqual(['a-2020-09-22.csv']);
    expect(winner([...later].reverse())).toEqual(['a-2020-09-22.csv']);
    // 'B' (0x42) sorts before 'a' (0x61) in S3's order; a locale collation puts it after
    const tie = [at('B-2020-09-22.csv', 5), at('a-2020-09-22.csv', 5)];
    expect(winner(tie)).toEqual(['a-2020-09-22.csv']);
    expect(winner([...tie].reverse())).toEqual(['a-2020-09-22.csv']);
  });
  it('accepts complete URLs, adds the protocol to a bare domain with a warning, rejects a bare path', () => {
    expect(reason({})).toBe('ok');
    const fixed = checkRow({ url: 'domain.tld/path', date: '2020-09-22' }, '2020-09-22', cfg);
    expect(fixed).toMatchObject({
      ok: true,
      record: { url: 'https://domain.tld/path' },
      warnings: ["url 'domain.tld/path' has no protocol; read as 'https://domain.tld/path'"],
    });
    expect(reason({ url: '/path' })).toBe(
      "url: url '/path' has no domain; give a complete URL such as https://www.example.com/path",
    );
  });
  it('rejects dates that are not real YYYY-MM-DD, and rows of another day', () => {
    for (const d of ['20200922', '2020-22-09', '22-09-2020'])
      expect(reason({ date: d })).toBe(`date: date '${d}' must be a real date written YYYY-MM-DD`);
    expect(reason({ date: '2020-09-21' })).toBe(
      "date: date 2020-09-21 is not the file's day 2020-09-22; a file holds only its own day",
    );
  });
  it('types the numbers and applies defaults', () => {
    expect(reason({ transactions: '1.5' })).toBe("transactions: transactions '1.5' must be a whole number");
    expect(reason({ revenue: 'ten' })).toBe("revenue: revenue 'ten' must be a number");
    expect(
      checkRow(
        { url: 'https://a.example.com/', date: '2020-09-22', transactions: '3', revenue: '9.5' },
        '2020-09-22',
        cfg,
      ),
    ).toMatchObject({ ok: true, record: { channel: 'organic', device: null, transactions: 3, revenue: 9.5 } });
  });
});

describe('readers', () => {
  it('detects each CSV separator', async () => {
    for (const sep of [',', ';', '\t', '|']) {
      expect(detectDelimiter(['https://a.example.com/x', '2020-09-22', 'organic', '1', '2'].join(sep))).toBe(sep);
      const rows = await collect(
        csvRows(Readable.from([`https://a.example.com/x${sep}2020-09-22${sep}organic${sep}1${sep}2\n`]), [
          'url',
          'date',
          'channel',
          'transactions',
          'revenue',
        ]),
      );
      expect(rows).toEqual([
        {
          line: 1,
          row: {
            url: 'https://a.example.com/x',
            date: '2020-09-22',
            channel: 'organic',
            transactions: '1',
            revenue: '2',
          },
        },
      ]);
    }
  });
  it('reads a JSON array, JSON lines and the single-quoted row file, with line numbers', async () => {
    const want = [
      { url: 'https://a.example.com/', date: '2020-09-22' },
      { url: 'https://b.example.com/', date: '2020-09-22' },
    ];
    expect(
      (await collect(jsonRows(Readable.from([JSON.stringify(want)])))).map((r) => ('row' in r ? r.row : r.error)),
    ).toEqual(want);
    expect(await collect(jsonRows(Readable.from([want.map((w) => JSON.stringify(w)).join('\n')])))).toEqual([
      { line: 1, row: want[0] },
      { line: 2, row: want[1] },
    ]);
    const botify =
      "{'url': 'https://a.example.com/', 'date': '2020-09-22'},\n{'url': 'https://b.example.com/',\n 'date': '2020-09-22'},\n";
    expect(await collect(jsonRows(Readable.from([botify])))).toEqual([
      { line: 1, row: want[0] },
      { line: 2, row: want[1] },
    ]);
    expect(await collect(jsonRows(Readable.from(["{'url': oops},\n"])))).toMatchObject([
      { line: 1, error: expect.stringMatching(/not a JSON object/) },
    ]);
  });
  it('numbers lines across empty lines and quoted fields that span lines', async () => {
    const text =
      'https://a.example.com/1,2020-09-22\n\n"https://a.example.com/2",2020-09-22,"two\nlines"\nhttps://a.example.com/3,2020-09-22\n';
    const rows = await collect(csvRows(Readable.from([text]), ['url', 'date', 'channel']));
    expect(rows.map((r) => [r.line, 'row' in r ? r.row.url : r.error])).toEqual([
      [1, 'https://a.example.com/1'],
      [3, 'https://a.example.com/2'],
      [5, 'https://a.example.com/3'],
    ]);
  });
  it('reads nothing from an empty file', async () => {
    expect(await collect(csvRows(Readable.from(['']), ['url', 'date']))).toEqual([]);
    expect(await collect(jsonRows(Readable.from(['  \n'])))).toEqual([]);
  });
});
