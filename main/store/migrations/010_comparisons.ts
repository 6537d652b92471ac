import type { Migration } from './types';

/**
 * Comparisons: a bulk job whose rows are also scored by a second model (usually another version of
 * the same one). The job's own model answers into `job_rows` as before; the second model's answers
 * go into `compare_rows`, one row per answered job row under the same key (`job_id * 2^32 +
 * row_number`), so the two answers of a row are joined on the primary key and a row can never have
 * two second answers. `comparisons` holds the second model, its counts (updated in the same
 * transaction as the answers) and the result fields it has shown. Both tables follow their job when
 * it is deleted.
 */
export const comparisons: Migration = {
  version: 10,
  name: 'comparisons',
  up(db) {
    db.exec(`
      CREATE TABLE comparisons (
        job_id INTEGER PRIMARY KEY REFERENCES jobs(id) ON DELETE CASCADE,
        profile_id TEXT NOT NULL,
        profile_name TEXT NOT NULL,
        model_id TEXT,
        model_ref TEXT NOT NULL,
        model_label TEXT NOT NULL,
        result_fields TEXT NOT NULL DEFAULT '[]',
        n_ok INTEGER NOT NULL DEFAULT 0,
        n_failed INTEGER NOT NULL DEFAULT 0,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      ) STRICT;

      CREATE TABLE compare_rows (
        key INTEGER PRIMARY KEY,
        status TEXT NOT NULL,
        result TEXT,
        error_code TEXT,
        error_message TEXT,
        retryable INTEGER,
        http_status INTEGER,
        request_id TEXT,
        attempts INTEGER NOT NULL DEFAULT 0,
        round_trip_ms REAL,
        processing_time_ms REAL,
        finished_at INTEGER NOT NULL
      ) STRICT;

      CREATE TRIGGER compare_rows_follow_job AFTER DELETE ON jobs BEGIN
        DELETE FROM compare_rows WHERE key > old.id * 4294967296 AND key < (old.id + 1) * 4294967296;
      END;
    `);
  },
};
