import { describe, expect, it } from 'vitest';
import type { OutcomeChoice } from '../../shared/ipc/evaluate';
import { amountFormatter, figureLines, headlineOf, percent, positiveClass } from './lines';
import { ClassificationAccumulator, RegressionAccumulator } from './metrics';

const churn: OutcomeChoice = { column: 'churned', resultField: 'predicted_class', confidenceField: null, task: 'classification', valueMap: {}, modelFigures: { accuracy: 0.84, recall: 0.72 } };

describe('figures in plain words', () => {
  it('formats shares and amounts as people read them', () => {
    expect(percent(0.8123)).toBe('81%');
    expect(percent(1)).toBe('100%');
    expect(percent(0.045)).toBe('4.5%');
    const money = amountFormatter({ column: 'sale price', resultField: 'predicted_price' }, false);
    expect(money(52300.4)).toBe('$52,300');
    expect(money(-1234.5)).toBe('−$1,235');
    expect(amountFormatter({ column: 'weight', resultField: 'predicted_weight' }, false)(3.14159)).toBe('3.14');
  });

  it('the interesting class of two is the one that is not "nothing happened"', () => {
    expect(positiveClass(['churn', 'stay'])).toBe('churn');
    expect(positiveClass(['approve', 'decline'])).toBe('approve');
    expect(positiveClass(['a', 'b'])).toBeNull();
    expect(positiveClass(['a', 'b', 'c'])).toBeNull();
  });

  it('puts each figure beside the model card\'s, with one sentence', () => {
    const acc = new ClassificationAccumulator(['churn', 'stay']);
    for (let i = 0; i < 8; i++) acc.add('churn', 'churn');
    acc.add('churn', 'stay');
    acc.add('stay', 'churn');
    const lines = figureLines(acc.result(), churn, false);
    expect(lines.map((l) => [l.key, l.text, l.cardText])).toEqual([
      ['accuracy', '80%', '84%'],
      ['precision', '89%', null],
      ['recall', '89%', '72%'],
      ['f1', '0.89', null],
    ]);
    expect(lines[2]!.explanation).toBe('Of the 9 rows that really were "churn", the model caught 89%.');
    expect(headlineOf(lines)).toEqual({ name: 'accuracy', text: '80%' });
  });

  it('a number answer: typical error in money beside the card, bias in words', () => {
    const reg = new RegressionAccumulator();
    reg.add(100_000, 150_000);
    reg.add(200_000, 210_000);
    const lines = figureLines(reg.result(), { ...churn, column: 'sale_price', resultField: 'predicted_price', task: 'regression', modelFigures: { mae: 41250 } }, true);
    expect(lines[0]).toMatchObject({ key: 'mae', text: '$30,000', cardText: '$41,250' });
    expect(lines.find((l) => l.key === 'bias')!.explanation).toBe('On average the model estimated $30,000 too high.');
    expect(headlineOf(lines)).toEqual({ name: 'typical error', text: '$30,000' });
  });
});
