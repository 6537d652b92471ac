import { describe, expect, it } from 'vitest';
import { confidenceFieldOf, matchOutcomeValues, readNumber, suggestOutcomes, words } from './outcome-match';

const churnOutput = { predicted_class: 'string', confidence: 'float' };
const houseOutput = { predicted_price: 'float' };

describe('suggestOutcomes', () => {
  it('offers "churned" (Yes/No) for a churn model\'s class, named after the model', () => {
    const columns = ['customer_id', 'tenure_months', 'contract', 'total_charges', 'churned'];
    const rows = [
      ['C-1', '12', 'one-year', '1,200.00', 'Yes'],
      ['C-2', '40', 'two-year', '3,100.50', 'No'],
      ['C-3', '3', 'month-to-month', '150.00', 'no'],
    ];
    const s = suggestOutcomes({ columns, sampleRows: rows, outputSchema: churnOutput, modelName: 'customer-churn', inputColumns: new Set(['tenure_months', 'contract']) });
    expect(s[0]).toMatchObject({ column: 'churned', resultField: 'predicted_class', task: 'classification' });
    expect(s[0]!.reason).toMatch(/churn/);
    expect(s.map((x) => x.column)).not.toContain('customer_id');
    expect(s.map((x) => x.column)).not.toContain('total_charges');
  });

  it('offers "Sale Price" for predicted_price, but not a number column with an unrelated name', () => {
    const columns = ['Sq Ft', 'Sale Price', 'Lot number'];
    const rows = [
      ['1200', '$352,000', '17'],
      ['1900', '$410,500', '18'],
    ];
    const s = suggestOutcomes({ columns, sampleRows: rows, outputSchema: houseOutput, modelName: 'house-prices', inputColumns: new Set(['Sq Ft']) });
    expect(s).toHaveLength(1);
    expect(s[0]).toMatchObject({ column: 'Sale Price', resultField: 'predicted_price', task: 'regression' });
  });

  it('never offers a column that is sent to the model, nor a number column of text values', () => {
    const s = suggestOutcomes({ columns: ['price', 'actual'], sampleRows: [['1', 'high'], ['2', 'low']], outputSchema: houseOutput, modelName: 'm', inputColumns: new Set(['price']) });
    expect(s).toEqual([]);
  });

  it('offers a column named as an outcome ("actual class") with a few values', () => {
    const s = suggestOutcomes({ columns: ['actual class'], sampleRows: [['approve'], ['decline'], ['approve']], outputSchema: churnOutput, modelName: 'loan-approval', inputColumns: new Set() });
    expect(s[0]).toMatchObject({ column: 'actual class', task: 'classification' });
  });
});

describe('matchOutcomeValues', () => {
  it('maps yes → churn and no → stay for a column named "churned"', () => {
    expect(matchOutcomeValues(['Yes', 'No', 'yes', 'no'], ['stay', 'churn'], 'churned')).toEqual({ yes: 'churn', no: 'stay' });
  });

  it('maps yes to the class that is not "nothing happened" when the name does not say', () => {
    expect(matchOutcomeValues(['Y', 'N'], ['churn', 'stay'], 'left us')).toEqual({ y: 'churn', n: 'stay' });
  });

  it('maps values equal to a class whatever their case, and leaves unknown values out', () => {
    expect(matchOutcomeValues(['Churn', 'STAY', 'maybe'], ['churn', 'stay'], 'status')).toEqual({ churn: 'churn', stay: 'stay' });
  });

  it('does not guess yes/no against more than two classes', () => {
    expect(matchOutcomeValues(['yes', 'no'], ['a', 'b', 'c'], 'a')).toEqual({});
  });
});

describe('reading outcome values', () => {
  it('reads numbers as people write them', () => {
    expect(readNumber('$52,300')).toBe(52300);
    expect(readNumber(' 1,250.50 ')).toBe(1250.5);
    expect(readNumber('-3')).toBe(-3);
    expect(readNumber('410500 USD')).toBe(410500);
    expect(readNumber('n/a')).toBeNull();
    expect(readNumber('')).toBeNull();
  });

  it('splits and stems names', () => {
    expect(words('Churned')).toEqual(['churn']);
    expect(words('salePrice')).toEqual(['sale', 'price']);
    expect(words('customer-churn')).toEqual(['customer', 'churn']);
  });

  it('finds the confidence field', () => {
    expect(confidenceFieldOf(churnOutput, [])).toBe('confidence');
    expect(confidenceFieldOf(null, ['predicted_class', 'churn_probability'])).toBe('churn_probability');
    expect(confidenceFieldOf(houseOutput, [])).toBeNull();
  });
});
