import { z } from 'zod';
import { channel } from './define';
import { fieldSpecSchema } from '../domain/model';
import { exportChoiceSchema, exportIdSchema, exportOptionSchema, exportResultSchema } from './export';

export type { ExportChoice, ExportOption, HistoryExportFormat } from './export';

/**
 * Bulk jobs: a spreadsheet imported into SQLite, mapped to a model's fields, checked, run through
 * the engine, browsed, charted and exported. Job ids are numbers; row numbers count as a
 * spreadsheet does (the header is row 1, the first data row is row 2).
 */

export const jobStateSchema = z.enum(['importing', 'ready', 'running', 'paused', 'cancelled', 'done', 'failed']);
export type JobState = z.infer<typeof jobStateSchema>;

/** pending = not answered yet; invalid = local checks found a problem; skipped = the person chose to leave it out. */
export const jobRowStatusSchema = z.enum(['pending', 'ok', 'failed', 'skipped', 'invalid']);
export type JobRowStatus = z.infer<typeof jobRowStatusSchema>;

export const jobCountsSchema = z.object({
  total: z.number().int(),
  pending: z.number().int(),
  ok: z.number().int(),
  failed: z.number().int(),
  skipped: z.number().int(),
  invalid: z.number().int(),
});
export type JobCounts = z.infer<typeof jobCountsSchema>;

/** Model field → spreadsheet column (null: not mapped). */
export const fieldMappingSchema = z.record(z.string(), z.string().nullable());
export type FieldMapping = z.infer<typeof fieldMappingSchema>;

export const jobSettingsSchema = z.object({
  /** Rows per /predictions call; 1 sends rows one by one. */
  batchSize: z.number().int().min(1).max(1000),
  /** Leave the rows that need attention out of the run (they are exported as `skipped`). */
  skipProblemRows: z.boolean(),
});
export type JobSettings = z.infer<typeof jobSettingsSchema>;

export const jobErrorSchema = z.object({ code: z.string(), message: z.string() });

export const jobSummarySchema = z.object({
  id: z.number().int(),
  source: z.enum(['app', 'cli']),
  fileName: z.string(),
  sheet: z.string().nullable(),
  profileId: z.string(),
  profileName: z.string(),
  modelId: z.string().nullable(),
  modelLabel: z.string(),
  state: jobStateSchema,
  counts: jobCountsSchema,
  error: jobErrorSchema.nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  /** Time spent running, over every run of the job. */
  runMs: z.number(),
});
export type JobSummary = z.infer<typeof jobSummarySchema>;

export const importNoticeSchema = z.object({ kind: z.string(), message: z.string() });

export const jobDetailSchema = jobSummarySchema.extend({
  columns: z.array(z.string()),
  /** Header names the importer had to change (duplicates, blanks). */
  renamedColumns: z.array(z.object({ index: z.number().int(), original: z.string(), name: z.string() })),
  notices: z.array(importNoticeSchema),
  encoding: z.string().nullable(),
  delimiter: z.string().nullable(),
  /** The model's input fields; null when unknown (all columns are sent as they are, numbers and booleans typed). */
  fields: z.array(fieldSpecSchema).nullable(),
  mapping: fieldMappingSchema.nullable(),
  /** The mapping has been checked against every row since it was last changed. */
  checked: z.boolean(),
  settings: jobSettingsSchema,
  /** Result fields seen so far, flattened with dots, in order of first appearance. */
  resultFields: z.array(z.string()),
});
export type JobDetail = z.infer<typeof jobDetailSchema>;

export const coercionExampleSchema = z.object({ from: z.string(), to: z.unknown() });

export const problemCauseSchema = z.object({
  key: z.string(),
  cause: z.enum(['unmapped', 'missing', 'unknown-choice', 'bad-value']),
  field: z.string(),
  column: z.string().nullable(),
  rows: z.number().int(),
  text: z.string(),
  /** The distinct values behind it, most frequent first (unknown-choice and bad-value). */
  values: z.array(z.object({ value: z.string(), count: z.number().int() })),
  /** Rows whose value was not among `values` (too many distinct values to list). */
  otherRows: z.number().int(),
  /** The first row numbers behind it. */
  firstRows: z.array(z.number().int()),
});
export type ProblemCauseSummary = z.infer<typeof problemCauseSchema>;

