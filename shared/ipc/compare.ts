import { z } from 'zod';
import { channel } from './define';
import { evaluationSchema } from './evaluate';
import { jobRowStatusSchema, jobStateSchema } from './jobs';

/**
 * Comparisons: a bulk job whose rows are also scored by a second model (typically another version
 * of the same one), both answers kept side by side. The second model is chosen before the job
 * starts; every start, resume or retry of the job then runs both.
 */

export const secondModelSchema = z.object({
  jobId: z.number().int(),
  profileId: z.string(),
  profileName: z.string(),
  modelId: z.string().nullable(),
  modelLabel: z.string(),
});
export type SecondModelInfo = z.infer<typeof secondModelSchema>;

export const binSchema = z.object({ label: z.string(), count: z.number().int(), from: z.number().optional(), to: z.number().optional() });

export const comparisonSummarySchema = z.object({
  jobId: z.number().int(),
  fileName: z.string(),
  state: jobStateSchema,
  firstLabel: z.string(),
  secondLabel: z.string(),
  /** Short names of the two sides for column headers: `v1`, `v2` for two versions of one model. */
  firstPrefix: z.string(),
  secondPrefix: z.string(),
  /** "Comparison of customer-churn v1 and v2 on churn.csv, 4,484 rows, 312 changed class". */
  title: z.string(),
  rows: z.object({
    /** Rows sent (or to be sent) to both models. */
    total: z.number().int(),
    firstOk: z.number().int(),
    firstFailed: z.number().int(),
    secondOk: z.number().int(),
    secondFailed: z.number().int(),
    /** Rows the second model has not answered yet. */
    secondPending: z.number().int(),
    /** Rows both models answered: the ones compared. */
    both: z.number().int(),
  }),
  /** The prediction field compared, and the others both models answer. */
  field: z.string().nullable(),
  fields: z.array(z.string()),
  kind: z.enum(['classes', 'numbers', 'none']),
  /** Rows whose compared field differs between the two answers. */
  changed: z.number().int(),
  /** classes: counts by (first class, second class); `cells[i][j]` = rows with classes[i] first and classes[j] second. */
  matrix: z.object({ classes: z.array(z.string()), cells: z.array(z.array(z.number().int())) }).nullable(),
  /** numbers: second − first. */
  differences: z
    .object({
      n: z.number().int(),
      up: z.number().int(),
      down: z.number().int(),
      mean: z.number(),
      meanAbs: z.number(),
      bins: z.array(binSchema),
      top: z.array(z.object({ rowNumber: z.number().int(), first: z.number(), second: z.number(), difference: z.number() })),
    })
    .nullable(),
  /**
   * Both sides' figures on a known outcome, when the job has one marked (each side evaluated as a
   * plain job would be); null when no outcome column is marked.
   */
  outcome: z.object({ first: evaluationSchema, second: evaluationSchema }).nullable(),
});
export type ComparisonSummary = z.infer<typeof comparisonSummarySchema>;

export const pairedRowSchema = z.object({
  rowNumber: z.number().int(),
  cells: z.array(z.string()),
  first: z.array(z.unknown()),
  second: z.array(z.unknown()),
  firstStatus: jobRowStatusSchema,
  /** null: the second model has not answered this row (yet). */
  secondStatus: z.enum(['ok', 'failed']).nullable(),
  firstError: z.string().nullable(),
  secondError: z.string().nullable(),
  changed: z.boolean(),
  difference: z.number().nullable(),
});
export type PairedRow = z.infer<typeof pairedRowSchema>;

export const comparisonListItemSchema = z.object({
  jobId: z.number().int(),
  title: z.string(),
  fileName: z.string(),
  firstLabel: z.string(),
  secondLabel: z.string(),
  state: jobStateSchema,
  createdAt: z.string(),
});
export type ComparisonListItem = z.infer<typeof comparisonListItemSchema>;

const jobId = z.object({ jobId: z.number().int().positive() });

export const compareChannels = {
  /** Chooses the second model of a job that has not started (a saved model; its own account unless `profileId` names another). */
  'compare:set-second': channel(jobId.extend({ modelId: z.string().min(1), profileId: z.string().optional() }), secondModelSchema),
  /** The job is scored with its own model only (before it starts). */
  'compare:clear-second': channel(jobId, z.object({ cleared: z.boolean() })),
  'compare:get-second': channel(jobId, secondModelSchema.nullable()),
  'compare:get-summary': channel(jobId.extend({ field: z.string().optional() }), comparisonSummarySchema),
  'compare:list-rows': channel(
    jobId.extend({ after: z.number().int().nullable().optional(), limit: z.number().int().min(1).max(1000).optional(), filter: z.enum(['all', 'changed']).optional(), field: z.string().optional() }),
    z.object({ columns: z.array(z.string()), fields: z.array(z.string()), field: z.string().nullable(), firstPrefix: z.string(), secondPrefix: z.string(), rows: z.array(pairedRowSchema), next: z.number().int().nullable() }),
  ),
  /** Both result sets, the difference and both statuses, as CSV or (path ending .xlsx) Excel; a path ending .html gets the one-page report. */
  'compare:export': channel(jobId.extend({ path: z.string().min(1) }), z.object({ path: z.string(), rows: z.number().int(), bytes: z.number().int() })),
  /** Every saved comparison, newest first (History). */
  'compare:list': channel(z.undefined(), z.array(comparisonListItemSchema)),
} as const;
