import type { Database } from 'better-sqlite3';
import type { SettingsRepository } from './repositories';
import { sql, Statements } from './sql';

/** Settings as key → JSON value. */
export class SqliteSettings implements SettingsRepository {
  private readonly q: Statements;

  constructor(db: Database) {
    this.q = new Statements(db);
  }

  get<T>(key: string): T | undefined {
    const value = this.q.value<string>(sql`SELECT value FROM settings WHERE key = ${key}`);
    return value === undefined ? undefined : (JSON.parse(value) as T);
  }

  /** `undefined` removes the setting. */
  set(key: string, value: unknown): void {
    if (value === undefined) {
      this.q.run(sql`DELETE FROM settings WHERE key = ${key}`);
      return;
    }
    this.q.run(sql`INSERT INTO settings (key, value) VALUES (${key}, ${JSON.stringify(value)}) ON CONFLICT (key) DO UPDATE SET value = excluded.value`);
  }
}
