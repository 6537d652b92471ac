import { z } from 'zod';

/**
 * What an export is written as: an Excel workbook, CSV as Excel reads it (UTF-8 with a byte-order
 * mark, commas), or CSV "like the file I loaded" (that file's separator and encoding).
 */
export const exportChoiceSchema = z.enum(['xlsx', 'csv', 'like-input']);
export type ExportChoice = z.infer<typeof exportChoiceSchema>;

/** One format the export dialog offers, in words, with the file name ending it writes. */
export const exportOptionSchema = z.object({
  choice: exportChoiceSchema,
  label: z.string(),
  extension: z.enum(['.xlsx', '.csv', '.tsv']),
});
export type ExportOption = z.infer<typeof exportOptionSchema>;

/** The history export: a workbook, or CSV UTF-8 with a byte-order mark. */
export const historyExportFormatSchema = z.enum(['xlsx', 'csv']);
export type HistoryExportFormat = z.infer<typeof historyExportFormatSchema>;

/** Names the export in `event:export-progress`. */
export const exportIdSchema = z.string().min(1).max(100);

export const exportResultSchema = z.object({
  path: z.string(),
  rows: z.number().int(),
  bytes: z.number().int(),
  /** What the person should know about the file (rows continued on a second sheet, characters the encoding could not hold). */
  notices: z.array(z.string()),
});
