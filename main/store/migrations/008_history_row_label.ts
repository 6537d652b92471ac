import type { Migration } from './types';

/**
 * History entries that know their spreadsheet row (issue 17, point 7):
 *
 * - `predictions.row_label`: for an entry from a spreadsheet job, the row's identifying columns (by
 *   default the columns not sent to the model, e.g. customer id and name) as a JSON object
 *   `{"customer_id": "C-1001", "name": "Núñez"}`; NULL for the form and for entries written before
 *   this version. It is searched with the rest of the row's text.
 * - `prediction_shapes.label_columns`: the label's column names (a JSON list), part of the shape, so an
 *   export learns its identifying columns without reading every row twice. The table is small and is
 *   rebuilt to widen its UNIQUE key.
 * - `predictions_by_job_time`: the "from the form / from spreadsheet job …" filter pages and counts
 *   through it in time order (form entries have a NULL job id, which the index keeps too).
 */
export const historyRowLabel: Migration = {
  version: 8,
  name: 'history row label and job filter',
  up(db) {
    db.exec(`
      ALTER TABLE predictions ADD COLUMN row_label TEXT;

      CREATE TABLE prediction_shapes_new (
        id INTEGER PRIMARY KEY,
        input_paths TEXT NOT NULL,
        result_paths TEXT NOT NULL,
        label_columns TEXT NOT NULL DEFAULT '[]',
        UNIQUE (input_paths, result_paths, label_columns)
      ) STRICT;
      INSERT INTO prediction_shapes_new (id, input_paths, result_paths) SELECT id, input_paths, result_paths FROM prediction_shapes;
      DROP TABLE prediction_shapes;
      ALTER TABLE prediction_shapes_new RENAME TO prediction_shapes;

      CREATE INDEX predictions_by_job_time ON predictions(job_id, created_at);
    `);
  },
};
