import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../shared/seeded-random';
import { ClassificationAccumulator, histogram, RegressionAccumulator, SCATTER_POINTS } from './metrics';

describe('classification figures', () => {
  it("match scikit-learn's documented classification_report example", () => {
    // sklearn.metrics.classification_report docs: y_true = [0, 1, 2, 2, 2], y_pred = [0, 0, 2, 2, 1]
    //   class 0: precision 0.50 recall 1.00 f1 0.67 support 1
    //   class 1: precision 0.00 recall 0.00 f1 0.00 support 1
    //   class 2: precision 1.00 recall 0.67 f1 0.80 support 3
    //   accuracy 0.60; macro avg 0.50 0.56 0.49; weighted avg 0.70 0.60 0.61
    const acc = new ClassificationAccumulator(['class 0', 'class 1', 'class 2']);
    const truth = [0, 1, 2, 2, 2];
    const pred = [0, 0, 2, 2, 1];
    truth.forEach((t, i) => acc.add(`class ${t}`, `class ${pred[i]}`));
    const r = acc.result();
    expect(r.rows).toBe(5);
    expect(r.accuracy).toBeCloseTo(0.6, 10);
    const by = Object.fromEntries(r.perClass.map((c) => [c.label, c]));
    expect(by['class 0']).toMatchObject({ support: 1 });
    expect(by['class 0']!.precision).toBeCloseTo(0.5, 10);
    expect(by['class 0']!.recall).toBeCloseTo(1, 10);
    expect(by['class 0']!.f1).toBeCloseTo(2 / 3, 10);
    expect(by['class 1']).toMatchObject({ precision: 0, recall: 0, f1: 0, support: 1 });
    expect(by['class 2']!.precision).toBeCloseTo(1, 10);
    expect(by['class 2']!.recall).toBeCloseTo(2 / 3, 10);
    expect(by['class 2']!.f1).toBeCloseTo(0.8, 10);
    expect(r.macro.precision.toFixed(2)).toBe('0.50');
    expect(r.macro.recall.toFixed(2)).toBe('0.56');
    expect(r.macro.f1.toFixed(2)).toBe('0.49');
    expect(r.weighted.precision.toFixed(2)).toBe('0.70');
    expect(r.weighted.recall.toFixed(2)).toBe('0.60');
    expect(r.weighted.f1.toFixed(2)).toBe('0.61');
    expect(r.calibration).toBeNull();
  });

  it("builds scikit-learn's documented confusion_matrix example (rows: actual, columns: predicted)", () => {
    // sklearn.metrics.confusion_matrix docs: y_true = [2, 0, 2, 2, 0, 1], y_pred = [0, 0, 2, 2, 0, 2]
    //   → [[2, 0, 0], [0, 0, 1], [1, 0, 2]]
    const acc = new ClassificationAccumulator(['0', '1', '2']);
    const truth = [2, 0, 2, 2, 0, 1];
    const pred = [0, 0, 2, 2, 0, 2];
    truth.forEach((t, i) => acc.add(String(t), String(pred[i])));
    expect(acc.result().matrix).toEqual([
      [2, 0, 0],
      [0, 0, 1],
      [1, 0, 2],
    ]);
  });

  it('adds labels as they appear and keeps the matrix square', () => {
    const acc = new ClassificationAccumulator();
    acc.add('stay', 'stay');
    acc.add('churn', 'stay');
    acc.add('stay', 'unknown');
    const r = acc.result();
    expect(r.labels).toEqual(['stay', 'churn', 'unknown']);
    expect(r.matrix).toEqual([
      [1, 0, 1],
      [1, 0, 0],
      [0, 0, 0],
    ]);
    // The macro average counts only classes that occur among the outcomes.
    expect(r.macro.recall).toBeCloseTo((0.5 + 0) / 2, 10);
  });

  it('calibration: per confidence bin, how sure the model was and how often it was right', () => {
    const acc = new ClassificationAccumulator(['a', 'b']);
    acc.add('a', 'a', 0.95);
    acc.add('b', 'a', 0.91);
    acc.add('a', 'a', 0.55);
    acc.add('a', 'a', 0.58);
    acc.add('b', 'b', 1);
    acc.add('b', 'b', null);
    const cal = acc.result().calibration!;
    expect(cal.map((c) => [c.from, c.rows])).toEqual([
      [0.5, 2],
      [0.9, 3],
    ]);
    expect(cal[0]!.meanConfidence).toBeCloseTo(0.565, 10);
    expect(cal[0]!.accuracy).toBe(1);
    expect(cal[1]!.meanConfidence).toBeCloseTo((0.95 + 0.91 + 1) / 3, 10);
    expect(cal[1]!.accuracy).toBeCloseTo(2 / 3, 10);
  });

  it('agrees with counting the slow, obvious way on random rows', () => {
    const rng = seededRandom(7);
    const labels = ['x', 'y', 'z'];
    const pairs = Array.from({ length: 5000 }, () => [labels[Math.floor(rng() * 3)]!, labels[Math.floor(rng() * 3)]!] as const);
    const acc = new ClassificationAccumulator(labels);
    for (const [a, p] of pairs) acc.add(a, p);
    const r = acc.result();
    for (const [i, label] of labels.entries()) {
      const tp = pairs.filter(([a, p]) => a === label && p === label).length;
      const predicted = pairs.filter(([, p]) => p === label).length;
      const actual = pairs.filter(([a]) => a === label).length;
      expect(r.perClass[i]!.precision).toBeCloseTo(tp / predicted, 12);
      expect(r.perClass[i]!.recall).toBeCloseTo(tp / actual, 12);
    }
    expect(r.accuracy).toBeCloseTo(pairs.filter(([a, p]) => a === p).length / pairs.length, 12);
  });
});

