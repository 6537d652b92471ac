import type { Database } from 'better-sqlite3';
import type { Profile } from '../../shared/domain/profile';
import type { ProfileRepository } from './repositories';
import { sql, Statements } from './sql';

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
  private readonly q: Statements;

  constructor(db: Database) {
    this.q = new Statements(db);
  }

  list(): Profile[] {
    return this.q.all<ProfileRow>(sql`SELECT * FROM profiles ORDER BY created_at, id`).map(toProfile);
  }

  get(id: string): Profile | undefined {
    const row = this.q.get<ProfileRow>(sql`SELECT * FROM profiles WHERE id = ${id}`);
    return row ? toProfile(row) : undefined;
  }

  save(p: Profile): void {
    this.q.run(sql`
      INSERT INTO profiles (id, name, base_url, rpm, concurrency, is_demo, created_at)
      VALUES (${p.id}, ${p.name}, ${p.baseUrl}, ${p.rpm}, ${p.concurrency}, ${p.isDemo ? 1 : 0}, ${p.createdAt})
      ON CONFLICT (id) DO UPDATE SET name = excluded.name, base_url = excluded.base_url, rpm = excluded.rpm,
        concurrency = excluded.concurrency, is_demo = excluded.is_demo, created_at = excluded.created_at`);
  }

  /** Saved models go with the profile (ON DELETE CASCADE); history rows carry their own copy of the name. */
  delete(id: string): void {
    this.q.run(sql`DELETE FROM profiles WHERE id = ${id}`);
  }
}
