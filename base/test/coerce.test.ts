// Typing of the strings SOAP delivers, as Stitch lists the columns. Runs under TZ=UTC and
// TZ=America/Los_Angeles (scripts/test.mjs): offset-free dates must come out the same UTC instant.
import { describe, expect, it } from 'vitest';
import { coerce, coerceValue } from '../src/coerce.js';
import messages from '../../connectors/source-listrak/src/schemas/messages.json' with { type: 'json' };
import lists from '../../connectors/source-listrak/src/schemas/lists.json' with { type: 'json' };

const int = { type: ['integer', 'null'] };
const num = { type: ['number', 'null'] };
const bool = { type: ['boolean', 'null'] };
const date = { type: ['string', 'null'], format: 'date-time' };

describe('coerceValue', () => {
  it('integers: whole strings only', () => {
    expect(coerceValue('42', int)).toBe(42);
    expect(coerceValue(' -3 ', int)).toBe(-3);
    expect(coerceValue('0', int)).toBe(0);
    expect(coerceValue('12abc', int)).toBeNull();
    expect(coerceValue('1.5', int)).toBeNull();
    expect(coerceValue('', int)).toBeNull();
  });

  it('numbers: decimals as sent, junk is null', () => {
    expect(coerceValue('54.20', num)).toBe(54.2);
    expect(coerceValue('0.0', num)).toBe(0);
    expect(coerceValue('7', num)).toBe(7);
    expect(coerceValue('12abc', num)).toBeNull();
    expect(coerceValue('NaN', num)).toBeNull();
  });

  it("booleans: xsd:boolean's forms; anything else is null, not false", () => {
    expect(coerceValue('false', bool)).toBe(false);
    expect(coerceValue('True', bool)).toBe(true);
    expect(coerceValue('1', bool)).toBe(true);
    expect(coerceValue('0', bool)).toBe(false);
    expect(coerceValue(true, bool)).toBe(true);
    expect(coerceValue('yes', bool)).toBeNull();
  });

  it('dates without an offset are UTC, whatever the local zone', () => {
    expect(coerceValue('2024-02-01T14:00:00', date)).toBe('2024-02-01T14:00:00.000Z');
    expect(coerceValue('2024-07-01T23:30:05.250', date)).toBe('2024-07-01T23:30:05.250Z');
    expect(coerceValue('2024-02-01T14:00:00-05:00', date)).toBe('2024-02-01T19:00:00.000Z');
    expect(coerceValue('not a date', date)).toBeNull();
  });

  it('arrays (a repeated element: node-soap gives an array, or one string), a wrapped { string } too, and xsi:nil', () => {
    expect(coerceValue(['a', 'b'], { type: ['array', 'null'] })).toEqual(['a', 'b']);
    expect(coerceValue('a', { type: ['array', 'null'] })).toEqual(['a']);
    expect(coerceValue({ string: ['a', 'b'] }, { type: ['array', 'null'] })).toEqual(['a', 'b']);
    expect(coerceValue({ string: 'a' }, { type: ['array', 'null'] })).toEqual(['a']);
    expect(coerceValue({ $attributes: { nil: 'true' } }, int)).toBeNull();
  });
});

describe('coerce', () => {
  it('types a message row by its schema and keeps columns it does not know as strings', () => {
    const row = coerce(
      {
        MsgID: '5001',
        ListID: '101',
        OpenPercent: '31.25',
        SendDate: '2024-03-05T16:00:00',
        Subject: 'Spring',
        Extra: 9,
      },
      messages,
    );
    expect(row).toEqual({
      MsgID: 5001,
      ListID: 101,
      OpenPercent: 31.25,
      SendDate: '2024-03-05T16:00:00.000Z',
      Subject: 'Spring',
      Extra: '9',
    });
  });

  it('types a list row: booleans, the tracking-domain array, and drops SOAP attributes', () => {
    const row = coerce(
      {
        ListID: '101',
        EnableRSS: 'false',
        ShowEmailList: 'true',
        GoogleTrackingDomains: ['shop.example.com'],
        $attributes: { x: '1' },
      },
      lists,
    );
    expect(row).toEqual({
      ListID: 101,
      EnableRSS: false,
      ShowEmailList: true,
      GoogleTrackingDomains: ['shop.example.com'],
    });
  });
});
