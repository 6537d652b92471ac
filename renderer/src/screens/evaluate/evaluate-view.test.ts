import { describe, expect, it } from 'vitest';
import { leftOutText, matrixShade, shortNumber } from './evaluate-view';

describe('evaluation view helpers', () => {
  it('writes axis numbers short', () => {
    expect(shortNumber(52300)).toBe('52k');
    expect(shortNumber(1250)).toBe('1.3k');
    expect(shortNumber(2_400_000)).toBe('2.4M');
    expect(shortNumber(-300)).toBe('-300');
    expect(shortNumber(0.25)).toBe('0.25');
  });

  it('shades matrix cells by their share of the largest', () => {
    expect(matrixShade(0, [[0, 10], [5, 20]])).toBe('8%');
    expect(matrixShade(20, [[0, 10], [5, 20]])).toBe('60%');
    expect(matrixShade(10, [[0, 10], [5, 20]])).toBe('34%');
  });

  it('says which rows were left out, and why', () => {
    const none = { noOutcome: 0, failed: 0, notScored: 0, unreadable: 0 };
    expect(leftOutText({ leftOut: none, unreadableValues: [] })).toBe('Every row was compared.');
    expect(leftOutText({ leftOut: { ...none, noOutcome: 9 }, unreadableValues: [] })).toBe('Left out: 9 rows without a known outcome.');
    expect(leftOutText({ leftOut: { ...none, noOutcome: 1, failed: 2, unreadable: 3 }, unreadableValues: [{ value: 'maybe', count: 3 }] })).toBe(
      'Left out: 1 row without a known outcome, 2 rows that failed and 3 rows whose outcome could not be matched to an answer (“maybe”).',
    );
  });
});
