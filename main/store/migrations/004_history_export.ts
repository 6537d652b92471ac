import type { Migration } from './types';

/**
 * (Dropped by migration 6: exports format rows from their values.) A history row's whole export line, written with the row (main/history/store.ts, row-text.ts) — since
 * migration 5, behind the inserts, from the stored JSON — so exporting a million rows is SQLite joining
 * stored text instead of picking every column out of the stored JSON and formatting it in JS:
 *
 * - `csv_line`: the row's input cells (formula-safe, quoted where needed, in the order of its shape's
 *   input paths, joined by commas), U+001F, its result cells the same way, U+001D, then
 *   `status,error,request_id,created_at`, U+001E, `source,http_status,round_trip_ms,processing_time_ms,
 *   attempts,job_id,row_number` and CRLF — each cell exactly as the export writes it. The export puts
 *   in the other shapes' empty cells at U+001F and U+001D and the account and model at U+001E (they
 *   are fixed per series, so rows do not repeat them). Everything in it is fixed when the row is
 *   written (input, result, shape, times and outcome never change), so it never goes stale.
 * - NULL for rows written before this version, and for the rare row whose text cannot be kept this way
 *   (a text holding U+001D–U+001F or a lone surrogate, or an object with its own `toJSON`): the export
 *   formats those from their JSON as before.
 */
export const historyExport: Migration = {
  version: 4,
  name: 'history export text',
  up(db) {
    db.exec('ALTER TABLE predictions ADD COLUMN csv_line TEXT;');
  },
};
