import fs from 'node:fs';
import Database from 'better-sqlite3';
import type { Database as SqliteDatabase } from 'better-sqlite3';
import { AppError } from '../../shared/ipc/errors';
import { migrations as knownMigrations, type Migration } from './migrations';
import { useAppCheckpoints } from './wal';

export type { Database as SqliteDatabase } from 'better-sqlite3';

export interface OpenDatabaseOptions {
  /** The schema steps; the app's own list unless a test passes another. */
  migrations?: readonly Migration[];
  /**
   * `quick` (default) runs `PRAGMA quick_check` at open (seconds on a large history); `auto` runs it only for files up to 128 MB and otherwise just reads the header and
   * schema (damage then surfaces as SQLITE_CORRUPT when it is met); `none` skips it (benchmarks).
   */
  integrityCheck?: 'quick' | 'auto' | 'none';
  /** The clock used to name a corrupt file moved aside. */
  now?: () => Date;
  /** How long a statement waits for another connection's lock before giving up. */
  busyTimeoutMs?: number;
}

export interface OpenedDatabase {
  db: SqliteDatabase;
  /** Set when something happened the user should be told about (a damaged file moved aside). */
  notice?: string;
}

/** SQLite result codes meaning "this file is not a usable database". */
const CORRUPT_CODES = new Set(['SQLITE_NOTADB', 'SQLITE_CORRUPT', 'SQLITE_CORRUPT_VTAB', 'SQLITE_CORRUPT_SEQUENCE', 'SQLITE_CORRUPT_INDEX']);

class CorruptDatabase extends Error {}

/** Checks the list is 1, 2, 3, … with no gap, repeat or disorder; a mistake here is the app's own. */
export function checkMigrationOrder(list: readonly Migration[]): void {
  list.forEach((m, i) => {
    if (m.version !== i + 1) {
      const previous = i === 0 ? 'the start of the list' : `migration ${list[i - 1]?.version} (${list[i - 1]?.name})`;
      throw new AppError(
        'migrations_out_of_order',
        `The app's database steps are out of order: migration ${m.version} (${m.name}) comes after ${previous}, but ${i + 1} was expected. This is a bug in the app; please report it.`,
        { expected: i + 1, found: m.version, name: m.name },
      );
    }
  });
}

function latestVersion(list: readonly Migration[]): number {
  return list.length === 0 ? 0 : (list[list.length - 1]?.version ?? 0);
}

function sqliteCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

function stamp(date: Date): string {
  return date.toISOString().replace(/[:.]/g, '-');
}

function configure(db: SqliteDatabase, busyTimeoutMs: number): void {
  db.pragma(`busy_timeout = ${Math.max(0, Math.floor(busyTimeoutMs))}`);
  const mode = db.pragma('journal_mode = WAL', { simple: true });
  if (typeof mode === 'string' && mode.toLowerCase() !== 'wal' && mode.toLowerCase() !== 'memory') {
    throw new AppError('database_unwritable', `The app could not switch its database to write-ahead logging (it stayed in "${mode}" mode). Check that the data folder is on a local disk you can write to.`);
  }
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('temp_store = MEMORY');
  db.pragma(`cache_size = ${APP_CACHE_KIB}`);
  useAppCheckpoints(db);
}

/** The page cache the app's connection keeps (64 MB): lists, searches and counts reuse it. */
const APP_CACHE_KIB = -65536;
/** While a long scan runs (an export reads every row once), a small cache holds everything it needs. */
const SCAN_CACHE_KIB = -4096;

/**
 * Shrinks the page cache for a one-pass read over many rows, which would otherwise fill 64 MB with
 * pages it never reads again; returns the function that puts the app's cache size back.
 */
export function useScanCache(db: SqliteDatabase): () => void {
  db.pragma(`cache_size = ${SCAN_CACHE_KIB}`);
  return () => {
    if (db.open) db.pragma(`cache_size = ${APP_CACHE_KIB}`);
  };
}

const HEADER = Buffer.from('SQLite format 3\0', 'latin1');

/**
 * Reads the first bytes ourselves: SQLite, handed a file that is not a database, may remove the -wal
 * beside it when the connection closes, and nothing of the user's may be lost.
 */
function checkHeader(file: string): void {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch {
    return; // Missing (a new database) or unreadable: SQLite reports it below.
  }
  try {
    const head = Buffer.alloc(HEADER.length);
    let read: number;
    try {
      read = fs.readSync(fd, head, 0, head.length, 0);
    } catch (error) {
      throw unreadable(file, error);
    }
    if (read === 0) return; // An empty file is a new database.
    if (read < head.length || !head.equals(HEADER)) throw new CorruptDatabase('not an SQLite file');
  } finally {
    fs.closeSync(fd);
  }
}

const AUTO_CHECK_MAX_BYTES = 128 * 1024 * 1024;