describe('regression figures', () => {
  it("match values computed by hand (scikit-learn's r2_score / mean_absolute_error example)", () => {
    // y = [3, -0.5, 2, 7], ŷ = [2.5, 0.0, 2, 8]; residuals ŷ − y = [-0.5, 0.5, 0, 1]
    // MAE = (0.5 + 0.5 + 0 + 1) / 4 = 0.5
    // MSE = (0.25 + 0.25 + 0 + 1) / 4 = 0.375 → RMSE = √0.375 = 0.6123724…
    // mean(y) = 11.5 / 4 = 2.875; SS_tot = 0.015625 + 11.390625 + 0.765625 + 17.015625 = 29.1875
    // R² = 1 − SS_res / SS_tot = 1 − 1.5 / 29.1875 = 0.9486081…
    const acc = new RegressionAccumulator();
    const y = [3, -0.5, 2, 7];
    const yhat = [2.5, 0.0, 2, 8];
    y.forEach((v, i) => acc.add(v, yhat[i]!));
    const r = acc.result();
    expect(r.rows).toBe(4);
    expect(r.mae).toBeCloseTo(0.5, 12);
    expect(r.rmse).toBeCloseTo(Math.sqrt(0.375), 12);
    expect(r.rmse).toBeCloseTo(0.6123724, 6);
    expect(r.r2).toBeCloseTo(0.9486081, 6);
    expect(r.meanActual).toBeCloseTo(2.875, 12);
    expect(r.meanResidual).toBeCloseTo(0.25, 12);
    expect(r.medianAbsError).toBeCloseTo(0.5, 12);
    expect(r.scatter).toEqual(y.map((actual, i) => ({ actual, predicted: yhat[i] })));
  });

  it('R² is null when every outcome is the same; a perfect model has R² 1 and no error', () => {
    const flat = new RegressionAccumulator();
    flat.add(5, 4);
    flat.add(5, 6);
    expect(flat.result().r2).toBeNull();
    const perfect = new RegressionAccumulator();
    for (let i = 0; i < 100; i++) perfect.add(i, i);
    expect(perfect.result()).toMatchObject({ r2: 1, mae: 0, rmse: 0 });
  });

  it('keeps a bounded, repeatable sample for the scatter and bins every residual', () => {
    const run = () => {
      const acc = new RegressionAccumulator(3);
      for (let i = 0; i < 20_000; i++) acc.add(i, i + (i % 7) - 3);
      return acc.result();
    };
    const a = run();
    expect(a.scatter).toHaveLength(SCATTER_POINTS);
    expect(run().scatter).toEqual(a.scatter);
    expect(a.residualBins.reduce((s, b) => s + b.count, 0)).toBe(20_000);
    expect(a.residualBins[0]!.from).toBe(-3);
    expect(a.residualBins.at(-1)!.to).toBe(3);
  });

  it('histogram: equal bins, the top value in the last one', () => {
    expect(histogram(Float64Array.from([0, 1, 2, 3, 4]), 2)).toEqual([
      { from: 0, to: 2, count: 2 },
      { from: 2, to: 4, count: 3 },
    ]);
    expect(histogram(new Float64Array(0), 4)).toEqual([]);
  });
});
