import { describe, expect, it } from 'vitest';
import { guessColumnKinds, xlsxColumns } from './xlsx-columns';

describe('guessColumnKinds', () => {
  it('judges each column by all its sampled values', () => {
    const sample = [
      ['00123', '12', '2024-03-05', 'TRUE', 'Núñez', '', 85.09, '1234567890123456789'],
      ['124', '3.5', '2024-03-06 10:00', 'false', '=1+1', '', '-2', '1'],
      ['125', '', '', 'true', '7', '', '', '2'],
    ];
    expect(guessColumnKinds(sample, 8)).toEqual(['text', 'number', 'date', 'boolean', 'text', 'text', 'number', 'text']);
  });

  it('treats a column with one odd value as text', () => {
    expect(guessColumnKinds([['1'], ['2'], ['n/a']], 1)).toEqual(['text']);
  });
});

describe('xlsxColumns', () => {
  it('gives input columns their kinds, result fields their own types and the last three text', () => {
    const header = ['id', 'tenure', 'churn_probability', 'churn', 'status', 'error', 'request_id'];
    expect(xlsxColumns(header, ['text', 'number']).map((c) => c.kind)).toEqual(['text', 'number', 'auto', 'auto', 'text', 'text', 'text']);
  });

  it('refuses a header too short for its input columns', () => {
    expect(() => xlsxColumns(['a', 'status'], ['text'])).toThrow('fewer than the 1 input columns');
  });
});
