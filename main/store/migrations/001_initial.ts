import type { Migration } from './types';

/**
 * Accounts, saved models, settings and the prediction history.
 *
 * History layout, chosen for a million rows and more:
 * - `created_at` is milliseconds since the epoch (UTC), so the newest-first keyset
 *   `(created_at DESC, id DESC)` is served by the plain `created_at` index (its entries end in the rowid).
 * - Account and model are kept once per combination in `prediction_series`; a row points at its series,
 *   which keeps rows and the `(series_id, created_at)` index small, and gives the filter lists for free.
 * - Failed rows have their own partial index in time order (with the status in it), so "failed only" and
 *   error-code filters page and count fast, while successful rows (the vast majority) cost it nothing.
 * - `prediction_shapes` records the flattened input and result field paths (JSON lists of key lists, e.g.
 *   `[["age"],["address","city"]]`) once per distinct shape, so an export learns its columns without reading
 *   every row twice.
 * - Text search uses an FTS5 table filled in batches behind the inserts (see main/history/catch-up.ts),
 *   so bulk inserts stay fast; `predictions_fts_state.indexed_upto` says how far it has got. Rows above it
 *   are searched directly. `AUTOINCREMENT` makes sure a deleted id is never reused, which keeps that
 *   watermark sound.
 * - `series_id` and `shape_id` are not declared as foreign keys: only HistoryStore writes them, in the
 *   same transaction as the rows they describe, and bulk inserts would pay two extra lookups per row.
 */
export const initial: Migration = {
  version: 1,
  name: 'initial',
  up(db) {
    db.exec(`
      CREATE TABLE profiles (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        base_url TEXT NOT NULL,
        rpm INTEGER NOT NULL,
        concurrency INTEGER NOT NULL,
        is_demo INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL
      ) STRICT;

      CREATE TABLE models (
        id TEXT PRIMARY KEY,
        profile_id TEXT NOT NULL REFERENCES profiles(id) ON DELETE CASCADE,
        ref TEXT NOT NULL,
        display_name TEXT NOT NULL,
        schema TEXT NOT NULL,
        output_schema TEXT,
        created_at TEXT NOT NULL
      ) STRICT;
      CREATE INDEX models_by_profile ON models(profile_id, created_at);

      CREATE TABLE settings (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
      ) STRICT;

      CREATE TABLE prediction_series (
        id INTEGER PRIMARY KEY,
        profile_id TEXT NOT NULL,
        profile_name TEXT NOT NULL,
        model_name TEXT NOT NULL,
        model_version TEXT NOT NULL,
        UNIQUE (profile_id, profile_name, model_name, model_version)
      ) STRICT;

      CREATE TABLE prediction_shapes (
        id INTEGER PRIMARY KEY,
        input_paths TEXT NOT NULL,
        result_paths TEXT NOT NULL,
        UNIQUE (input_paths, result_paths)
      ) STRICT;

      CREATE TABLE predictions (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        created_at INTEGER NOT NULL,
        series_id INTEGER NOT NULL,
        source TEXT NOT NULL,
        input TEXT NOT NULL,
        result TEXT,
        status TEXT NOT NULL,
        error_message TEXT,
        error_details TEXT,
        http_status INTEGER,
        request_id TEXT,
        round_trip_ms REAL,
        processing_time_ms REAL,
        attempts INTEGER NOT NULL,
        job_id TEXT,
        row_number INTEGER,
        shape_id INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX predictions_by_time ON predictions(created_at);
      CREATE INDEX predictions_by_series_time ON predictions(series_id, created_at);
      CREATE INDEX predictions_failed_by_time ON predictions(created_at, status) WHERE status <> 'ok';

      CREATE VIRTUAL TABLE predictions_fts USING fts5(
        body,
        content = '',
        contentless_delete = 1,
        detail = none,
        tokenize = 'unicode61 remove_diacritics 2'
      );
      CREATE TABLE predictions_fts_state (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        indexed_upto INTEGER NOT NULL
      ) STRICT;
      INSERT INTO predictions_fts_state (id, indexed_upto) VALUES (1, 0);
      CREATE TRIGGER predictions_fts_forget AFTER DELETE ON predictions
        WHEN old.id <= (SELECT indexed_upto FROM predictions_fts_state WHERE id = 1)
      BEGIN
        DELETE FROM predictions_fts WHERE rowid = old.id;
      END;
    `);
  },
};
