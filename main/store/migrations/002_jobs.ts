import type { Migration } from './types';

/**
 * Bulk jobs: one `jobs` row per spreadsheet scored, one `job_rows` row per data row, kept from the
 * moment the file is imported so a crash, a kill or a closed lid loses nothing.
 *
 * - Job ids are integers (AUTOINCREMENT: a deleted job's id is never reused, so history rows that
 *   name a job never point at an older one's rows).
 * - A row's key is `job_id * 2^32 + row_number` (the rowid itself): the table needs no second index
 *   for its main access path, which keeps the import of a million rows close to the parser's own
 *   speed. Every read is a keyset range on that key (never OFFSET); the run streams pending rows in
 *   key order. Failed, invalid and skipped rows — usually few — have a partial index, for the
 *   "failed only" filter and the problem list.
 * - Row counts per status live on the job (`n_*`), updated in the same transaction as every change
 *   of status, so lists and progress never scan a million rows.
 * - `cells` is the row exactly as read (every column, in file order), so the export can give back
 *   the original columns: the cells joined by U+001F behind a leading U+001F, or — for the rare row
 *   whose text holds U+001E/U+001F — a JSON array of strings (see encodeCells in main/jobs/store.ts). The mapped input is not stored at import (that would
 *   be a second write of every row); it is computed from the cells and the job's mapping when the row
 *   is sent, and `input` then records what was sent.
 * - A row leaves `pending` only by getting an outcome written in the same transaction as its result
 *   or error; a row that is not `pending` is never read by a run again.
 */
export const jobs: Migration = {
  version: 2,
  name: 'jobs',
  up(db) {
    db.exec(`
      CREATE TABLE jobs (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        source TEXT NOT NULL,
        resume_key TEXT,
        profile_id TEXT NOT NULL,
        profile_name TEXT NOT NULL,
        model_id TEXT,
        model_ref TEXT NOT NULL,
        model_label TEXT NOT NULL,
        fields TEXT,
        file_path TEXT NOT NULL,
        file_name TEXT NOT NULL,
        sheet TEXT,
        columns TEXT NOT NULL DEFAULT '[]',
        import_info TEXT NOT NULL DEFAULT '{}',
        mapping TEXT,
        checked INTEGER NOT NULL DEFAULT 0,
        settings TEXT NOT NULL DEFAULT '{}',
        state TEXT NOT NULL,
        error TEXT,
        n_pending INTEGER NOT NULL DEFAULT 0,
        n_ok INTEGER NOT NULL DEFAULT 0,
        n_failed INTEGER NOT NULL DEFAULT 0,
        n_skipped INTEGER NOT NULL DEFAULT 0,
        n_invalid INTEGER NOT NULL DEFAULT 0,
        result_fields TEXT NOT NULL DEFAULT '[]',
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        started_at INTEGER,
        finished_at INTEGER,
        run_ms INTEGER NOT NULL DEFAULT 0
      ) STRICT;
      CREATE INDEX jobs_by_time ON jobs(created_at);
      CREATE INDEX jobs_by_resume_key ON jobs(resume_key) WHERE resume_key IS NOT NULL;

      CREATE TABLE job_rows (
        key INTEGER PRIMARY KEY,
        cells TEXT NOT NULL,
        input TEXT,
        problems TEXT,
        status TEXT NOT NULL DEFAULT 'pending',
        result TEXT,
        error_code TEXT,
        error_message TEXT,
        error_details TEXT,
        retryable INTEGER,
        http_status INTEGER,
        request_id TEXT,
        attempts INTEGER NOT NULL DEFAULT 0,
        round_trip_ms REAL,
        processing_time_ms REAL,
        finished_at INTEGER
      ) STRICT;
      CREATE INDEX job_rows_needing_attention ON job_rows(key) WHERE status NOT IN ('ok', 'pending');
    `);
  },
};
