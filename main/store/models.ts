import type { Database } from 'better-sqlite3';
import { savedModelSchema, type SavedModel } from '../../shared/domain/model';
import type { ModelRepository } from './repositories';
import { sql, Statements } from './sql';

interface ModelRow {
  id: string;
  profile_id: string;
  ref: string;
  display_name: string;
  schema: string;
  output_schema: string | null;
  created_at: string;
}

function toModel(r: ModelRow): SavedModel {
  // Checked on the way out too, so a row written by a future or broken version cannot reach the UI malformed.
  return savedModelSchema.parse({
    id: r.id,
    profileId: r.profile_id,
    ref: JSON.parse(r.ref) as unknown,
    displayName: r.display_name,
    schema: JSON.parse(r.schema) as unknown,
    outputSchema: r.output_schema === null ? null : (JSON.parse(r.output_schema) as unknown),
    createdAt: r.created_at,
  });
}

export class SqliteModels implements ModelRepository {
  private readonly q: Statements;

  constructor(db: Database) {
    this.q = new Statements(db);
  }

  listForProfile(profileId: string): SavedModel[] {
    return this.q.all<ModelRow>(sql`SELECT * FROM models WHERE profile_id = ${profileId} ORDER BY created_at, id`).map(toModel);
  }

  get(id: string): SavedModel | undefined {
    const row = this.q.get<ModelRow>(sql`SELECT * FROM models WHERE id = ${id}`);
    return row ? toModel(row) : undefined;
  }

  /** Insert or update by id. The profile must exist (foreign key). */
  save(model: SavedModel): void {
    const outputSchema = model.outputSchema === null ? null : JSON.stringify(model.outputSchema);
    this.q.run(sql`
      INSERT INTO models (id, profile_id, ref, display_name, schema, output_schema, created_at)
      VALUES (${model.id}, ${model.profileId}, ${JSON.stringify(model.ref)}, ${model.displayName}, ${JSON.stringify(model.schema)}, ${outputSchema}, ${model.createdAt})
      ON CONFLICT (id) DO UPDATE SET profile_id = excluded.profile_id, ref = excluded.ref, display_name = excluded.display_name,
        schema = excluded.schema, output_schema = excluded.output_schema, created_at = excluded.created_at`);
  }

  delete(id: string): void {
    this.q.run(sql`DELETE FROM models WHERE id = ${id}`);
  }
}
