import { describe, expect, it } from 'vitest';
import { binLabel, formatMs, formatNumber, formatRange, formatResultValue, humanize, keyAge, outputLabel, resultUnit, summarizeResult, typicalError } from './format';

describe('summarizeResult', () => {
  it('finds a class and its confidence', () => {
    expect(summarizeResult({ predicted_class: 'churn', confidence: 0.8123 })).toMatchObject({ kind: 'class', label: 'churn', confidence: 0.8123 });
  });
  it('takes the confidence from a probability map when there is none', () => {
    const s = summarizeResult({ prediction: 'yes', probabilities: { yes: 0.7, no: 0.3 } });
    expect(s).toMatchObject({ kind: 'class', label: 'yes', confidence: 0.7 });
  });
  it('formats a single predicted number', () => {
    expect(summarizeResult({ predicted_price: 385000.5 })).toMatchObject({ kind: 'number', text: '$385,001' });
  });
  it('lists anything else field by field', () => {
    const s = summarizeResult({ a: 1, b: 'x', c: [1] , d: null });
    expect(s.kind).toBe('other');
  });
});

describe('formatting', () => {
  it('formats numbers and durations', () => {
    expect(formatNumber(0.12345)).toBe('0.1235');
    expect(formatNumber(12.5, 'monthly_charges')).toBe('$12.50');
    expect(formatMs(42.4)).toBe('42 ms');
    expect(formatMs(1534)).toBe('1.53 s');
    expect(humanize('predicted_price')).toBe('Predicted price');
    expect(outputLabel('predicted_class')).toBe('Prediction');
    expect(typicalError('predicted_price', { r2: 0.87, rmse: 41250, mae: 28940 })).toBe('± $41,250 typical error');
    expect(typicalError('predicted_price', { r2: 0.87 })).toBeNull();
  });
  it('says how old a key is and suggests rotating after 90 days', () => {
    const now = new Date('2026-06-01T12:00:00Z');
    expect(keyAge('2026-06-01T08:00:00Z', now)).toEqual({ text: 'saved today', rotate: false, days: 0 });
    expect(keyAge('2026-02-01T08:00:00Z', now).rotate).toBe(true);
    expect(keyAge('2026-05-01T08:00:00Z', now)).toMatchObject({ text: 'saved 31 days ago', rotate: false });
    expect(keyAge(null, now).text).toBe('date unknown');
    expect(keyAge('2026-05-01T08:00:00Z', now, 30).rotate).toBe(true);
  });
});

describe('numbers formatted one way (results, charts, history, Monitoring)', () => {
  it('takes the unit from the model card, else from the field name', () => {
    expect(resultUnit('predicted_price')).toBe('currency');
    expect(resultUnit('confidence')).toBe('percent');
    expect(resultUnit('probabilities.churn')).toBe('percent');
    expect(resultUnit('prediction')).toBeNull();
    expect(resultUnit('prediction', 'Demo regression model: estimates a sale price in US dollars.')).toBe('currency');
    expect(resultUnit('estimate', 'Forecasts demand in units.')).toBeNull();
  });

  it('shows money with its sign, shares as percentages, and never an exponent', () => {
    expect(formatResultValue(389480, 'predicted_price')).toBe('$389,480');
    expect(formatResultValue(1_015_016.4, 'predicted_price')).toBe('$1,015,016');
    expect(formatResultValue(0.8123, 'confidence')).toBe('81.2%');
    expect(formatResultValue(1050000, 'prediction', 'currency')).toBe('$1,050,000');
    expect(formatNumber(1.23e7)).toBe('12,300,000');
    expect(formatNumber(0.0000123)).toBe('0.0000123');
    expect(formatResultValue('stay', 'predicted_class')).toBe('stay');
    expect(formatResultValue(true, 'flag')).toBe('yes');
  });

  it('labels histogram bins as Monitoring does, from the numbers the bins carry', () => {
    expect(formatRange(984000, 1123000, 'predicted_price')).toBe('$984,000 – $1,123,000');
    expect(binLabel({ label: '1.05e+6–1.12e+6', from: 1_050_000, to: 1_120_000 }, 'predicted_price')).toBe('$1,050,000 – $1,120,000');
    expect(binLabel({ label: '0.8', from: 0.8, to: 0.8 }, 'confidence')).toBe('80%');
    expect(binLabel({ label: 'churn' }, 'predicted_class')).toBe('churn');
    expect(binLabel({ label: '1,000–2,000', from: 1000, to: 2000 }, 'prediction', 'currency')).toBe('$1,000 – $2,000');
  });
});
