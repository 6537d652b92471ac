import type { Database, Statement } from 'better-sqlite3';
import type { SettingsRepository } from './repositories';

/** Settings as key → JSON value. */
export class SqliteSettings implements SettingsRepository {
  private readonly getStmt: Statement<[string], { value: string }>;
  private readonly setStmt: Statement<[string, string]>;
  private readonly deleteStmt: Statement<[string]>;

  constructor(db: Database) {
    this.getStmt = db.prepare('SELECT value FROM settings WHERE key = ?');
    this.setStmt = db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value');
    this.deleteStmt = db.prepare('DELETE FROM settings WHERE key = ?');
  }

  get<T>(key: string): T | undefined {
    const row = this.getStmt.get(key);
    return row === undefined ? undefined : (JSON.parse(row.value) as T);
  }

  /** `undefined` removes the setting. */
  set(key: string, value: unknown): void {
    if (value === undefined) {
      this.deleteStmt.run(key);
      return;
    }
    this.setStmt.run(key, JSON.stringify(value));
  }
}
