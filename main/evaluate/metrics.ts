import { seededRandom, type Rng } from '../../shared/seeded-random';
import type { ClassificationFigures, RegressionFigures } from '../../shared/ipc/evaluate';

/**
 * How well a model did on rows whose outcome is known. Pure accumulators: rows are added one at a
 * time (from pages of a job's rows), in constant memory for classification and one number per row
 * for regression (the residuals, for their distribution), so a million rows need no second pass.
 */

/** Confidence bins of the calibration view: [0, 0.1), …, [0.9, 1]. */
const CALIBRATION_BINS = 10;
/** Points kept for the predicted-vs-actual scatter (a seeded reservoir sample, so charts repeat). */
export const SCATTER_POINTS = 1_500;
const RESIDUAL_BINS = 30;

export class ClassificationAccumulator {
  private readonly index = new Map<string, number>();
  private readonly labels: string[] = [];
  /** counts[actual][predicted], grown as new labels appear. */
  private counts: number[][] = [];
  private rows = 0;
  private correct = 0;
  private readonly calN = new Array<number>(CALIBRATION_BINS).fill(0);
  private readonly calConf = new Array<number>(CALIBRATION_BINS).fill(0);
  private readonly calRight = new Array<number>(CALIBRATION_BINS).fill(0);
  private withConfidence = 0;

  /** `labels` fixes the order of the matrix (others are appended as they appear). */
  constructor(labels: readonly string[] = []) {
    for (const l of labels) this.labelIndex(l);
  }

  private labelIndex(label: string): number {
    let i = this.index.get(label);
    if (i === undefined) {
      i = this.labels.length;
      this.index.set(label, i);
      this.labels.push(label);
      for (const row of this.counts) row.push(0);
      this.counts.push(new Array<number>(this.labels.length).fill(0));
    }
    return i;
  }

  /** One row: what really happened, what the model said, and its confidence in that answer (0–1) if it gave one. */
  add(actual: string, predicted: string, confidence: number | null = null): void {
    const a = this.labelIndex(actual);
    const p = this.labelIndex(predicted);
    this.counts[a]![p]!++;
    this.rows++;
    const right = a === p;
    if (right) this.correct++;
    if (confidence !== null && Number.isFinite(confidence) && confidence >= 0 && confidence <= 1) {
      const bin = Math.min(CALIBRATION_BINS - 1, Math.floor(confidence * CALIBRATION_BINS));
      this.calN[bin]!++;
      this.calConf[bin]! += confidence;
      if (right) this.calRight[bin]!++;
      this.withConfidence++;
    }
  }

  result(): ClassificationFigures {
    const k = this.labels.length;
    const matrix = this.counts.map((r) => [...r]);
    const perClass = this.labels.map((label, i) => {
      const tp = matrix[i]![i]!;
      const support = matrix[i]!.reduce((s, n) => s + n, 0);
      let predictedAs = 0;
      for (let a = 0; a < k; a++) predictedAs += matrix[a]![i]!;
      const precision = predictedAs === 0 ? 0 : tp / predictedAs;
      const recall = support === 0 ? 0 : tp / support;
      const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
      return { label, precision, recall, f1, support, predicted: predictedAs };
    });
    const withSupport = perClass.filter((c) => c.support > 0);
    const mean = (pick: (c: (typeof perClass)[number]) => number) => (withSupport.length === 0 ? 0 : withSupport.reduce((s, c) => s + pick(c), 0) / withSupport.length);
    const weighted = (pick: (c: (typeof perClass)[number]) => number) => (this.rows === 0 ? 0 : perClass.reduce((s, c) => s + pick(c) * c.support, 0) / this.rows);
    const calibration =
      this.withConfidence === 0
        ? null
        : this.calN.flatMap((n, b) =>
            n === 0 ? [] : [{ from: b / CALIBRATION_BINS, to: (b + 1) / CALIBRATION_BINS, rows: n, meanConfidence: this.calConf[b]! / n, accuracy: this.calRight[b]! / n }],
          );
    return {
      kind: 'classification',
      rows: this.rows,
      labels: [...this.labels],
      matrix,
      accuracy: this.rows === 0 ? 0 : this.correct / this.rows,
      perClass,
      macro: { precision: mean((c) => c.precision), recall: mean((c) => c.recall), f1: mean((c) => c.f1) },
      weighted: { precision: weighted((c) => c.precision), recall: weighted((c) => c.recall), f1: weighted((c) => c.f1) },
      calibration,
    };
  }
}

export class RegressionAccumulator {
  private rows = 0;
  private sumAbs = 0;
  private sumSq = 0;
  private sumResidual = 0;
  /** Welford's running mean and sum of squared deviations of the actual values (for R²). */
  private meanActual = 0;
  private m2Actual = 0;
  private residuals = new Float64Array(1024);
  private readonly sample: [number, number][] = [];
  private readonly rng: Rng;

  constructor(seed = 1) {
    this.rng = seededRandom(seed);
  }

  add(actual: number, predicted: number): void {
    const residual = predicted - actual;
    this.rows++;
    this.sumAbs += Math.abs(residual);
    this.sumSq += residual * residual;
    this.sumResidual += residual;
    const delta = actual - this.meanActual;
    this.meanActual += delta / this.rows;
    this.m2Actual += delta * (actual - this.meanActual);
    if (this.rows > this.residuals.length) {
      const grown = new Float64Array(this.residuals.length * 2);
      grown.set(this.residuals);
      this.residuals = grown;
    }
    this.residuals[this.rows - 1] = residual;
    if (this.sample.length < SCATTER_POINTS) this.sample.push([actual, predicted]);
    else {
      const j = Math.floor(this.rng() * this.rows);
      if (j < SCATTER_POINTS) this.sample[j] = [actual, predicted];
    }
  }

  result(): RegressionFigures {
    const n = this.rows;
    const residuals = this.residuals.subarray(0, n);
    return {
      kind: 'regression',
      rows: n,
      mae: n === 0 ? 0 : this.sumAbs / n,
      rmse: n === 0 ? 0 : Math.sqrt(this.sumSq / n),
      // R² is undefined when every actual value is the same (nothing to explain).
      r2: n === 0 || this.m2Actual === 0 ? null : 1 - this.sumSq / this.m2Actual,
      meanActual: this.meanActual,
      meanResidual: n === 0 ? 0 : this.sumResidual / n,
      medianAbsError: n === 0 ? 0 : medianAbs(residuals),
      scatter: this.sample.map(([actual, predicted]) => ({ actual, predicted })),
      residualBins: histogram(residuals, RESIDUAL_BINS),
    };
  }
}

function medianAbs(values: Float64Array): number {
  const abs = Float64Array.from(values, Math.abs).sort();
  const mid = abs.length >> 1;
  return abs.length % 2 === 1 ? abs[mid]! : (abs[mid - 1]! + abs[mid]!) / 2;
}

/** Equal-width bins from the smallest to the largest value; the last bin includes its upper edge. */
export function histogram(values: Float64Array, bins: number): { from: number; to: number; count: number }[] {
  if (values.length === 0) return [];
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (lo === hi) return [{ from: lo, to: hi, count: values.length }];
  const width = (hi - lo) / bins;
  const counts = new Array<number>(bins).fill(0);
  for (const v of values) counts[Math.min(bins - 1, Math.floor((v - lo) / width))]!++;
  return counts.map((count, i) => ({ from: lo + i * width, to: i === bins - 1 ? hi : lo + (i + 1) * width, count }));
}
