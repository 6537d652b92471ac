import type { Database, Statement } from 'better-sqlite3';
import type { Profile } from '../../shared/domain/profile';
import type { ProfileRepository } from './repositories';

interface ProfileRow {
  id: string;
  name: string;
  base_url: string;
  rpm: number;
  concurrency: number;
  is_demo: number;
  created_at: string;
}

function toProfile(r: ProfileRow): Profile {
  return { id: r.id, name: r.name, baseUrl: r.base_url, rpm: r.rpm, concurrency: r.concurrency, isDemo: r.is_demo === 1, createdAt: r.created_at };
}

export class SqliteProfiles implements ProfileRepository {
  private readonly listStmt: Statement<[], ProfileRow>;
  private readonly getStmt: Statement<[string], ProfileRow>;
  private readonly saveStmt: Statement;
  private readonly deleteStmt: Statement<[string]>;

  constructor(db: Database) {
    this.listStmt = db.prepare('SELECT * FROM profiles ORDER BY created_at, id');
    this.getStmt = db.prepare('SELECT * FROM profiles WHERE id = ?');
    this.saveStmt = db.prepare(`
      INSERT INTO profiles (id, name, base_url, rpm, concurrency, is_demo, created_at)
      VALUES (@id, @name, @baseUrl, @rpm, @concurrency, @isDemo, @createdAt)
      ON CONFLICT (id) DO UPDATE SET name = excluded.name, base_url = excluded.base_url, rpm = excluded.rpm,
        concurrency = excluded.concurrency, is_demo = excluded.is_demo, created_at = excluded.created_at`);
    // Saved models go with the profile (ON DELETE CASCADE); history rows carry their own copy of the name.
    this.deleteStmt = db.prepare('DELETE FROM profiles WHERE id = ?');
  }

  list(): Profile[] {
    return this.listStmt.all().map(toProfile);
  }

  get(id: string): Profile | undefined {
    const row = this.getStmt.get(id);
    return row ? toProfile(row) : undefined;
  }

  save(profile: Profile): void {
    this.saveStmt.run({ ...profile, isDemo: profile.isDemo ? 1 : 0 });
  }

  delete(id: string): void {
    this.deleteStmt.run(id);
  }
}