function openAndCheck(file: string, busyTimeoutMs: number, integrityCheck: 'quick' | 'auto' | 'none'): SqliteDatabase {
  let db: SqliteDatabase;
  if (file !== ':memory:' && file !== '') checkHeader(file);
  try {
    db = new Database(file);
  } catch (error) {
    if (CORRUPT_CODES.has(sqliteCode(error) ?? '')) throw new CorruptDatabase(String(error));
    throw unreadable(file, error);
  }
  try {
    configure(db, busyTimeoutMs);
    const small = integrityCheck === 'auto' && (file === ':memory:' || file === '' || !fs.existsSync(file) || fs.statSync(file).size <= AUTO_CHECK_MAX_BYTES);
    if (integrityCheck === 'quick' || small) {
      const rows = db.pragma('quick_check(1)') as { quick_check?: string }[];
      const verdict = rows[0]?.quick_check;
      if (verdict !== 'ok') throw new CorruptDatabase(`quick_check: ${String(verdict)}`);
    } else {
      // Still read the header and schema, so a file that is not a database is caught.
      db.prepare('SELECT count(*) FROM sqlite_master').get();
    }
    return db;
  } catch (error) {
    db.close();
    if (error instanceof CorruptDatabase || error instanceof AppError) throw error;
    if (CORRUPT_CODES.has(sqliteCode(error) ?? '')) throw new CorruptDatabase(String(error));
    throw unreadable(file, error);
  }
}

function unreadable(file: string, error: unknown): AppError {
  const code = sqliteCode(error);
  return new AppError(
    'database_unreadable',
    `The app could not open its database at ${file}${code ? ` (${code})` : ''}. Check that the data folder exists and that you are allowed to read and write it, then start the app again.`,
    code ? { sqliteCode: code } : undefined,
  );
}

/** Renames the file and its -wal/-shm companions to `<file>.corrupt-<time>`; nothing is deleted. */
function moveAside(file: string, when: Date): string {
  let target = `${file}.corrupt-${stamp(when)}`;
  for (let n = 2; fs.existsSync(target); n++) target = `${file}.corrupt-${stamp(when)}-${n}`;
  fs.renameSync(file, target);
  for (const suffix of ['-wal', '-shm', '-journal']) {
    if (fs.existsSync(file + suffix)) fs.renameSync(file + suffix, target + suffix);
  }
  return target;
}

function migrate(db: SqliteDatabase, file: string, list: readonly Migration[]): void {
  const latest = latestVersion(list);
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > latest) {
    throw new AppError(
      'database_too_new',
      `The database at ${file} was written by a newer version of Plexe Desktop (database version ${current}; this version understands up to ${latest}). Install the newer version of the app to open it. Nothing was changed.`,
      { databaseVersion: current, appVersion: latest },
    );
  }
  if (current === latest) return;
  db.transaction(() => {
    for (const m of list) {
      if (m.version <= current) continue;
      try {
        m.up(db);
      } catch (error) {
        throw new AppError(
          'database_migration_failed',
          `The app could not update its database at ${file} to version ${m.version} (${m.name}): ${error instanceof Error ? error.message : String(error)}. The database was left as it was; please report this.`,
          { version: m.version, name: m.name },
        );
      }
    }
    db.pragma(`user_version = ${latest}`);
  }).immediate();
}

/**
 * Opens (or creates) the app's database: WAL, foreign keys on, busy timeout, schema brought up to date
 * in one transaction. Refuses a database from a newer app (`database_too_new`) without touching it. A
 * damaged file is renamed aside — never deleted — and a fresh one created; `notice` then says so.
 */
export function openDatabase(file: string, opts: OpenDatabaseOptions = {}): OpenedDatabase {
  const list = opts.migrations ?? knownMigrations;
  checkMigrationOrder(list);
  const busyTimeoutMs = opts.busyTimeoutMs ?? 5000;
  const integrityCheck = opts.integrityCheck ?? 'quick';
  const inMemory = file === ':memory:' || file === '';

  let db: SqliteDatabase;
  let notice: string | undefined;
  try {
    db = openAndCheck(file, busyTimeoutMs, integrityCheck);
  } catch (error) {
    if (!(error instanceof CorruptDatabase) || inMemory) throw error;
    const movedTo = moveAside(file, (opts.now ?? (() => new Date()))());
    notice = `The app's database could not be read because the file is damaged. It was moved aside to ${movedTo} (nothing was deleted) and a new, empty database was started. API keys are kept in the system keychain and are not affected; the accounts, saved models, settings and past predictions in the old file are not shown.`;
    db = openAndCheck(file, busyTimeoutMs, integrityCheck);
  }
  try {
    migrate(db, file, list);
    db.pragma('optimize = 0x10002');
  } catch (error) {
    db.close();
    throw error;
  }
  return notice === undefined ? { db } : { db, notice };
}

/**
 * Lets SQLite refresh its planner statistics, then closes. `analysis_limit` bounds the rows ANALYZE
 * samples per index (SQLite's advice for `optimize`): after a million-row import, a full ANALYZE
 * would add about half a second to closing for statistics no better for the queries the app runs.
 */
export function closeDatabase(db: SqliteDatabase): void {
  if (!db.open) return;
  try {
    db.pragma('analysis_limit = 1000');
    db.pragma('optimize');
  } finally {
    db.close();
  }
}
