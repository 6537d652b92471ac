import type { Migration } from './types';

/**
 * (Dropped by migration 6: exports format rows from their values.) A scored row's export text, written with its outcome (at the engine's pace, where it costs nothing),
 * so exporting a million rows is mostly SQLite joining stored text (main/jobs/export.ts):
 *
 * - `csv_cells`: the row's input cells as CSV (quoted and formula-safe), or NULL when the stored cells
 *   need no such work and simply become CSV by turning their U+001F separators into commas.
 * - `csv_rest`: the rest of the line — a comma, then the result cells, status, error, request_id and CRLF.
 * - `csv_fields`: how many result fields `csv_rest` covers (the job's list as it stood when the row was
 *   written). A job that learns a new result field later exports its older rows the long way.
 *
 * Rows without this text (imported or scored before this version, or not scored yet) are exported
 * from their stored cells and result as before.
 */
export const jobExport: Migration = {
  version: 3,
  name: 'job export text',
  up(db) {
    db.exec(`
      ALTER TABLE job_rows ADD COLUMN csv_cells TEXT;
      ALTER TABLE job_rows ADD COLUMN csv_rest TEXT;
      ALTER TABLE job_rows ADD COLUMN csv_fields INTEGER;
    `);
  },
};
