import { describe, expect, it } from 'vitest';
import { formatTime, parseTime } from './iso-time';

describe('parseTime', () => {
  it('reads times exactly like Date.parse, in order and out of order, valid or not', () => {
    const samples: string[] = [];
    for (let i = 0; i < 3000; i++) samples.push(new Date(1.7e12 + i * 1_234_567.3).toISOString());
    samples.push('2026-01-01T12:60:00.000Z', '2026-01-01T12:59:60.000Z', '2026-01-01T12:5x:00.000Z', '2026-01-01T12:00:00.000+01:00', '2026-01-01T12:00:00+01:00', 'not a date', '', '+010000-01-01T00:00:00.000Z', '1969-12-31T23:59:59.999Z');
    const again = [...samples, ...samples.slice(0, 50).reverse()];
    for (const s of again) expect(parseTime(s)).toStrictEqual(Date.parse(s));
  });
});

describe('formatTime', () => {
  it('writes times exactly like toISOString: newest first, oldest first, across hours, days and years, before 1970 and past 9999', () => {
    const samples: number[] = [];
    for (let i = 0; i < 5000; i++) samples.push(Date.UTC(2026, 11, 31, 23, 0, 0) - i * 7_777);
    for (let i = 0; i < 3000; i++) samples.push(1.7e12 + i * 1_234_567);
    samples.push(0, -1, -3_600_000, -3_600_001, 1, 3_599_999, 3_600_000, Date.UTC(9999, 11, 31, 23, 59, 59, 999), Date.UTC(10000, 0, 1), Date.UTC(10000, 0, 1, 0, 0, 1), -62_198_755_200_000, 1_767_225_599_999.5, 1_767_225_599_999);
    const again = [...samples, ...samples.slice(0, 50).reverse()];
    for (const ms of again) expect(formatTime(ms)).toBe(new Date(ms).toISOString());
  });

  it('refuses a time that is not a date, as toISOString does', () => {
    expect(() => formatTime(Number.NaN)).toThrow(RangeError);
    expect(() => formatTime(8.64e15 + 1)).toThrow(RangeError);
  });
});
