import type { Migration } from './types';

/**
 * Exports format rows from their stored values (main/jobs/export.ts, main/history/export.ts), so the
 * copies of each row's CSV text that versions 3–5 kept are dropped: `job_rows.csv_*`,
 * `predictions.csv_line` and the state of the background job that wrote it.
 */
export const dropExportText: Migration = {
  version: 6,
  name: 'drop stored export text',
  up(db) {
    db.exec(`
      ALTER TABLE job_rows DROP COLUMN csv_cells;
      ALTER TABLE job_rows DROP COLUMN csv_rest;
      ALTER TABLE job_rows DROP COLUMN csv_fields;
      ALTER TABLE predictions DROP COLUMN csv_line;
      DROP TABLE prediction_lines_state;
    `);
  },
};
