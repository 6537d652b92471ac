import { z } from 'zod';

/** One prediction as kept in the history, from the form, a what-if sweep or a bulk job. Never an API key. */
export const predictionRecordSchema = z.object({
  id: z.number().int(),
  createdAt: z.string(), // ISO 8601
  profileId: z.string(),
  profileName: z.string(),
  modelName: z.string(),
  modelVersion: z.string(),
  source: z.enum(['form', 'whatif', 'bulk', 'cli']),
  input: z.record(z.string(), z.unknown()),
  result: z.record(z.string(), z.unknown()).nullable(),
  /** 'ok' or the error code. */
  status: z.string(),
  errorMessage: z.string().nullable(),
  errorDetails: z.unknown().nullable(),
  httpStatus: z.number().int().nullable(),
  requestId: z.string().nullable(),
  roundTripMs: z.number().nullable(),
  processingTimeMs: z.number().nullable(),
  attempts: z.number().int(),
  jobId: z.string().nullable(),
  rowNumber: z.number().int().nullable(),
  /** A spreadsheet row's identifying columns (e.g. customer id and name), column → cell; null for the form. */
  rowLabel: z.record(z.string(), z.string()).nullable().optional(),
});
export type PredictionRecord = z.infer<typeof predictionRecordSchema>;
export type NewPrediction = Omit<PredictionRecord, 'id'>;
