import { describe, expect, it } from 'vitest';
import { parseIsoDate, toCell } from './xlsx-cells';

const text = (t: string) => ({ value: { richText: [{ text: t }] } });

describe('toCell', () => {
  it('turns plain decimal text into numbers in a number column, but not identifiers with leading zeros', () => {
    expect(toCell('85.09', 'number')).toEqual({ value: 85.09 });
    expect(toCell(' -3e2 ', 'number')).toEqual({ value: -300 });
    expect(toCell('0.5', 'number')).toEqual({ value: 0.5 });
    expect(toCell('.5', 'number')).toEqual({ value: 0.5 });
    expect(toCell('00123', 'number')).toEqual(text('00123'));
    expect(toCell('12,5', 'number')).toEqual(text('12,5'));
    expect(toCell('123456789012345', 'number')).toEqual({ value: 123456789012345 });
    expect(toCell('1234567890123456789', 'number')).toEqual(text('1234567890123456789'));
    expect(toCell('1e999', 'number')).toEqual(text('1e999'));
    expect(toCell('85.09', 'auto')).toEqual(text('85.09'));
    expect(toCell('85.09', 'text')).toEqual(text('85.09'));
    expect(toCell(85.09, 'text')).toEqual(text('85.09'));
  });

  it('writes numbers Excel cannot hold as their text', () => {
    expect(toCell(Number.NaN, 'number')).toEqual(text('NaN'));
    expect(toCell(Number.POSITIVE_INFINITY, 'auto')).toEqual(text('Infinity'));
  });

  it('reads true/false text as booleans only in a boolean column', () => {
    expect(toCell('TRUE', 'boolean')).toEqual({ value: true });
    expect(toCell('false', 'boolean')).toEqual({ value: false });
    expect(toCell('yes', 'boolean')).toEqual(text('yes'));
    expect(toCell('true', 'auto')).toEqual(text('true'));
  });

  it('keeps dates Excel cannot show (before 1900, invalid) as text', () => {
    expect(toCell('1899-12-31', 'date')).toEqual(text('1899-12-31'));
    expect(toCell(new Date(Date.UTC(1850, 0, 1)), 'auto')).toEqual(text('1850-01-01T00:00:00.000Z'));
    expect(toCell(new Date(Number.NaN), 'date')).toEqual({ value: null });
    expect(toCell('2024-13-01', 'date')).toEqual(text('2024-13-01'));
    expect(toCell('2024-01-01T24:00', 'date')).toEqual(text('2024-01-01T24:00'));
  });

  it('writes objects and arrays as JSON text whatever the column', () => {
    expect(toCell({ formula: 'A1' }, 'auto')).toEqual(text('{"formula":"A1"}'));
    expect(toCell([1, 2], 'number')).toEqual(text('[1,2]'));
  });
});

describe('parseIsoDate', () => {
  it('keeps a zone-less time as written and converts an offset to UTC', () => {
    expect(parseIsoDate('2024-03-05')).toEqual({ date: new Date(Date.UTC(2024, 2, 5)), dateOnly: true });
    expect(parseIsoDate('2024-03-05 14:30')).toEqual({ date: new Date(Date.UTC(2024, 2, 5, 14, 30)), dateOnly: false });
    expect(parseIsoDate('2024-03-05T14:30:15.25+02:00')?.date.toISOString()).toBe('2024-03-05T12:30:15.250Z');
    expect(parseIsoDate('2024-03-05T14:30:00-0530')?.date.toISOString()).toBe('2024-03-05T20:00:00.000Z');
    expect(parseIsoDate('05/03/2024')).toBeNull();
    expect(parseIsoDate('2023-02-29')).toBeNull();
  });
});
