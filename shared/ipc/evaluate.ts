import { z } from 'zod';
import { channel } from './define';

/**
 * Evaluating a model on known outcomes: a bulk job whose spreadsheet has a column with what really
 * happened (the "known outcome"). That column is never sent to the model; after the run the model's
 * answers are set against it, row by row, and the figures are computed from the stored rows.
 */

export const evaluationTaskSchema = z.enum(['classification', 'regression']);
export type EvaluationTask = z.infer<typeof evaluationTaskSchema>;

/** The choice stored with a job: which column holds the outcome and which answer field it is set against. */
export const outcomeChoiceSchema = z.object({
  column: z.string().min(1),
  /** The answer field compared with it (flattened with dots: `predicted_class`, `predicted_price`). */
  resultField: z.string().min(1),
  /** The answer field holding the model's confidence in its class, when it gives one. */
  confidenceField: z.string().nullable(),
  task: evaluationTaskSchema,
  /** Outcome value as written (trimmed, lower case) → the model's class ("yes" → "churn"); classification only. */
  valueMap: z.record(z.string(), z.string()),
  /** The model card's own figures (its describe answer's metrics), kept so the comparison opens offline. */
  modelFigures: z.record(z.string(), z.number()).nullable(),
});
export type OutcomeChoice = z.infer<typeof outcomeChoiceSchema>;

export const outcomeSuggestionSchema = z.object({
  column: z.string(),
  resultField: z.string(),
  task: evaluationTaskSchema,
  /** Why it is offered, in plain words. */
  reason: z.string(),
  score: z.number(),
});
export type OutcomeSuggestion = z.infer<typeof outcomeSuggestionSchema>;

const perClassSchema = z.object({
  label: z.string(),
  precision: z.number(),
  recall: z.number(),
  f1: z.number(),
  /** Rows whose outcome is this class. */
  support: z.number().int(),
  /** Rows the model put in this class. */
  predicted: z.number().int(),
});

export const classificationFiguresSchema = z.object({
  kind: z.literal('classification'),
  rows: z.number().int(),
  labels: z.array(z.string()),
  /** matrix[actual][predicted], in the order of `labels`. */
  matrix: z.array(z.array(z.number().int())),
  accuracy: z.number(),
  perClass: z.array(perClassSchema),
  macro: z.object({ precision: z.number(), recall: z.number(), f1: z.number() }),
  weighted: z.object({ precision: z.number(), recall: z.number(), f1: z.number() }),
  /** Per confidence bin: how sure the model said it was, and how often it was right; null without confidences. */
  calibration: z.array(z.object({ from: z.number(), to: z.number(), rows: z.number().int(), meanConfidence: z.number(), accuracy: z.number() })).nullable(),
});
export type ClassificationFigures = z.infer<typeof classificationFiguresSchema>;

export const regressionFiguresSchema = z.object({
  kind: z.literal('regression'),
  rows: z.number().int(),
  mae: z.number(),
  rmse: z.number(),
  /** Null when every known outcome is the same value. */
  r2: z.number().nullable(),
  meanActual: z.number(),
  /** Mean of predicted − actual: above 0 the model tends to say too much. */
  meanResidual: z.number(),
  medianAbsError: z.number(),
  scatter: z.array(z.object({ actual: z.number(), predicted: z.number() })),
  residualBins: z.array(z.object({ from: z.number(), to: z.number(), count: z.number().int() })),
});
export type RegressionFigures = z.infer<typeof regressionFiguresSchema>;

export const evaluationFiguresSchema = z.discriminatedUnion('kind', [classificationFiguresSchema, regressionFiguresSchema]);
export type EvaluationFigures = z.infer<typeof evaluationFiguresSchema>;

/** One figure in plain words, beside the model card's own when it has one. */
export const figureLineSchema = z.object({
  key: z.string(),
  name: z.string(),
  value: z.number().nullable(),
  /** "81%", "$52,300". */
  text: z.string(),
  /** The model card's figure for the same measure, formatted alike; null when the card has none. */
  cardText: z.string().nullable(),
  explanation: z.string(),
});
export type FigureLine = z.infer<typeof figureLineSchema>;

export const evaluationSchema = z.object({
  jobId: z.number().int(),
  modelLabel: z.string(),
  fileName: z.string(),
  outcome: outcomeChoiceSchema,
  figures: evaluationFiguresSchema,
  lines: z.array(figureLineSchema),
  /** Rows left out, by reason. */
  leftOut: z.object({ noOutcome: z.number().int(), failed: z.number().int(), notScored: z.number().int(), unreadable: z.number().int() }),
  /** Outcome values that could not be read or matched to a class, most frequent first. */
  unreadableValues: z.array(z.object({ value: z.string(), count: z.number().int() })),
  /** "Evaluation of customer-churn v2 on churn.xlsx, 4,484 rows, accuracy 81%". */
  title: z.string(),
  computedAt: z.string(),
  jobState: z.string(),
});
export type Evaluation = z.infer<typeof evaluationSchema>;

export const evaluationSummarySchema = z.object({
  jobId: z.number().int(),
  title: z.string(),
  modelLabel: z.string(),
  fileName: z.string(),
  task: evaluationTaskSchema,
  rows: z.number().int(),
  /** Accuracy (classification) or typical error, MAE (regression); null before the job has answers. */
  headline: z.object({ name: z.string(), text: z.string() }).nullable(),
  createdAt: z.string(),
  jobState: z.string(),
});
export type EvaluationSummary = z.infer<typeof evaluationSummarySchema>;

const jobId = z.object({ jobId: z.number().int().positive() });

export const evaluateChannels = {
  /** Columns that look like the known outcome for this job's model, best first. */
  'evaluate:suggest-outcome': channel(jobId, z.object({ suggestions: z.array(outcomeSuggestionSchema) })),
  /** Marks (or with `column: null` unmarks) the known-outcome column; refused once rows have answers. */
  'evaluate:set-outcome': channel(
    jobId.extend({ column: z.string().min(1).nullable(), resultField: z.string().min(1).optional(), valueMap: z.record(z.string(), z.string()).optional() }),
    z.object({ outcome: outcomeChoiceSchema.nullable() }),
  ),
  'evaluate:get-outcome': channel(jobId, z.object({ outcome: outcomeChoiceSchema.nullable() })),
  /** The figures, computed from the job's stored rows (works offline). */
  'evaluate:get-evaluation': channel(jobId, evaluationSchema),
  'evaluate:list-evaluations': channel(z.undefined(), z.array(evaluationSummarySchema)),
  /** Writes the figures as CSV, an .xlsx workbook or a one-page HTML report to `path` (from `app:choose-save-path`). */
  'evaluate:export-evaluation': channel(jobId.extend({ path: z.string().min(1), format: z.enum(['csv', 'html', 'xlsx']) }), z.object({ path: z.string(), bytes: z.number().int() })),
} as const;