export const checkSummarySchema = z.object({
  jobId: z.number().int(),
  ready: z.number().int(),
  needAttention: z.number().int(),
  /** Rows already answered (a job checked again after part of it ran). */
  finished: z.number().int(),
  /** Problems by column, most frequent first. */
  problemsByColumn: z.array(z.object({ field: z.string(), column: z.string().nullable(), count: z.number().int(), example: z.string() })),
  /** Conversions applied, a few examples per field, so the person can see what will be sent. */
  coercions: z.array(z.object({ field: z.string(), column: z.string(), count: z.number().int(), examples: z.array(coercionExampleSchema) })),
  /** Model fields that no column feeds. */
  unmappedFields: z.array(z.object({ field: z.string(), required: z.boolean() })),
  /** Columns carried through to the export without being sent. */
  extraColumns: z.array(z.string()),
  /**
   * Problems grouped by cause, most rows first: "2,965 rows: Contract Type has values the model
   * does not accept — 'One year' (1,020), '2 yr' (512)…". `key` asks for the rows behind it.
   */
  problemsByCause: z.array(problemCauseSchema).optional(),
  /** False when no row is ready: then "skip the problem rows and score the others" must not be offered. */
  canSkipProblemRows: z.boolean().optional(),
  /** How numbers were read, per column ("Column "Price": the unit "usd" after the numbers was removed."). */
  readingNotes: z.array(z.string()).optional(),
});
export type CheckSummary = z.infer<typeof checkSummarySchema>;

export const rowProblemSchema = z.object({
  field: z.string(),
  column: z.string().nullable(),
  message: z.string(),
  /** Why, for grouping: 'unmapped' | 'missing' | 'unknown-choice' | 'bad-value'. */
  cause: z.string().optional(),
  /** The cell as written. */
  value: z.string().optional(),
});
export type RowProblem = z.infer<typeof rowProblemSchema>;

export const estimateSchema = z.object({
  rows: z.number().int(),
  batchSize: z.number().int(),
  requestsSingle: z.number().int(),
  requestsBatched: z.number().int(),
  rpm: z.number(),
  concurrency: z.number().int(),
  secondsSingle: z.number(),
  secondsBatched: z.number(),
});
export type JobEstimate = z.infer<typeof estimateSchema>;

export const resultRowSchema = z.object({
  rowNumber: z.number().int(),
  cells: z.array(z.string()),
  /** Values of `resultFields`, in order (null when absent). */
  values: z.array(z.unknown()),
  status: jobRowStatusSchema,
  errorCode: z.string().nullable(),
  errorMessage: z.string().nullable(),
  requestId: z.string().nullable(),
});
export type ResultRow = z.infer<typeof resultRowSchema>;

export const chartSummarySchema = z.object({
  field: z.string().nullable(),
  kind: z.enum(['classes', 'histogram', 'none']),
  bins: z.array(z.object({ label: z.string(), count: z.number().int(), from: z.number().optional(), to: z.number().optional() })),
  /** Rows with a value for the field. */
  rows: z.number().int(),
});
export type ChartSummary = z.infer<typeof chartSummarySchema>;

export const jobProgressSchema = z.object({
  jobId: z.number().int(),
  state: jobStateSchema,
  counts: jobCountsSchema,
  /** Rows answered per minute over the last few seconds. */
  rowsPerMinute: z.number(),
  /** Requests per minute the account is being paced at (null before the first request). */
  requestsPerMinute: z.number().nullable(),
  /** Requests per second Plexe was seen (429s) or told (rate-limit headers) to accept for this key, when below the setting. */
  serverRatePerSecond: z.number().nullable().optional(),
  etaSeconds: z.number().nullable(),
  elapsedMs: z.number(),
  /** Set when the run stopped on an error about the account, the model or the network. */
  error: jobErrorSchema.nullable(),
});
export type JobProgress = z.infer<typeof jobProgressSchema>;

const jobId = z.object({ jobId: z.number().int().positive() });
const cursor = z.number().int().nullable().optional();

