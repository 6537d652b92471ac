import type { Database } from 'better-sqlite3';

/**
 * When the write-ahead log is copied into the database file (a checkpoint). Every connection
 * checkpoints by itself, at a commit that finds the log above its threshold:
 *
 * - the app's connections every ~32 MB of log rather than SQLite's default ~4 MB: bulk results are
 *   written at a few MB per second, and fewer, larger checkpoints copy far fewer pages twice;
 * - the import writer's connection (main/jobs/import-writer-thread.ts) lets the log grow to ~256 MB
 *   (about three million rows) and checkpoints once the import is committed, so a checkpoint never
 *   stops the import half-way. The log file is removed when the app closes the database.
 */
const APP_PAGES = 8192;
const IMPORT_PAGES = 65_536;

export function useAppCheckpoints(db: Database): void {
  db.pragma(`wal_autocheckpoint = ${APP_PAGES}`);
}

export function useImportCheckpoints(db: Database): void {
  db.pragma(`wal_autocheckpoint = ${IMPORT_PAGES}`);
}

/** Copies what it can without waiting for other connections; a busy database is left to their own checkpoints. */
export function checkpointNow(db: Database): void {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch {
    // SQLITE_BUSY: another connection is checkpointing.
  }
}
