import { z } from 'zod';
import { channel } from './define';
import { predictionRecordSchema } from '../domain/prediction';
import { exportIdSchema, historyExportFormatSchema } from './export';

const isoDate = z.iso.datetime({ offset: true });

/** What the History screen can narrow the list to. Every field is optional; all given ones must match. */
export const historyFiltersSchema = z
  .object({
    modelName: z.string().min(1).max(200).optional(),
    /** Only together with `modelName`. */
    modelVersion: z.string().min(1).max(100).optional(),
    profileId: z.string().min(1).max(200).optional(),
    /** Exact status: `ok` or an error code such as `rate_limit_exceeded`. */
    status: z.string().min(1).max(100).optional(),
    /** `failed` = any status other than `ok`. */
    outcome: z.enum(['ok', 'failed']).optional(),
    source: predictionRecordSchema.shape.source.optional(),
    /** Inclusive start (ISO 8601). */
    from: isoDate.optional(),
    /** Exclusive end (ISO 8601). */
    to: isoDate.optional(),
    /** Words to find in the input, result, error message or request id (each word as a prefix). */
    text: z.string().max(200).optional(),
  })
  .strict()
  .refine((f) => f.modelVersion === undefined || f.modelName !== undefined, {
    message: 'Choose a model before choosing one of its versions.',
    path: ['modelVersion'],
  });
export type HistoryFilters = z.infer<typeof historyFiltersSchema>;

export const historyPageRequestSchema = z.object({
  filters: historyFiltersSchema.default({}),
  /** Opaque position from the previous page's `nextCursor`; absent for the first (newest) page. */
  cursor: z
    .string()
    .regex(/^\d{1,16}\.\d{1,16}$/, 'This list position is not valid; reload the list.')
    .nullable()
    .optional(),
  limit: z.number().int().min(1).max(1000).default(100),
});
export type HistoryPageRequest = z.input<typeof historyPageRequestSchema>;

export const historyPageSchema = z.object({
  rows: z.array(predictionRecordSchema),
  /** Pass back to get the next (older) page; null at the end of the list. */
  nextCursor: z.string().nullable(),
});
export type HistoryPage = z.infer<typeof historyPageSchema>;

export const statsBucketSchema = z.enum(['auto', 'hour', 'day', 'week']);

export const historyStatsRequestSchema = z.object({
  modelName: z.string().min(1),
  modelVersion: z.string().min(1),
  profileId: z.string().min(1).optional(),
  from: isoDate,
  to: isoDate,
  bucket: statsBucketSchema.default('auto'),
  /** Minutes east of UTC, so days start at the user's midnight (`-new Date().getTimezoneOffset()`). */
  utcOffsetMinutes: z.number().int().min(-14 * 60).max(14 * 60).default(0),
  /** Result field to chart; the first suitable one when absent. */
  field: z.string().min(1).max(200).optional(),
});
export type HistoryStatsRequest = z.input<typeof historyStatsRequestSchema>;

export const distributionSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('classes'),
    field: z.string(),
    classes: z.array(z.object({ label: z.string(), count: z.number().int() })),
    /** Rows whose value is not among the classes listed (only the most frequent are listed). */
    otherCount: z.number().int(),
  }),
  z.object({
    kind: z.literal('histogram'),
    field: z.string(),
    bins: z.array(z.object({ from: z.number(), to: z.number(), count: z.number().int() })),
  }),
]);
export type Distribution = z.infer<typeof distributionSchema>;

export const historyStatsSchema = z.object({
  bucket: z.enum(['hour', 'day', 'week']),
  bucketMs: z.number().int(),
  buckets: z.array(
    z.object({
      start: z.string(),
      count: z.number().int(),
      errors: z.number().int(),
      errorsByCode: z.record(z.string(), z.number().int()),
      roundTripP50: z.number().nullable(),
      roundTripP95: z.number().nullable(),
      processingP50: z.number().nullable(),
      processingP95: z.number().nullable(),
    }),
  ),
  total: z.number().int(),
  errors: z.number().int(),
  errorsByCode: z.array(z.object({ code: z.string(), count: z.number().int() })),
  resultFields: z.array(z.string()),
  distribution: distributionSchema.nullable(),
});
export type HistoryStats = z.infer<typeof historyStatsSchema>;

export const historyFacetsSchema = z.object({
  models: z.array(z.object({ modelName: z.string(), modelVersion: z.string() })),
  profiles: z.array(z.object({ profileId: z.string(), profileName: z.string() })),
  statuses: z.array(z.string()),
});
export type HistoryFacets = z.infer<typeof historyFacetsSchema>;

export const retentionSchema = z.object({
  /** Entries older than this many days are deleted at start-up; null keeps everything. */
  days: z.number().int().min(1).max(36_500).nullable(),
});
export type Retention = z.infer<typeof retentionSchema>;

export const historyChannels = {
  'history:list-page': channel(historyPageRequestSchema, historyPageSchema),
  'history:get-entry': channel(z.object({ id: z.number().int().positive() }), predictionRecordSchema.nullable()),
  'history:count-entries': channel(z.object({ filters: historyFiltersSchema.default({}) }), z.object({ count: z.number().int() })),
  'history:get-stats': channel(historyStatsRequestSchema, historyStatsSchema),
  /** CSV (UTF-8 with a byte-order mark) or, with `format: 'xlsx'`, a workbook; the format is remembered; progress on `event:export-progress`. */
  'history:export-csv': channel(
    z.object({ filters: historyFiltersSchema.default({}), path: z.string().min(1).max(4096), format: historyExportFormatSchema.optional(), exportId: exportIdSchema.optional() }),
    z.object({ rows: z.number().int(), columns: z.array(z.string()), path: z.string(), notices: z.array(z.string()).optional() }),
  ),
  /** The history export's format offered first: the last one chosen, CSV before any. */
  'history:export-format': channel(z.undefined(), z.object({ format: historyExportFormatSchema })),
  'history:delete-entries': channel(z.object({ ids: z.array(z.number().int().positive()).min(1).max(100_000) }), z.object({ deleted: z.number().int() })),
  'history:clear-all': channel(z.object({ confirm: z.literal(true) }), z.object({ deleted: z.number().int() })),
  'history:set-retention': channel(retentionSchema, retentionSchema),
  'history:get-retention': channel(z.undefined(), retentionSchema),
  'history:list-facets': channel(z.undefined(), historyFacetsSchema),
} as const;
export type HistoryChannelName = keyof typeof historyChannels;

/** The settings key for the retention period. */
export const RETENTION_SETTING = 'history.retentionDays';
