import type { EvaluationFigures, FigureLine, OutcomeChoice } from '../../shared/ipc/evaluate';

/**
 * The figures in plain words: one sentence each, set beside the model card's own figure for the
 * same measure when its describe answer carries one ("on your data: typical error $52,300; in
 * Plexe's tests: $41,250").
 */

const NEGATIVE = new Set(['stay', 'no', 'none', 'negative', 'false', '0', 'decline', 'declined', 'reject', 'rejected', 'normal', 'ok', 'retain', 'retained']);

export function percent(x: number): string {
  return `${(x * 100).toFixed(x >= 0.995 || x < 0.1 ? 1 : 0).replace(/\.0$/, '')}%`;
}

/** Money when the answer or the column says so (price, cost, "$" in the cells), else a plain number. */
export function amountFormatter(outcome: Pick<OutcomeChoice, 'column' | 'resultField'>, money: boolean): (n: number) => string {
  const moneyLike = money || /price|cost|amount|revenue|salary|value|sales|income|charge|\$/i.test(`${outcome.column} ${outcome.resultField}`);
  return (n: number) => {
    const abs = Math.abs(n);
    const digits = abs >= 100 ? 0 : abs >= 1 ? 2 : 3;
    const text = abs.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: moneyLike && digits === 2 ? 2 : 0 });
    return `${n < 0 ? '−' : ''}${moneyLike ? '$' : ''}${text}`;
  };
}

/** In a two-class model, the class the interesting outcome is about (churn, not stay); null otherwise. */
export function positiveClass(labels: readonly string[]): string | null {
  if (labels.length !== 2) return null;
  const notNegative = labels.filter((l) => !NEGATIVE.has(l.trim().toLowerCase()));
  return notNegative.length === 1 ? notNegative[0]! : null;
}

function card(figures: Record<string, number> | null, keys: string[], format: (n: number) => string): string | null {
  if (!figures) return null;
  for (const k of keys) {
    const v = figures[k];
    if (typeof v === 'number' && Number.isFinite(v)) return format(v);
  }
  return null;
}

export function figureLines(figures: EvaluationFigures, outcome: OutcomeChoice, moneyCells: boolean): FigureLine[] {
  const m = outcome.modelFigures;
  if (figures.kind === 'classification') {
    const lines: FigureLine[] = [
      {
        key: 'accuracy',
        name: 'Accuracy',
        value: figures.accuracy,
        text: percent(figures.accuracy),
        cardText: card(m, ['accuracy'], percent),
        explanation: `The model's answer matched what really happened in ${percent(figures.accuracy)} of ${figures.rows.toLocaleString('en-US')} rows.`,
      },
    ];
    const positive = positiveClass(figures.labels);
    const c = positive === null ? null : figures.perClass.find((p) => p.label === positive);
    if (c) {
      lines.push(
        {
          key: 'precision',
          name: `Precision (${c.label})`,
          value: c.precision,
          text: percent(c.precision),
          cardText: card(m, ['precision'], percent),
          explanation: `Of the ${c.predicted.toLocaleString('en-US')} rows the model called "${c.label}", ${percent(c.precision)} really were.`,
        },
        {
          key: 'recall',
          name: `Recall (${c.label})`,
          value: c.recall,
          text: percent(c.recall),
          cardText: card(m, ['recall'], percent),
          explanation: `Of the ${c.support.toLocaleString('en-US')} rows that really were "${c.label}", the model caught ${percent(c.recall)}.`,
        },
        {
          key: 'f1',
          name: `F1 (${c.label})`,
          value: c.f1,
          text: c.f1.toFixed(2),
          cardText: card(m, ['f1', 'f1_score'], (n) => n.toFixed(2)),
          explanation: 'Precision and recall in one number, from 0 to 1: high only when both are high.',
        },
      );
    } else {
      lines.push(
        {
          key: 'precision',
          name: 'Precision (average over classes)',
          value: figures.macro.precision,
          text: percent(figures.macro.precision),
          cardText: card(m, ['precision_macro', 'precision'], percent),
          explanation: 'For each class, the share of the rows the model put in it that really belonged there, averaged over the classes.',
        },
        {
          key: 'recall',
          name: 'Recall (average over classes)',
          value: figures.macro.recall,
          text: percent(figures.macro.recall),
          cardText: card(m, ['recall_macro', 'recall'], percent),
          explanation: "For each class, the share of its rows the model recognised, averaged over the classes.",
        },
      );
    }
    return lines;
  }
  const fmt = amountFormatter(outcome, moneyCells);
  return [
    {
      key: 'mae',
      name: 'Typical error (MAE)',
      value: figures.mae,
      text: fmt(figures.mae),
      cardText: card(m, ['mae', 'mean_absolute_error'], fmt),
      explanation: `On average the model's estimate was ${fmt(figures.mae)} away from the real value, too high or too low.`,
    },
    {
      key: 'rmse',
      name: 'RMSE',
      value: figures.rmse,
      text: fmt(figures.rmse),
      cardText: card(m, ['rmse', 'root_mean_squared_error'], fmt),
      explanation: 'Like the typical error, but large misses count more: well above the typical error means a few rows are far off.',
    },
    {
      key: 'r2',
      name: 'R²',
      value: figures.r2,
      text: figures.r2 === null ? 'n/a' : figures.r2.toFixed(2),
      cardText: card(m, ['r2', 'r_squared', 'r2_score'], (n) => n.toFixed(2)),
      explanation:
        figures.r2 === null
          ? 'Every known value is the same, so there is no variation to explain.'
          : `The model explains ${percent(Math.max(0, figures.r2))} of how much the real values vary (1 is perfect; 0 is no better than always guessing the average).`,
    },
    {
      key: 'bias',
      name: 'Bias',
      value: figures.meanResidual,
      text: fmt(figures.meanResidual),
      cardText: null,
      explanation:
        figures.meanResidual >= 0
          ? `On average the model estimated ${fmt(figures.meanResidual)} too high.`
          : `On average the model estimated ${fmt(-figures.meanResidual)} too low.`,
    },
  ];
}

/** "accuracy 81%" or "typical error $52,300": the one figure a list shows. */
export function headlineOf(lines: readonly FigureLine[]): { name: string; text: string } | null {
  const first = lines[0];
  if (!first) return null;
  return { name: first.key === 'accuracy' ? 'accuracy' : 'typical error', text: first.text };
}