export const jobChannels = {
  /** Sheet names of an .xlsx workbook; empty for CSV and other text files. */
  'jobs:list-sheets': channel(z.object({ path: z.string().min(1) }), z.object({ sheets: z.array(z.string()) })),
  /** The header and first rows, read without importing the whole file. */
  'jobs:preview-file': channel(
    z.object({ path: z.string().min(1), sheet: z.string().optional(), rows: z.number().int().min(1).max(500).optional() }),
    z.object({
      columns: z.array(z.string()),
      renamedColumns: z.array(z.object({ index: z.number().int(), original: z.string(), name: z.string() })),
      rows: z.array(z.array(z.string())),
      notices: z.array(importNoticeSchema),
      encoding: z.string().nullable(),
      truncated: z.boolean(),
    }),
  ),
  /**
   * Imports the file into a new job (progress on `event:import-progress` under `importId`) and maps
   * its columns to the model's fields automatically. Answers once every row is in the database.
   */
  'jobs:create-job': channel(
    z.object({ importId: z.string().min(1).max(100), path: z.string().min(1), sheet: z.string().optional(), profileId: z.string(), modelId: z.string() }),
    jobDetailSchema,
  ),
  'jobs:cancel-import': channel(z.object({ importId: z.string() }), z.object({ cancelled: z.boolean() })),
  'jobs:get-job': channel(jobId, jobDetailSchema),
  'jobs:list-jobs': channel(z.undefined(), z.array(jobSummarySchema)),
  /** Jobs a crash or a quit left part-way: the app offers to resume them. */
  'jobs:list-resumable': channel(z.undefined(), z.array(jobSummarySchema)),
  /** Changes the mapping and checks every row against it. */
  'jobs:set-mapping': channel(jobId.extend({ mapping: fieldMappingSchema }), checkSummarySchema),
  'jobs:check-job': channel(jobId, checkSummarySchema),
  'jobs:list-problems': channel(
    jobId.extend({ after: cursor, limit: z.number().int().min(1).max(1000).optional() }),
    z.object({ rows: z.array(z.object({ rowNumber: z.number().int(), problems: z.array(rowProblemSchema) })), next: z.number().int().nullable() }),
  ),
  'jobs:estimate-job': channel(jobId.extend({ batchSize: z.number().int().min(1).max(1000).optional() }), estimateSchema),
  'jobs:start-job': channel(jobId.extend({ skipProblemRows: z.boolean().optional(), batchSize: z.number().int().min(1).max(1000).optional() }), jobSummarySchema),
  'jobs:pause-job': channel(jobId, jobSummarySchema),
  'jobs:resume-job': channel(jobId, jobSummarySchema),
  'jobs:cancel-job': channel(jobId, jobSummarySchema),
  /** Failed rows go back to pending and the job runs again. */
  'jobs:retry-failed': channel(jobId, jobSummarySchema),
  'jobs:list-results': channel(
    jobId.extend({ after: cursor, limit: z.number().int().min(1).max(1000).optional(), filter: z.enum(['all', 'failed']).optional() }),
    z.object({ columns: z.array(z.string()), resultFields: z.array(z.string()), rows: z.array(resultRowSchema), next: z.number().int().nullable() }),
  ),
  'jobs:chart-summary': channel(jobId.extend({ field: z.string().optional() }), chartSummarySchema),
  /** Writes the results to `path` (from `app:choose-save-path`) as `format` says (remembered for next time); progress on `event:export-progress`. */
  'jobs:export-results': channel(jobId.extend({ path: z.string().min(1), format: exportChoiceSchema.optional(), exportId: exportIdSchema.optional() }), exportResultSchema),
  /** The formats the export offers for this job and the one offered first (the last chosen, or .xlsx for an .xlsx input, else CSV). */
  'jobs:export-options': channel(jobId, z.object({ offered: exportChoiceSchema, options: z.array(exportOptionSchema) })),
  'jobs:delete-job': channel(jobId, z.object({ deleted: z.boolean() })),
} as const;

export const jobEvents = {
  /** At most about four a second per running job, plus one when it stops. */
  'event:job-progress': jobProgressSchema,
  'event:import-progress': z.object({ importId: z.string(), bytes: z.number(), totalBytes: z.number(), rows: z.number().int() }),
} as const;
